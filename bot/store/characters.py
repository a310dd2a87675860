"""Character lookup queries: figures (characters and real people), their aliases, relationships, facts.

The character service loads all of it into memory once per seed: the matcher's figures and aliases
(`figure_rows`, `figure_alias_rows`) and every card's details (`figure_details`). Method names carry a
`figure_` prefix so they cannot clash with another mixin's on `Store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from bot.store.base import StoreBase


class FigureDetailRows(NamedTuple):
    """Rows for every figure's card, each table ordered by figure and then pack order. Rows are
    sqlite rows: index by column name."""

    figures: Sequence[Any]  # id, bio, source, actor_source
    aliases: Sequence[Any]  # figure_id, name, kind, episode, source
    relationships: Sequence[Any]  # figure_id, to_id, to_name, to_kind, relation, episode, to_episode, source
    facts: Sequence[Any]  # figure_id, text, episode, source


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

    async def figure_details(self) -> FigureDetailRows:
        """What every card shows beyond the index: each figure's bio and credits, its
        aliases, its relationships (with the target's canonical name, kind and reveal episode) and its
        facts, in pack order. The character service keeps them in memory with its name index, until the
        next seed."""
        figures = await self.fetchall("SELECT id, bio, source, actor_source FROM figures")
        aliases = await self.fetchall(
            "SELECT figure_id, name, kind, episode, source FROM aliases ORDER BY figure_id, position")
        relationships = await self.fetchall(
            "SELECT r.figure_id, r.to_id, t.name AS to_name, t.kind AS to_kind, r.relation, r.episode,"
            " t.episode AS to_episode, r.source"
            " FROM relationships r JOIN figures t ON t.id = r.to_id ORDER BY r.figure_id, r.position")
        facts = await self.fetchall("SELECT figure_id, text, episode, source FROM facts ORDER BY figure_id, position")
        return FigureDetailRows(figures, aliases, relationships, facts)
