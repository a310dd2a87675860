"""Character lookup queries: figures (characters and real people), their aliases, relationships, facts.

The matcher loads every figure and alias once into memory (`figure_rows`, `figure_alias_rows`);
a card loads one figure's details by id. Method names carry a `figure_` prefix so they cannot clash
with another mixin's on `Store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.store.base import StoreBase, cached


class CharacterQueries(StoreBase):
    async def figure_rows(self) -> list[dict[str, Any]]:
        """Every figure, characters first, in pack order (the order the data pack lists them)."""
        rows = await self.fetchall(
            "SELECT id, kind, name, unnamed, role, actor, actor_source, position, episode FROM figures"
            " ORDER BY kind = 'person', position"
        )
        return [dict(row) for row in rows]

    async def figure_alias_rows(self) -> list[dict[str, Any]]:
        rows = await self.fetchall(
            "SELECT figure_id, name, kind, episode FROM aliases ORDER BY figure_id, position"
        )
        return [dict(row) for row in rows]

    @cached
    async def figure_card_rows(self, figure_id: str) -> Mapping[str, Any] | None:
        """Everything a card shows, in one trip to the database: the figure, its aliases, its
        relationships (with the target's canonical name, kind and reveal episode) and its facts."""
        figure, aliases, relationships, facts = await self.fetch_together(
            ("SELECT * FROM figures WHERE id = ?", (figure_id,)),
            ("SELECT name, kind, episode, note, source, evidence FROM aliases WHERE figure_id = ?"
             " ORDER BY position", (figure_id,)),
            ("SELECT r.to_id, r.relation, r.episode, r.source, r.evidence,"
             " t.name AS to_name, t.kind AS to_kind, t.unnamed AS to_unnamed, t.episode AS to_episode"
             " FROM relationships r JOIN figures t ON t.id = r.to_id"
             " WHERE r.figure_id = ? ORDER BY r.position", (figure_id,)),
            ("SELECT text, episode, source, evidence FROM facts WHERE figure_id = ? ORDER BY position",
             (figure_id,)),
        )
        if not figure:
            return None
        return {
            "figure": dict(figure[0]),
            "aliases": [dict(row) for row in aliases],
            "relationships": [dict(row) for row in relationships],
            "facts": [dict(row) for row in facts],
        }
