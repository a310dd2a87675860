"""Queries for review quotes: full-text search, random picks, and whole reviews.

A quote row always comes with its attribution (the passage's headline, its source document, and the
review's number when the source is a review document), so no caller ever shows a quote without it.
Review numbers are 1-based over every review of every review document, in manifest order.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyroaring import FrozenBitMap

from bot.store.base import StoreBase, cached

# Highlight markers: control characters no document contains, swapped for markdown by the renderer.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"

# A review's number: its position in its document plus the reviews of earlier review documents. A
# correlated count (not a window over all passages) so it costs nothing per row on a big corpus.
_REVIEW_NUMBER = """CASE WHEN s.format = 'reviews' THEN p.position + (
        SELECT COUNT(*) FROM passages p2 JOIN sources s2 ON s2.id = p2.source
        WHERE s2.format = 'reviews' AND s2.position < s.position) END"""

_PASSAGE_COLUMNS = f"p.headline, p.spoiler_flag, p.source, s.title AS source_title, {_REVIEW_NUMBER} AS review_number"
_QUOTE_COLUMNS = f"q.id, q.text, q.episode, q.passage_id, {_PASSAGE_COLUMNS}"
_QUOTE_JOINS = "JOIN passages p ON p.id = q.passage_id JOIN sources s ON s.id = p.source"


def _varint(blob: bytes) -> int:
    """The first of FTS5's varints in `blob` (a docsize record starts with the first column's tokens)."""
    value = 0
    for byte in blob[:9]:
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            break
    return value


def _hidden_clause(hidden_after: int | None, params: list[Any]) -> str:
    """Leave out quotes spoiling past `hidden_after` (for `hide` mode, where they could only be
    shown as a 'withheld' note)."""
    if hidden_after is None:
        return ""
    params.append(hidden_after)
    return " AND (q.episode IS NULL OR q.episode <= ?)"


TOP_MATCH_MIN = 100  # a word in at least this many quotes is ranked at seed time, and its quotes kept
# A pack of at most this many quotes has every word's quotes kept, not only the common ones: then every
# search of plain words is answered from memory (the real pack: 424 quotes and 1,979 words, which add
# about 0.4 MB to the library).
WHOLE_INDEX_QUOTES = 5_000
QUOTE_WORDS_TABLE = (  # every indexed word with the number of quotes (`doc`) and occurrences (`cnt`)
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.quotes_words USING fts5vocab(main, 'quotes_fts', 'row')")
QUOTE_INSTANCES_TABLE = (  # every occurrence of every word: (term, doc, col, offset)
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.quotes_instances USING fts5vocab(main, 'quotes_fts', 'instance')")
TOP_MATCH_DEPTH = 5  # how many best matches are kept per such word: a search page
ID_TYPECODE = "I"  # a common word's quote ids in memory: unsigned, 4 bytes on every platform CPython supports


def _to_blob(ids: array[int]) -> bytes:
    """Quote ids as 4-byte little-endian integers, whatever the machine."""
    if sys.byteorder == "big":
        ids = array(ids.typecode, ids)
        ids.byteswap()
    return ids.tobytes()


def _from_blob(blob: bytes) -> array[int]:
    ids = array(ID_TYPECODE)
    ids.frombytes(blob)
    if sys.byteorder == "big":
        ids.byteswap()
    return ids


@dataclass(frozen=True)
class QuoteHits:
    """One page of search results: the best rows (marked, with attribution), how many quotes match in
    all, and the MATCH expression that produced them."""

    rows: list[dict[str, Any]]
    total: int
    match: str


def _ranked(conn: sqlite3.Connection, match: str, limit: int) -> list[tuple[int, str]]:
    """(quote id, text with matched words marked) of the best `limit` quotes for `match`, by bm25.

    Two statements: rank on the FTS5 table alone, then highlight just the `limit` best rows. Doing both
    in one (or joining the quotes table in) makes SQLite evaluate the whole MATCH again per row; so does
    handing FTS5 the id list, which the unary `+` on `+rowid` keeps it from taking.
    """
    ids = [row[0] for row in conn.execute(
        "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ? ORDER BY bm25(quotes_fts), rowid LIMIT ?",
        (match, limit),
    )]
    if not ids:
        return []
    marked = _highlighted(conn, match, ids)
    return [(quote_id, marked[quote_id]) for quote_id in ids]


def _highlighted(conn: sqlite3.Connection, match: str, ids: Sequence[int]) -> dict[int, str]:
    """The texts of the quotes `ids` that `match` matches, with the matched words marked."""
    return dict(conn.execute(
        f"SELECT rowid, highlight(quotes_fts, 0, ?, ?) FROM quotes_fts"
        f" WHERE quotes_fts MATCH ? AND +rowid IN ({','.join('?' * len(ids))})",
        (MARK_OPEN, MARK_CLOSE, match, *ids),
    ).fetchall())


def _quote_rows(conn: sqlite3.Connection, ranked: list[tuple[int, str]]) -> list[dict[str, Any]]:
    """The quotes of `ranked`, with attribution and their marked text, in `ranked`'s order."""
    if not ranked:
        return []
    marked = dict(ranked)
    rows = conn.execute(
        f"SELECT {_QUOTE_COLUMNS} FROM quotes q {_QUOTE_JOINS} WHERE q.id IN ({','.join('?' * len(ranked))})",
        list(marked),
    ).fetchall()
    order = {quote_id: index for index, quote_id in enumerate(marked)}
    return [{**dict(row), "marked": marked[row["id"]]} for row in sorted(rows, key=lambda r: order[r["id"]])]


def build_word_index(conn: sqlite3.Connection) -> None:
    """Export what a search answered from memory needs from FTS5's index (inside the seed's
    transaction, after the index is rebuilt).

    - every indexed word and how many quotes hold it (`quote_word_counts`): the vocabulary, which
      tells whether a prefix stands for common words only;
    - for each word in at least TOP_MATCH_MIN quotes, its best matches, ranked with the very statement
      a live search runs (`_ranked`): bm25 scores every quote holding a word, milliseconds per search
      for a common word at 100,000 quotes;
    - and its quotes with how often it occurs in each (`quote_word_postings`), from which the quote
      service ranks several common words together exactly as FTS5's bm25 would; in a pack of at most
      WHOLE_INDEX_QUOTES quotes, every word's.
    """
    conn.execute(QUOTE_WORDS_TABLE)
    conn.execute(QUOTE_INSTANCES_TABLE)
    words = conn.execute("SELECT term, doc FROM temp.quotes_words").fetchall()
    conn.executemany("INSERT INTO quote_word_counts (word, matches) VALUES (?, ?)", words)
    common = [word for word, matches in words if matches >= TOP_MATCH_MIN]
    for word in common:
        conn.executemany(
            "INSERT INTO quote_top_matches (word, rank, quote_id) VALUES (?, ?, ?)",
            [(word, rank, quote_id) for rank, (quote_id, _) in enumerate(_ranked(conn, f'"{word}"', TOP_MATCH_DEPTH))],
        )
    small = conn.execute("SELECT count(*) FROM quotes").fetchone()[0] <= WHOLE_INDEX_QUOTES
    for word in [word for word, _ in words] if small else common:
        ids, repeated, repeats = array(ID_TYPECODE), array(ID_TYPECODE), bytearray()
        for quote_id, count in conn.execute(
                "SELECT doc, count(*) FROM temp.quotes_instances WHERE term = ? GROUP BY doc ORDER BY doc", (word,)):
            ids.append(quote_id)
            if count > 1:  # one quote in a hundred: kept apart, so the rest cost nothing
                repeated.append(quote_id)
                repeats.append(min(count, 255))
        if 255 not in repeats:  # a word that often in one quote is left to FTS5, not counted wrong
            conn.execute(
                "INSERT INTO quote_word_postings (word, quote_ids, repeated_ids, repeats) VALUES (?, ?, ?, ?)",
                (word, _to_blob(ids), _to_blob(repeated), bytes(repeats)))


def index_of(ids: array[int], quote_id: int) -> int | None:
    """Where `quote_id` is in the ascending `ids`, or None."""
    index = bisect_left(ids, quote_id)
    return index if index < len(ids) and ids[index] == quote_id else None


@dataclass(frozen=True, slots=True)
class WordQuotes:
    """The quotes holding one word kept in memory; and, apart, those holding it more than once with how often
    (bytes, in the order of their ids): bm25 weighs a word by how often it occurs.

    Roaring bitmaps rather than arrays: a search intersects the lists of its words, which in C takes
    microseconds where a Python set of thousands of ids took a tenth of a millisecond, and they hold
    a quote in about 2 bytes instead of 4."""

    ids: FrozenBitMap
    repeated: FrozenBitMap
    repeats: bytes

    def count(self, quote_id: int) -> int:
        """How often the word occurs in the quote `quote_id`, which holds it."""
        if quote_id not in self.repeated:
            return 1
        return self.repeats[self.repeated.rank(quote_id) - 1]


@dataclass(frozen=True)
class QuoteColumns:
    """Every quote, ids ascending, one sequence per column: what the quote service keeps in memory.

    Columns, because 100,000 row objects would weigh several times the text they carry; and the texts
    as one UTF-8 buffer, because a Python string with one curly apostrophe stores every character in
    two bytes (at 100,000 quotes: 12.5 MB instead of 22)."""

    ids: array[int]
    episodes: list[int | None]
    passage_ids: array[int]
    text_bytes: bytearray  # every text in UTF-8, one after another
    text_ends: array[int]  # where each text ends in `text_bytes`

    def text(self, index: int) -> str:
        start = self.text_ends[index - 1] if index else 0
        return self.text_bytes[start:self.text_ends[index]].decode()


class QuoteQueries(StoreBase):
    async def highlighted(self, match: str, ids: Sequence[int]) -> dict[int, str]:
        """FTS5's highlight() of the quotes `ids` for `match`: the marks of a page answered from memory
        on text only FTS5's tokenizer reads right (`quotes.tokens`)."""
        return await self.read(lambda conn: _highlighted(conn, match, ids))

    async def search_quotes(self, matches: Sequence[str], *, limit: int) -> QuoteHits:
        """The best `limit` quotes for the first of `matches` (FTS5 expressions) that fills the page, or
        the last one tried; with the number of quotes it matches when the page is full. Everything runs
        in one trip to aiosqlite's thread."""

        def run(conn: sqlite3.Connection) -> QuoteHits:
            rows: list[dict[str, Any]] = []
            for match in matches:
                ranked = _ranked(conn, match, limit)
                rows = _quote_rows(conn, ranked)
                if len(ranked) >= limit:
                    total = conn.execute("SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH ?",
                                         (match,)).fetchone()[0]
                    return QuoteHits(rows, int(total), match)
            return QuoteHits(rows, len(rows), matches[-1])

        return await self.read(run)

    async def common_word_matches(self) -> list[tuple[str, int, int]]:
        """Every word ranked at seed time (`build_word_index`): (word, quotes holding it, quote id) for
        its best quotes, word by word in rank order."""
        rows = await self.fetchall(
            """SELECT w.word, w.matches, t.quote_id
            FROM quote_word_counts w JOIN quote_top_matches t ON t.word = w.word ORDER BY w.word, t.rank"""
        )
        return [(row[0], int(row[1]), int(row[2])) for row in rows]

    async def quote_vocabulary(self) -> list[str]:
        """Every word FTS5 indexed at the last seed (`build_word_index`), sorted."""
        return [row[0] for row in await self.fetchall("SELECT word FROM quote_word_counts ORDER BY word")]

    async def word_postings(self) -> dict[str, WordQuotes]:
        """The quotes of each word kept in memory (common ones; every one in a small pack)."""

        def run(conn: sqlite3.Connection) -> dict[str, WordQuotes]:
            rows = conn.execute("SELECT word, quote_ids, repeated_ids, repeats FROM quote_word_postings")
            return {word: WordQuotes(FrozenBitMap(_from_blob(ids)), FrozenBitMap(_from_blob(repeated)), repeats)
                    for word, ids, repeated, repeats in rows}

        return await self.read(run)

    async def quote_token_counts(self) -> tuple[array[int], array[int]]:
        """(quote ids ascending, how many tokens FTS5 counted in each): the document lengths bm25 uses."""

        def run(conn: sqlite3.Connection) -> tuple[array[int], array[int]]:
            ids, sizes = array(ID_TYPECODE), array("I")
            for quote_id, size in conn.execute("SELECT id, sz FROM quotes_fts_docsize ORDER BY id"):
                ids.append(quote_id)
                sizes.append(_varint(size))
            return ids, sizes

        return await self.read(run)

    async def all_quotes(self) -> QuoteColumns:
        """Every quote, read row by row into columns in one trip (no list of rows is ever built)."""

        def run(conn: sqlite3.Connection) -> QuoteColumns:
            columns = QuoteColumns(array(ID_TYPECODE), [], array(ID_TYPECODE), bytearray(), array("I"))
            for quote_id, episode, passage_id, text in conn.execute(
                    "SELECT id, episode, passage_id, CAST(text AS BLOB) FROM quotes ORDER BY id"):
                columns.ids.append(quote_id)
                columns.episodes.append(episode)
                columns.passage_ids.append(passage_id)
                columns.text_bytes.extend(text)
                columns.text_ends.append(len(columns.text_bytes))
            return columns

        return await self.read(run)

    async def quote_attributions(self) -> list[dict[str, Any]]:
        """The attribution of every passage that has quotes (`passage_id` and the columns a quote row
        carries about its passage)."""
        rows = await self.fetchall(
            f"""SELECT p.id AS passage_id, {_PASSAGE_COLUMNS} FROM passages p JOIN sources s ON s.id = p.source
            WHERE p.id IN (SELECT passage_id FROM quotes)"""
        )
        return [dict(row) for row in rows]

    async def random_quote(self, *, match: str, exclude: Sequence[int] = (),
                           hidden_after: int | None = None) -> dict[str, Any] | None:
        """One random quote matching `match`, not one of `exclude`: for `/quote random about:`, whose
        candidates only FTS5 knows (a pick among all quotes is made in memory).

        `ORDER BY random()` sorts every candidate: 20-40 ms at 100k quotes. Instead, jump to a random
        point and take the next candidate (wrapping around): quote ids are dense after a seed, so this
        is close to uniform, and it costs one index seek. One statement does both directions, so a pick
        is one trip to the database even when it wraps around.
        """
        params: list[Any] = [match]
        where = "q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)"
        where += _hidden_clause(hidden_after, params)
        if exclude:
            where += f" AND q.id NOT IN ({','.join('?' * len(exclude))})"
            params.extend(exclude)
        low, high = await self.quote_id_bounds()
        if low is None or high is None:
            return None
        start = random.randint(low, high)
        after = f"SELECT q.id FROM quotes q WHERE q.id >= ? AND {where} ORDER BY q.id LIMIT 1"
        before = f"SELECT q.id FROM quotes q WHERE q.id < ? AND {where} ORDER BY q.id LIMIT 1"
        row = await self.fetchone(
            f"""WITH picked(id) AS (SELECT COALESCE(({after}), ({before})))
            SELECT {_QUOTE_COLUMNS} FROM picked JOIN quotes q ON q.id = picked.id {_QUOTE_JOINS}""",
            [start, *params, start, *params],
        )
        return dict(row) if row else None

    @cached
    async def quote_id_bounds(self) -> tuple[int | None, int | None]:
        # two subqueries: SQLite answers a lone min() or max() from the index, but both at once by a scan
        row = await self.fetchone("SELECT (SELECT min(id) FROM quotes), (SELECT max(id) FROM quotes)")
        return (row[0], row[1]) if row else (None, None)

    async def quote_ids_among(self, ids: Sequence[int], *, match: str,
                              hidden_after: int | None = None) -> list[int]:
        """Which of `ids` are still candidates (match `match`, not hidden)."""
        if not ids:
            return []
        params: list[Any] = [*ids, match]
        where = (f"q.id IN ({','.join('?' * len(ids))})"
                 " AND q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
        where += _hidden_clause(hidden_after, params)
        return [row[0] for row in await self.fetchall(f"SELECT q.id FROM quotes q WHERE {where}", params)]

    async def quote_by_id(self, quote_id: int) -> dict[str, Any] | None:
        row = await self.fetchone(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q {_QUOTE_JOINS} WHERE q.id = ?",
            (quote_id,),
        )
        return dict(row) if row else None

    @cached
    async def review_list(self) -> Sequence[Mapping[str, Any]]:
        """Every review, numbered, without bodies (for choosing one)."""
        rows = await self.fetchall(
            f"""SELECT p.id, {_PASSAGE_COLUMNS} FROM passages p JOIN sources s ON s.id = p.source
            WHERE s.format = 'reviews' ORDER BY s.position, p.position"""
        )
        return [dict(row) for row in rows]

    @cached
    async def passage_body(self, passage_id: int) -> str | None:
        return await self.scalar("SELECT body FROM passages WHERE id = ?", (passage_id,))

    @cached
    async def quote_figures(self) -> Sequence[Mapping[str, Any]]:
        """Characters and people with their aliases, for `/quote random about:` (name → every
        spelling the documents use)."""
        rows = await self.fetchall(
            "SELECT f.id, f.name, f.kind, f.episode, a.name AS alias, a.episode AS alias_episode"
            " FROM figures f LEFT JOIN aliases a ON a.figure_id = f.id ORDER BY f.position, a.position"
        )
        return [dict(row) for row in rows]
