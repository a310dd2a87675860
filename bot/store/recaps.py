"""Episodes, their recaps and spoiler keywords: read-only views of the content a seed loads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from bot.store.base import StoreBase


class SpoilerKeyword(NamedTuple):
    """A word or phrase that gives away `episode` (the spoiler policy matches them: policy/keywords)."""

    episode: int
    keyword: str


@dataclass(frozen=True)
class RecapLine:
    text: str
    source_title: str


@dataclass(frozen=True)
class EpisodeInfo:
    number: int
    title: str | None
    title_source: str | None  # the document naming the title, by its human title
    covered: bool  # False: the documents don't describe this episode on its own
    summary: str | None
    recap: tuple[RecapLine, ...] = ()


class RecapQueries(StoreBase):
    async def episodes(self) -> Sequence[EpisodeInfo]:
        """Every episode, in order, without recap lines."""
        rows = await self.fetchall(
            "SELECT e.number, e.title, s.title AS title_source, e.covered, e.summary FROM episodes e"
            " LEFT JOIN sources s ON s.id = e.title_source ORDER BY e.number"
        )
        return [EpisodeInfo(r["number"], r["title"], r["title_source"], bool(r["covered"]), r["summary"])
                for r in rows]

    async def episode(self, number: int) -> EpisodeInfo | None:
        """One episode with its recap lines and the title of each line's source document."""
        row = await self.fetchone(
            "SELECT e.number, e.title, s.title AS title_source, e.covered, e.summary FROM episodes e"
            " LEFT JOIN sources s ON s.id = e.title_source WHERE e.number = ?",
            (number,),
        )
        if row is None:
            return None
        lines = await self.fetchall(
            "SELECT r.text, COALESCE(s.title, r.source) AS source_title FROM recap_lines r"
            " LEFT JOIN sources s ON s.id = r.source WHERE r.episode = ? ORDER BY r.position",
            (number,),
        )
        return EpisodeInfo(row["number"], row["title"], row["title_source"], bool(row["covered"]), row["summary"],
                           tuple(RecapLine(line["text"], line["source_title"]) for line in lines))

    async def spoiler_keywords(self) -> Sequence[SpoilerKeyword]:
        rows = await self.fetchall("SELECT episode, keyword FROM spoiler_keywords ORDER BY episode, keyword")
        return [SpoilerKeyword(row["episode"], row["keyword"]) for row in rows]
