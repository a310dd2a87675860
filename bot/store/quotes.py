"""Queries for review quotes: full-text search, random picks, and whole reviews.

A quote row always comes with its attribution (the passage's headline, its source document, and the
review's number when the source is a review document), so no caller ever shows a quote without it.
Review numbers are 1-based over every review of every review document, in manifest order.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.base import StoreBase

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


def _hidden_clause(hidden_after: int | None, params: list[Any]) -> str:
    """Leave out quotes spoiling past `hidden_after` (for `hide` mode, where they could only be
    shown as a 'withheld' note)."""
    if hidden_after is None:
        return ""
    params.append(hidden_after)
    return " AND (q.episode IS NULL OR q.episode <= ?)"


@dataclass(frozen=True)
class QuoteHits:
    """One page of search results: the best rows (marked, with attribution), how many quotes match in
    all, and the MATCH expression that produced them."""

    rows: list[dict[str, Any]]
    total: int
    match: str


RANK_WINDOW = 2_000  # matches scored by bm25 at most (see `_ranked`)
RANDOM_TRIES = 20  # random ids tried before a pick lists every candidate (see `random_quote`)


def _in(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def _optional_match(match: str | None, params: list[Any]) -> str:
    if match is None:
        return ""
    params.append(match)
    return " AND q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)"


class QuoteQueries(StoreBase):
    async def search_quotes(self, matches: Sequence[str], *, limit: int) -> QuoteHits:
        """The best `limit` quotes for the first of `matches` (FTS5 expressions) that fills the page, or
        the last one tried; with the number of quotes it matches when the page is full."""
        rows: list[dict[str, Any]] = []
        for match in matches:
            rows = await self._ranked(match, limit)
            if len(rows) >= limit:
                total = await self.scalar("SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH ?", (match,))
                return QuoteHits(rows, int(total), match)
        return QuoteHits(rows, len(rows), matches[-1])

    async def _ranked(self, match: str, limit: int) -> list[dict[str, Any]]:
        """The best `limit` quotes for `match` by bm25, with attribution and the matched words marked.

        Ranked on the FTS5 table alone, then highlighted for just those rows: with highlight() in the
        ranking statement SQLite would mark every match before sorting. Only the first RANK_WINDOW
        matches (in document order) are scored: more only happen for a two-letter prefix in a pack of
        tens of thousands of quotes, where scoring them all took 80 ms (docs/performance.md).
        """
        ids = [row[0] for row in await self.fetchall(
            "SELECT id FROM (SELECT rowid AS id, bm25(quotes_fts) AS score FROM quotes_fts"
            " WHERE quotes_fts MATCH ? LIMIT ?) ORDER BY score, id LIMIT ?",
            (match, RANK_WINDOW, limit),
        )]
        if not ids:
            return []
        marked = {row[0]: row[1] for row in await self.fetchall(
            f"SELECT rowid, highlight(quotes_fts, 0, ?, ?) FROM quotes_fts"
            f" WHERE quotes_fts MATCH ? AND rowid IN ({_in(ids)})",
            (MARK_OPEN, MARK_CLOSE, match, *ids),
        )}
        rows = await self.fetchall(f"SELECT {_QUOTE_COLUMNS} FROM quotes q {_QUOTE_JOINS} WHERE q.id IN ({_in(ids)})",
                                   ids)
        by_id = {row["id"]: {**dict(row), "marked": marked.get(row["id"])} for row in rows}
        return [by_id[quote_id] for quote_id in ids if quote_id in by_id]

    async def random_quote(self, *, match: str | None = None, exclude: Sequence[int] = (),
                           hidden_after: int | None = None) -> dict[str, Any] | None:
        """One quote chosen uniformly among the candidates (matching `match` when given, not hidden,
        not one of `exclude`).

        Without `match`, random ids are tried until one is a candidate (a seed numbers quotes densely,
        so every candidate is equally likely); the rare run of misses, and every `match`, lists the
        candidates' ids and picks one.
        """
        low, high = await self.quote_id_bounds()
        if low is None or high is None:
            return None
        avoid = set(exclude)
        for _ in range(RANDOM_TRIES if match is None else 0):
            row = await self.quote_by_id(random.randint(low, high))
            episode = row["episode"] if row else None
            if row and row["id"] not in avoid and (hidden_after is None or episode is None or episode <= hidden_after):
                return row
        params: list[Any] = [] if match is None else [match]
        source = "quotes q" if match is None else "quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid"
        where = ("1" if match is None else "quotes_fts MATCH ?") + _hidden_clause(hidden_after, params)
        candidates = [row[0] for row in await self.fetchall(f"SELECT q.id FROM {source} WHERE {where}", params)
                      if row[0] not in avoid]
        return await self.quote_by_id(random.choice(candidates)) if candidates else None

    async def quote_id_bounds(self) -> tuple[int | None, int | None]:
        # two subqueries: SQLite answers a lone min() or max() from the index, but both at once by a scan
        row = await self.fetchone("SELECT (SELECT min(id) FROM quotes), (SELECT max(id) FROM quotes)")
        return (row[0], row[1]) if row else (None, None)

    async def quote_ids_among(self, ids: Sequence[int], *, match: str | None = None,
                              hidden_after: int | None = None) -> list[int]:
        """Which of `ids` are still candidates (match `match` when given, not hidden)."""
        if not ids:
            return []
        params: list[Any] = [*ids]
        where = f"q.id IN ({_in(ids)})" + _optional_match(match, params) + _hidden_clause(hidden_after, params)
        return [row[0] for row in await self.fetchall(f"SELECT q.id FROM quotes q WHERE {where}", params)]

    async def quote_by_id(self, quote_id: int) -> dict[str, Any] | None:
        row = await self.fetchone(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q {_QUOTE_JOINS} WHERE q.id = ?",
            (quote_id,),
        )
        return dict(row) if row else None

    async def review_list(self, *, like: str | None = None, limit: int = -1) -> list[dict[str, Any]]:
        """Reviews, numbered, without bodies, in order; those whose headline holds `like` when given."""
        params: list[Any] = []
        where = "s.format = 'reviews'"
        if like is not None:
            where += " AND instr(lower(p.headline), lower(?)) > 0"
            params.append(like)
        rows = await self.fetchall(
            f"""SELECT p.id, {_PASSAGE_COLUMNS} FROM passages p JOIN sources s ON s.id = p.source
            WHERE {where} ORDER BY s.position, p.position LIMIT ?""", [*params, limit])
        return [dict(row) for row in rows]

    async def review_by_number(self, number: int) -> dict[str, Any] | None:
        """Review `number` (1-based, over every review document in manifest order)."""
        if not 1 <= number <= await self.review_count():
            return None
        row = await self.fetchone(
            f"""SELECT p.id, {_PASSAGE_COLUMNS} FROM passages p JOIN sources s ON s.id = p.source
            WHERE s.format = 'reviews' ORDER BY s.position, p.position LIMIT 1 OFFSET ?""", (number - 1,))
        return dict(row) if row else None

    async def review_count(self) -> int:
        return int(await self.scalar(
            "SELECT COUNT(*) FROM passages p JOIN sources s ON s.id = p.source WHERE s.format = 'reviews'"))

    async def passage_body(self, passage_id: int) -> str | None:
        return await self.scalar("SELECT body FROM passages WHERE id = ?", (passage_id,))

    async def quote_figures(self) -> Sequence[Mapping[str, Any]]:
        """Characters and people with their aliases, for `/quote random about:` (name → every
        spelling the documents use)."""
        rows = await self.fetchall(
            "SELECT f.id, f.name, f.kind, f.episode, a.name AS alias, a.episode AS alias_episode"
            " FROM figures f LEFT JOIN aliases a ON a.figure_id = f.id ORDER BY f.position, a.position"
        )
        return [dict(row) for row in rows]
