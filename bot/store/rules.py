"""Community rules: server settings, channel overrides, member progress. Never touched by a seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.store.base import StoreBase


class RuleQueries(StoreBase):
    async def guild_settings(self, guild_id: int) -> dict[str, Any] | None:
        row = await self.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return dict(row) if row else None

    async def channel_rule(self, guild_id: int, channel_id: int) -> dict[str, Any] | None:
        row = await self.fetchone(
            "SELECT spoiler_mode, horizon FROM channel_rules WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        return dict(row) if row else None

    async def member_progress(self, user_id: int) -> int | None:
        return await self.scalar("SELECT episode FROM member_progress WHERE user_id = ?", (user_id,))

    async def set_member_progress(self, user_id: int, episode: int | None) -> None:
        if episode is None:
            await self.write("DELETE FROM member_progress WHERE user_id = ?", (user_id,))
            return
        await self.write(
            "INSERT INTO member_progress (user_id, episode, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET episode = excluded.episode, updated_at = excluded.updated_at",
            (user_id, episode, _now()),
        )

    async def moderator_role(self, guild_id: int) -> int | None:
        return await self.scalar("SELECT moderator_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
