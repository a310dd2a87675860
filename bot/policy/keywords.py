"""Spoiler keywords: which episode a piece of text gives away by naming one.

One matcher serves the spoiler guard (members' messages), seeding (what each quote can spoil) and quote
attribution (a headline that names a spoiler), so a keyword means the same thing everywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple


class SpoilerKeyword(NamedTuple):
    episode: int
    keyword: str


@functools.lru_cache(maxsize=1024)
def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A whole-word, case-insensitive pattern; any run of spaces may stand between the words.

    The word boundary is ASCII-only on purpose: "Sudan에서" (a Korean particle glued on) still names
    Sudan, while "Sudanese" is another word.
    """
    keyword = keyword.strip()
    words = [re.escape(word) for word in keyword.split()]
    body = r"\s+".join(words)
    left = r"(?<![A-Za-z0-9])" if keyword[:1].isascii() and keyword[:1].isalnum() else ""
    right = r"(?![A-Za-z0-9])" if keyword[-1:].isascii() and keyword[-1:].isalnum() else ""
    return re.compile(left + body + right, re.IGNORECASE)


def names_keyword(text: str, keyword: str) -> bool:
    return bool(keyword.strip()) and keyword_pattern(keyword).search(text) is not None


@functools.lru_cache(maxsize=16)
def _latest_first(keywords: tuple[tuple[int, str], ...]) -> tuple[tuple[int, Callable[[str], object]], ...]:
    """Each keyword's episode and search, latest episode first, so the first keyword a text names is
    the latest it names; blank keywords name nothing and are left out."""
    named = sorted(((episode, keyword) for episode, keyword in keywords if keyword.strip()),
                   key=lambda pair: -pair[0])
    return tuple((episode, keyword_pattern(keyword).search) for episode, keyword in named)


@functools.lru_cache(maxsize=4096)
def _latest_named(text: str, keywords: tuple[tuple[int, str], ...]) -> int | None:
    """The latest episode whose keyword `text` names (as `names_keyword` tells). Remembered: a page of
    quotes asks it of the same few review headlines again and again. Otherwise, every search reply asks
    it of the member's new text, and a seed of every quote: so the keywords are searched latest first,
    and the first found ends it."""
    for episode, search in _latest_first(keywords):
        if search(text) is not None:
            return episode
    return None


def quote_episode(text: str, flagged: bool, keywords: Iterable[tuple[int, str]], episode_count: int,
                  spoils: int | None = None) -> int | None:
    """What a sentence can spoil: the latest episode whose keyword it names, or that its place in a
    spoiler article gives away; a review the site flags as spoiling is taken to spoil the whole run,
    since the flag doesn't say which episode."""
    named = _latest_named(text, tuple(keywords))  # a tuple already is passed as it is
    episodes = [] if named is None else [named]
    if spoils is not None:
        episodes.append(spoils)
    if flagged:
        episodes.append(episode_count)
    return max(episodes, default=None)
