"""FTS5's index of the common words, in memory: a search made only of common words, whole or as
prefixes, is matched and ranked here exactly as FTS5 would, without a trip to the database.

Why: to rank, FTS5's bm25 counts every quote holding each word of the search, once per search. At
100,000 quotes a common word is in thousands of them, so a two-word search took a millisecond or
more in SQLite, plus the trip to aiosqlite's thread, however few quotes hold both words.

FTS5 stays the search engine: the seed exports its vocabulary and, for each word in at least
TOP_MATCH_MIN quotes (every word, in a pack of at most WHOLE_INDEX_QUOTES), the quotes holding it and
how often (`build_word_index`); this module only intersects those lists (as roaring bitmaps, in C)
and applies FTS5's own bm25 formula (fts5_aux.c) to FTS5's own figures, for the matches that can
make the page. A search with a rare word, a prefix standing for a rare word or for too many words,
or too many quotes to score, gets None, and goes to FTS5.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyroaring import AbstractBitMap, BitMap, FrozenBitMap

from bot.store.quotes import WordQuotes

K1, B = 1.2, 0.75  # FTS5's bm25 parameters
# More matches than this, and only those that can make the page are scored (`_contenders`): scoring
# grows with every match ("heli" at 100,000 quotes, 4,695 matches, took 7 ms scored whole), while
# picking the contenders costs about 20 µs however many match: as much as scoring some 32 (measured
# alone, best of seven, on two-word searches of the benchmark's words at 100,000 quotes).
SCORE_ALL_UP_TO = 32
# Up to this many matches holding each word once, the shortest are found by sorting them by length (one
# call into C); more, by walking the quotes of each length, shortest first, which costs about 20 µs
# however many match (alone, best of five, for two-word searches with 33–64 matches: 20 µs, from 27).
SORT_UP_TO = 128
# FTS5's bm25 costs about 0.15 µs for every quote holding each word. So up to MAX_SCORED quotes are
# scored here, and more only while FTS5 would read at least SCORED_SHARE times as many; else FTS5 ranks.
MAX_SCORED = 300
SCORED_SHARE = 8
MAX_PREFIX_WORDS = 256  # a prefix standing for more words than this is left to FTS5 (and its prefix index)
MAX_ID_SPREAD = 2  # ids up to this many times the number of quotes: lengths are kept by id
_LAST = "\U0010ffff"  # sorts after every character: the words starting with p lie in [p, p + _LAST)


@dataclass(frozen=True)
class WordIndex:
    postings: Mapping[str, WordQuotes]  # each kept word's quotes (see `build_word_index`)
    vocabulary: Sequence[str]  # every word FTS5 indexed, sorted
    rows: int  # how many quotes FTS5 indexed: bm25's N
    # how many tokens FTS5 counted in each quote, by its id (a seed numbers quotes 1, 2, 3…): read once
    # per scored quote, where finding its place among the ids first cost a call into the bitmap library
    lengths_by_id: array[int]
    average_length: float  # FTS5's avgdl: every token over every quote
    by_length: tuple[tuple[int, FrozenBitMap], ...]  # the quotes of each length, shortest first

    @classmethod
    def build(cls, postings: Mapping[str, WordQuotes], vocabulary: Sequence[str], ids: array[int],
              sized: tuple[array[int], array[int]]) -> WordIndex | None:
        """The index, or None when there is nothing to answer from: no words kept (a database not
        seeded since it was upgraded), FTS5's sizes not of these quotes, or ids so sparse that lengths
        by id would be mostly gaps (only a database written by something other than a seed)."""
        size_ids, lengths = sized
        if not postings or not ids or size_ids != ids or ids[-1] > MAX_ID_SPREAD * len(ids):
            return None
        lengths_by_id = array("I", bytes(4 * (ids[-1] + 1)))
        grouped: dict[int, BitMap] = {}
        for quote_id, length in zip(ids, lengths, strict=True):
            lengths_by_id[quote_id] = length
            grouped.setdefault(length, BitMap()).add(quote_id)
        by_length = tuple((length, FrozenBitMap(grouped[length])) for length in sorted(grouped))
        return cls(postings, vocabulary, len(ids), lengths_by_id, sum(lengths) / len(lengths), by_length)

    def _words(self, term: str, prefix: bool) -> list[str] | None:
        """The indexed words `term` stands for; None if any of them isn't held here."""
        if not prefix:  # a whole word: held here, indexed but not held (rare: FTS5's), or in no quote
            if term in self.postings:
                return [term]
            index = bisect_left(self.vocabulary, term)
            return None if index < len(self.vocabulary) and self.vocabulary[index] == term else []
        words = self.vocabulary[bisect_left(self.vocabulary, term):bisect_left(self.vocabulary, term + _LAST)]
        if len(words) > MAX_PREFIX_WORDS:
            return None
        return list(words) if all(word in self.postings for word in words) else None

    def widens(self, terms: Sequence[str], prefixes: Sequence[bool]) -> bool:
        """Whether taking `terms` as prefixes (where `prefixes` says) may find more than the whole words
        do: False when every such prefix stands for no indexed word but itself, and a prefix search
        would find, rank and mark exactly what the whole words did."""
        return any(prefix and self._words(term, True) != [term]
                   for term, prefix in zip(terms, prefixes, strict=True))

    def _quotes(self, words: Sequence[str]) -> AbstractBitMap:
        if len(words) == 1:
            return self.postings[words[0]].ids
        return BitMap.union(*(self.postings[word].ids for word in words))

    def _repeats(self, words: Sequence[str], quotes: AbstractBitMap) -> dict[int, int]:
        """How often `words` occur in each of `quotes` that holds them more than once (the rest: once).
        One word is looked up only in its few repeating quotes; several are summed word by word over
        the quotes each holds."""
        if len(words) == 1:
            found = self.postings[words[0]]
            if not quotes.intersect(found.repeated):  # the usual case: told without a new bitmap
                return {}
            return {quote_id: found.count(quote_id) for quote_id in quotes & found.repeated}
        counts: dict[int, int] = {}
        for found in map(self.postings.__getitem__, words):
            for quote_id in quotes & found.ids:
                counts[quote_id] = counts.get(quote_id, 0) + found.count(quote_id)
        return counts

    def _contenders(self, groups: Sequence[Sequence[str]], matches: AbstractBitMap, limit: int) -> BitMap:
        """The matches that can be among the best `limit`: every one holding a term more than once, and of
        the rest the first `limit` by (length, id), which is bm25's order for them (when the lengths are
        walked instead of sorted, every one as short as the last of those comes along).

        bm25 scores a quote holding each term once by its length alone, shorter higher (lengths are whole
        token counts, so no rounding blurs that), so no other match can beat all of these."""
        several = BitMap()
        for words in groups:
            if len(words) == 1:  # a whole word, or a prefix standing for one: only its own repeats
                several |= self.postings[words[0]].repeated
                continue
            seen = BitMap()
            for found in map(self.postings.__getitem__, words):
                several |= found.repeated | (seen & found.ids)  # a word again, or a second word of a prefix
                seen |= found.ids
        several &= matches
        rest = matches - several
        if len(rest) <= SORT_UP_TO:  # ascending ids, sorted stably by length: (length, id), bm25's order
            return several | BitMap(sorted(rest, key=self.lengths_by_id.__getitem__)[:limit])
        chosen, once = BitMap(several), 0
        for _, quotes in self.by_length:
            if rest.intersect(quotes):  # most lengths hold none of the matches: told without a new bitmap
                shortest = rest & quotes
                chosen |= shortest
                once += len(shortest)
                if once >= limit:
                    break
        return chosen

    def search(self, terms: Sequence[str], prefixes: Sequence[bool], limit: int) -> tuple[int, list[int]] | None:
        """(how many quotes hold every term, the ids of the best `limit`, best first), as
        `"term" "term"*…` would give in FTS5 ordered by bm25 then id; None when FTS5 must answer.
        `terms` are as FTS5's vocabulary has them (`tokens.term`)."""
        found = self._ranked(terms, prefixes, limit)
        if found is None:
            return None
        total, ranked = found
        return total, [quote_id for _, quote_id in ranked[:limit]]

    def ranking(self, terms: Sequence[str], prefixes: Sequence[bool]) -> list[tuple[float, int]] | None:
        """Every quote holding all `terms` as (FTS5's bm25() of it, its id), best first; None when FTS5
        must answer (too many to score)."""
        found = self._ranked(terms, prefixes, None)
        return None if found is None else found[1]

    def _ranked(self, terms: Sequence[str], prefixes: Sequence[bool],
                limit: int | None) -> tuple[int, list[tuple[float, int]]] | None:
        """(how many quotes hold every term, (bm25, id) of those that can be among the best `limit`
        (or of all of them), best first)."""
        groups: list[list[str]] = []
        for term, prefix in zip(terms, prefixes, strict=True):
            words = self._words(term, prefix)
            if words is None:
                return None
            if not words:
                return 0, []
            groups.append(words)
        quotes = [self._quotes(words) for words in groups]
        matches = AbstractBitMap.intersection(*quotes)
        scored = matches
        if limit is not None and len(matches) > SCORE_ALL_UP_TO:
            scored = self._contenders(groups, matches, limit)
        sizes = [len(found) for found in quotes]
        if len(scored) > MAX_SCORED and len(scored) > sum(sizes) // SCORED_SHARE:
            return None
        idf = []
        for size in sizes:  # fts5Bm25GetData: log((N - n + 0.5) / (n + 0.5)), at least 1e-6
            value = math.log((self.rows - size + 0.5) / (size + 0.5))
            idf.append(value if value > 0.0 else 1e-6)
        weighted = [(weight, self._repeats(words, scored)) for weight, words in zip(idf, groups, strict=True)]
        # the loop below runs for every scored quote: what it reads is bound to local names first
        average, lengths, saturation = self.average_length, self.lengths_by_id, K1 + 1.0
        ranked = []
        for quote_id in scored:
            norm = K1 * (1 - B + B * float(lengths[quote_id]) / average)
            score = 0.0
            for weight, repeats in weighted:  # fts5Bm25Function, phrase by phrase
                freq = float(repeats.get(quote_id, 1))
                score += weight * ((freq * saturation) / (freq + norm))
            ranked.append((-1.0 * score, quote_id))
        ranked.sort()
        return len(matches), ranked
