"""Every quote of the current content, in memory: what answers a random pick and a search made of
common words without a trip to the database.

Content only changes when the pack is seeded, and each trip to aiosqlite's thread costs more than
the rest of those commands together. The library is bound to the content stamp it was loaded under;
the quote service loads a new one when the stamp changes. SQLite stays the source of truth.

It grows with the pack, so it is kept in columns rather than an object per quote (a `Quote` is built
only for what a reply shows): at 100,000 quotes the process grows by about 25 MB when it loads, 12.5 MB
of it the texts and about 4 MB the common words' quotes (`WordIndex`, as roaring bitmaps).
"""

from __future__ import annotations

import itertools
import random
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from bot.quotes.index import WordIndex
from bot.quotes.models import Attribution, Quote
from bot.store.quotes import QuoteColumns, index_of

LIST_BELOW = 32  # a pool this much larger than the quotes to avoid is sampled; a smaller one is listed

Ranking = tuple[int, tuple[int, ...]]  # (quotes holding the word, the positions of its best quotes)


def _shown_key(episode: int | None) -> int:
    """Sort key for "spoils nothing past": a quote that spoils nothing sorts first."""
    return 0 if episode is None else episode


@dataclass(frozen=True)
class QuoteLibrary:
    """The quotes (`columns`, ids ascending), the seed's rankings of common words and FTS5's index of
    them, for the content `stamp` they were loaded under. A quote is known by its position in the
    columns."""

    stamp: str | None
    columns: QuoteColumns
    attributions: Mapping[int, Attribution]  # by passage: one object per review, shared by its quotes
    ranked: dict[str, Ranking] = field(default_factory=dict)  # common word -> its ranking
    index: WordIndex | None = None
    # positions ordered by what they spoil: the quotes a `hide` horizon lets through are a prefix of
    # `_by_episode`, so a pick among them is one random index; `_ends[i]` is how many spoil nothing
    # past `_episodes[i]`
    _by_episode: array[int] = field(init=False, repr=False)
    _episodes: list[int] = field(init=False, repr=False)
    _ends: list[int] = field(init=False, repr=False)
    _contiguous: bool = field(init=False, repr=False)  # ids are first, first + 1, … (a seed numbers them so)

    def __post_init__(self) -> None:
        buckets: dict[int, array[int]] = {}  # a sort by episode without a list of 100,000 ints
        for position, episode in enumerate(self.columns.episodes):
            buckets.setdefault(_shown_key(episode), array("i")).append(position)
        by_episode, episodes, ends = array("i"), sorted(buckets), []
        for key in episodes:
            by_episode.extend(buckets[key])
            ends.append(len(by_episode))
        object.__setattr__(self, "_by_episode", by_episode)
        object.__setattr__(self, "_episodes", episodes)
        object.__setattr__(self, "_ends", ends)
        ids = self.columns.ids  # ascending and distinct, so they are contiguous when they span their count
        object.__setattr__(self, "_contiguous", bool(ids) and ids[-1] - ids[0] == len(ids) - 1)

    @classmethod
    def build(cls, stamp: str | None, columns: QuoteColumns, attributions: Mapping[int, Attribution],
              rankings: Iterable[tuple[str, int, int]], index: WordIndex | None = None) -> QuoteLibrary:
        """The library of `columns`, each quote attributed by its passage, with the seed's `rankings`
        ((word, quotes holding it, quote id), word by word in rank order)."""
        ranked: dict[str, Ranking] = {}
        for word, group in itertools.groupby(rankings, key=itemgetter(0)):
            rows = list(group)
            best = (index_of(columns.ids, quote_id) for _, _, quote_id in rows)
            # a missing id only if another process seeded between the reads (the stamp then differs)
            ranked[word] = (rows[0][1], tuple(p for p in best if p is not None))
        return cls(stamp, columns, attributions, ranked, index)

    def __len__(self) -> int:
        return len(self.columns.ids)

    def position(self, quote_id: int) -> int | None:
        ids = self.columns.ids
        if self._contiguous:  # arithmetic: a bisection of 100,000 ids misses the CPU cache at every step
            index = quote_id - ids[0]
            return index if 0 <= index < len(ids) else None
        return index_of(ids, quote_id)

    def text(self, position: int) -> str:
        return self.columns.text(position)

    def quote_id(self, position: int) -> int:
        return self.columns.ids[position]

    def quote(self, position: int, segments: tuple[tuple[str, bool], ...] = (), text: str | None = None) -> Quote:
        """The quote at `position`; `text` is its text when the caller has decoded it already."""
        columns = self.columns
        return Quote(columns.ids[position], columns.text(position) if text is None else text,
                     columns.episodes[position], self.attributions[columns.passage_ids[position]], segments)

    # -- random picks ------------------------------------------------------------------------------

    def _showable(self, hidden_after: int | None) -> int:
        """How many quotes may be picked: all of them, or under `hide` those spoiling nothing past
        `hidden_after` (the first that many of `_by_episode`)."""
        if hidden_after is None:
            return len(self)
        shown = bisect_right(self._episodes, hidden_after)
        return self._ends[shown - 1] if shown else 0

    def _candidate(self, index: int, hidden_after: int | None) -> int:
        return index if hidden_after is None else self._by_episode[index]

    def pick(self, hidden_after: int | None, avoid: Sequence[int], rng: random.Random) -> int | None:
        """The position of a quote chosen uniformly among those `hidden_after` lets be shown, other
        than the ids in `avoid`; None when there is none."""
        count = self._showable(hidden_after)
        avoided = {position for position in map(self.position, avoid) if position is not None}
        if count < len(avoided) + LIST_BELOW:
            pool = [p for p in (self._candidate(i, hidden_after) for i in range(count)) if p not in avoided]
            return rng.choice(pool) if pool else None
        while True:  # most draws succeed: at most len(avoided) of the count are refused
            position = self._candidate(rng.randrange(count), hidden_after)
            if position not in avoided:
                return position

    def oldest_of(self, ids: Sequence[int], hidden_after: int | None) -> int | None:
        """The position of the first of `ids` still here and showable under `hidden_after`."""
        for quote_id in ids:
            position = self.position(quote_id)
            if position is not None and (hidden_after is None
                                         or _shown_key(self.columns.episodes[position]) <= hidden_after):
                return position
        return None

    # -- common words ------------------------------------------------------------------------------

    def widens(self, terms: Sequence[str], prefixes: Sequence[bool]) -> bool:
        """Whether a prefix search may find more than the whole words did (`WordIndex.widens`); without
        an index, only FTS5 can tell."""
        return self.index is None or self.index.widens(terms, prefixes)

    def search(self, terms: Sequence[str], prefixes: Sequence[bool], limit: int) -> tuple[int, list[int]] | None:
        """(quotes holding every term, the positions of the best `limit`) for `terms` as FTS5's
        vocabulary has them, each whole or (where `prefixes` says) a prefix; None when only FTS5 knows.

        One whole word is read from the seed's ranking; several, or a prefix, are ranked by the index.
        """
        ranking = self.ranked.get(terms[0]) if len(terms) == 1 and not prefixes[0] else None
        if ranking is not None and len(ranking[1]) >= limit:
            total, best = ranking
            return total, list(best[:limit])
        if self.index is None:
            return None
        found = self.index.search(terms, prefixes, limit)
        if found is None:
            return None
        total, ids = found
        positions = []
        for quote_id in ids:
            position = self.position(quote_id)
            if position is None:  # only if another process seeded between the reads
                return None
            positions.append(position)
        return total, positions
