"""Seeding: replace every content table from a validated pack, in one transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.store.base import StoreBase
from bot.store.migrations import CONTENT_TABLES

if TYPE_CHECKING:  # the pack's models (pydantic) are loaded by seeding only, not by the running bot
    from bot.pack.ingest import Passage, Sentence
    from bot.pack.model import Pack, Person


class ContentQueries(StoreBase):
    async def replace_content(self, pack: Pack, passages: list[Passage], sentences: list[Sentence],
                              quote_episodes: Sequence[int | None]) -> Mapping[str, int]:
        """Swap the content for `pack`'s; on any error the previous content stays as it was.
        `quote_episodes[i]` is what `sentences[i]` can spoil (worked out by the spoiler policy)."""
        async with self.transaction() as db:
            # Children first, so cascades have nothing left to do and FKs hold at every step.
            for table in reversed(CONTENT_TABLES):
                await db.execute(f"DELETE FROM {table}")
            await db.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('delete-all')")
            info = {
                "pack_id": pack.manifest.id,
                "title": pack.manifest.title,
                "platform": pack.manifest.platform,
                "episode_count": str(pack.manifest.episode_count),
                "premiere": pack.manifest.premiere.isoformat(),
                "seeded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "content_version": uuid.uuid4().hex,  # two seeds in the same second still differ
            }
            await db.executemany("INSERT INTO pack_info (key, value) VALUES (?, ?)", info.items())
            await db.executemany(
                "INSERT INTO sources (id, file, title, kind, format, author, position) VALUES (?,?,?,?,?,?,?)",
                [(s.id, s.file, s.title, s.kind, s.format, s.author, i) for i, s in enumerate(pack.manifest.sources)],
            )
            figures: list[tuple[str, Person]] = [("character", c) for c in pack.characters]
            figures += [("person", p) for p in pack.people]
            await db.executemany(
                "INSERT INTO figures (id, kind, name, unnamed, role, actor, actor_source, actor_evidence,"
                " bio, source, evidence, position, episode) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        f.id, kind, f.name, int(getattr(f, "unnamed", False)), f.role,
                        getattr(f, "actor", None), getattr(f, "actor_source", None),
                        getattr(f, "actor_evidence", None), f.bio, f.source, f.evidence, i,
                        getattr(f, "episode", None),
                    )
                    for i, (kind, f) in enumerate(figures)
                ],
            )
            for _, f in figures:
                await db.executemany(
                    "INSERT INTO aliases (figure_id, name, kind, episode, note, source, evidence, position)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (f.id, a.name, a.kind, a.episode, a.note, a.source, a.evidence, i)
                        for i, a in enumerate(f.aliases)
                    ],
                )
                await db.executemany(
                    "INSERT INTO relationships (figure_id, to_id, relation, episode, source, evidence, position)"
                    " VALUES (?,?,?,?,?,?,?)",
                    [
                        (f.id, r.to, r.relation, r.episode, r.source, r.evidence, i)
                        for i, r in enumerate(f.relationships)
                    ],
                )
                await db.executemany(
                    "INSERT INTO facts (figure_id, text, episode, source, evidence, position) VALUES (?,?,?,?,?,?)",
                    [(f.id, x.text, x.episode, x.source, x.evidence, i) for i, x in enumerate(f.facts)],
                )
            for e in pack.episodes:
                title = e.title
                await db.execute(
                    "INSERT INTO episodes (number, title, title_source, title_evidence, covered, summary)"
                    " VALUES (?,?,?,?,?,?)",
                    (e.number, title and title.text, title and title.source, title and title.evidence,
                     int(e.covered), e.summary),
                )
                await db.executemany(
                    "INSERT INTO recap_lines (episode, position, text, source, evidence) VALUES (?,?,?,?,?)",
                    [(e.number, i, r.text, r.source, r.evidence) for i, r in enumerate(e.recap)],
                )
                await db.executemany(
                    "INSERT INTO spoiler_keywords (episode, keyword) VALUES (?, ?)",
                    [(e.number, k) for k in e.spoiler_keywords],
                )
            await db.executemany(
                "INSERT INTO questions (id, question, answer, wrong1, wrong2, wrong3, difficulty, category,"
                " episode, source, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (q.id, q.question, q.answer, *q.wrong, q.difficulty, q.category, q.episode, q.source, q.evidence)
                    for q in pack.questions
                ],
            )
            passage_ids: dict[tuple[str, int], int] = {}
            for p in passages:
                cursor = await db.execute(
                    "INSERT INTO passages (source, position, headline, spoiler_flag, body) VALUES (?,?,?,?,?)",
                    (p.source, p.position, p.headline, int(p.spoiler_flag), p.body),
                )
                passage_ids[(p.source, p.position)] = cursor.lastrowid or 0
            await db.executemany(
                "INSERT INTO quotes (passage_id, position, text, episode) VALUES (?,?,?,?)",
                [(passage_ids[(s.source, s.passage_position)], s.position, s.text, episode)
                 for s, episode in zip(sentences, quote_episodes, strict=True)],
            )
            await db.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")
            await db.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('optimize')")  # one segment to read
        return await self.content_counts()

    async def content_counts(self) -> Mapping[str, int]:
        counts: dict[str, int] = {}
        for label, sql in (
            ("sources", "SELECT COUNT(*) FROM sources"),
            ("characters", "SELECT COUNT(*) FROM figures WHERE kind = 'character'"),
            ("people", "SELECT COUNT(*) FROM figures WHERE kind = 'person'"),
            ("aliases", "SELECT COUNT(*) FROM aliases"),
            ("facts", "SELECT COUNT(*) FROM facts"),
            ("episodes", "SELECT COUNT(*) FROM episodes"),
            ("recap lines", "SELECT COUNT(*) FROM recap_lines"),
            ("spoiler keywords", "SELECT COUNT(*) FROM spoiler_keywords"),
            ("trivia questions", "SELECT COUNT(*) FROM questions"),
            ("reviews", "SELECT COUNT(*) FROM passages JOIN sources ON sources.id = passages.source"
                        " WHERE sources.format = 'reviews'"),
            ("passages", "SELECT COUNT(*) FROM passages"),
            ("quotes", "SELECT COUNT(*) FROM quotes"),
        ):
            counts[label] = int(await self.scalar(sql))
        return counts

    async def is_seeded(self) -> bool:
        return await self.scalar("SELECT value FROM pack_info WHERE key = 'pack_id'") is not None

    async def pack_info(self) -> Mapping[str, str]:
        return {row["key"]: row["value"] for row in await self.fetchall("SELECT key, value FROM pack_info")}

    async def sources(self) -> Sequence[Mapping[str, str | None]]:
        rows = await self.fetchall("SELECT id, file, title, kind, author FROM sources ORDER BY position")
        return [dict(row) for row in rows]

    async def source_titles(self) -> Mapping[str, str]:
        """Source id -> human title, in manifest order (what footers and citations show)."""
        return {str(source["id"]): str(source["title"]) for source in await self.sources()}

    async def content_stamp(self) -> str | None:
        """Changes with every seed (this process's or another's): what keeps content in memory
        reloads it when the stamp differs from the one it loaded under."""
        return await self.scalar(
            "SELECT group_concat(value, '|') FROM (SELECT value FROM pack_info"
            " WHERE key IN ('pack_id', 'seeded_at', 'content_version') ORDER BY key)"
        )

    async def episode_count(self) -> int:
        value = await self.scalar("SELECT value FROM pack_info WHERE key = 'episode_count'")
        return int(value or 0)

