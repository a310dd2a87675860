"""The spoiler guard's judgement, without Discord: does a member's message openly name a spoiler?

Only what Discord shows in the clear counts. Spoiler-tagged spans, code, URLs, mentions and custom
emoji are blanked out first, reading the message left to right the way Discord's markdown does
(so `` `a||b` `` is code, not the start of a spoiler, and an unclosed `||` is just two pipes). Then
each keyword of an episode past the horizon is looked for as a whole word, case-insensitively.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.policy.keywords import SpoilerKeyword, names_keyword
from bot.policy.rules import Mode, SpoilerRules

_URL = re.compile(r"<?https?://[^\s<]+[^<.,:;\"')\]\s]>?")
_ANGLE_TOKEN = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|/[^>]+:\d+|t:\d+(?::\w)?)>")  # mentions, emoji, …
_BACKTICKS = re.compile(r"`+")


class GuardAction(enum.StrEnum):
    WARN = "warn"  # reply with a warning; the message stays
    REPOST = "repost"  # remove the message and repost it masked, with the author's name


@dataclass(frozen=True)
class GuardSettings:
    enabled: bool = False
    action: GuardAction = GuardAction.WARN


def exposed_text(message: str) -> str:
    """`message` with everything not shown in the clear replaced by spaces (positions are kept)."""
    out: list[str] = []
    index, length = 0, len(message)
    while index < length:
        char = message[index]
        end = None
        if char == "\\" and index + 1 < length and not message[index + 1].isalnum() \
                and not message[index + 1].isspace():
            out.append(" " + message[index + 1])  # an escaped character is shown as itself
            index += 2
            continue
        if char == "`":
            run = _BACKTICKS.match(message, index).group(0)  # type: ignore[union-attr]
            close = message.find(run, index + len(run))
            # a code span ends at the same number of backticks; ``` blocks may span lines
            if close != -1:
                end = close + len(run)
        elif message.startswith("||", index):
            close = message.find("||", index + 3)
            if close != -1:
                end = close + 2
        elif char in "h<":
            match = _URL.match(message, index) or _ANGLE_TOKEN.match(message, index)
            if match and (index == 0 or not message[index - 1].isalnum()):
                end = match.end()
        if end is None:
            out.append(char)
            index += 1
        else:
            out.append(_blank(message[index:end]))
            index = end
    return "".join(out)


def _blank(text: str) -> str:
    return "".join(c if c == "\n" else " " for c in text)


@dataclass(frozen=True)
class KeywordHit:
    episode: int
    keyword: str


def find_spoilers(message: str, keywords: Iterable[SpoilerKeyword], horizon: int) -> list[KeywordHit]:
    """Keywords of episodes after `horizon` that `message` names in the clear, latest episode first."""
    visible = exposed_text(message)
    hits = {
        KeywordHit(k.episode, k.keyword)
        for k in keywords
        if k.episode > horizon and names_keyword(visible, k.keyword)
    }
    return sorted(hits, key=lambda hit: (-hit.episode, hit.keyword.casefold()))


@dataclass(frozen=True)
class GuardVerdict:
    """What the guard found: the latest episode the message spoils, and the action to take."""

    episode: int
    action: GuardAction


def judge(message: str, rules: SpoilerRules, settings: GuardSettings,
          keywords: Iterable[SpoilerKeyword]) -> GuardVerdict | None:
    """None when the guard has nothing to say: it is off, the channel's mode is `off`, or the message
    names no spoiler past the horizon in the clear."""
    if not settings.enabled or rules.mode is Mode.OFF:
        return None
    hits = find_spoilers(message, keywords, rules.horizon)
    if not hits:
        return None
    return GuardVerdict(hits[0].episode, settings.action)
