"""Spoiler keywords: which episode a piece of text gives away by naming one.

One matcher serves the spoiler guard (members' messages), seeding (what each quote can spoil) and quote
attribution (a headline that names a spoiler), so a keyword means the same thing everywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from bot.store.recaps import SpoilerKeyword

if TYPE_CHECKING:
    from bot.pack.ingest import Passage, Sentence
    from bot.pack.model import Pack

__all__ = ["SpoilerKeyword", "keyword_pattern", "names_keyword", "quote_episode", "quote_episodes"]


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


def _latest_named(text: str, keywords: tuple[tuple[int, str], ...]) -> int | None:
    """The latest episode whose keyword `text` names (as `names_keyword` tells)."""
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


def quote_episodes(pack: Pack, passages: Sequence[Passage], sentences: Sequence[Sentence]) -> list[int | None]:
    """What each of a pack's quotable sentences can spoil (`quote_episode`), in order: worked out at
    seed time and stored with the quote."""
    flagged = {(p.source, p.position) for p in passages if p.spoiler_flag}
    keywords = tuple((e.number, k) for e in pack.episodes for k in e.spoiler_keywords)
    return [quote_episode(s.text, (s.source, s.passage_position) in flagged, keywords,
                          pack.manifest.episode_count, s.spoils) for s in sentences]
