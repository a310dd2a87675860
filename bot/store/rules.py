"""Community rules: server settings, channel overrides, the audit log, member progress.

Never touched by a seed. Every change a moderator makes is written together with its audit-log
entry in one transaction, so the log can't miss a change or record one that didn't happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.base import StoreBase

# Columns a moderator may change; the names go into SQL, so only these are ever accepted.
SERVER_SETTINGS = ("spoiler_mode", "horizon", "moderator_role_id", "guard_enabled", "guard_action")
CHANNEL_SETTINGS = ("spoiler_mode", "horizon")
SERVER_SCOPE = "server"


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as the audit log records it."""

    id: int
    name: str


@dataclass(frozen=True)
class Change:
    setting: str
    old: Any
    new: Any


@dataclass(frozen=True)
class AuditEntry:
    id: int
    user_id: int
    user_name: str
    at: str
    scope: str  # "server", or "channel:<id>"
    setting: str
    old_value: str | None
    new_value: str | None


def channel_scope(channel_id: int) -> str:
    return f"channel:{channel_id}"


class RuleQueries(StoreBase):
    async def guild_settings(self, guild_id: int) -> Mapping[str, Any] | None:
        row = await self.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return dict(row) if row else None

    async def channel_rule(self, guild_id: int, channel_id: int) -> Mapping[str, Any] | None:
        row = await self.fetchone(
            "SELECT spoiler_mode, horizon FROM channel_rules WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        return dict(row) if row else None

    async def channel_rules(self, guild_id: int) -> Sequence[Mapping[str, Any]]:
        """Every channel override in a server."""
        rows = await self.fetchall(
            "SELECT channel_id, spoiler_mode, horizon FROM channel_rules WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return [dict(row) for row in rows]

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

    async def guard_settings(self, guild_id: int) -> tuple[bool, str]:
        """(enabled, action) of the spoiler guard in a server; off and `warn` until a moderator says."""
        row = await self.fetchone("SELECT guard_enabled, guard_action FROM guild_settings WHERE guild_id = ?",
                                  (guild_id,))
        return (bool(row["guard_enabled"]), str(row["guard_action"])) if row else (False, "warn")

    async def change_server_settings(self, guild_id: int, values: dict[str, Any], actor: Actor) -> list[Change]:
        """Set server settings and log each real change; settings already at that value are skipped."""
        _check(values, SERVER_SETTINGS)
        changes: list[Change] = []
        async with self.transaction() as db:
            await db.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
            current = await _row(db, "SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
            for setting, value in values.items():
                old = current[setting] if current else None
                if old == value:
                    continue
                await db.execute(f"UPDATE guild_settings SET {setting} = ? WHERE guild_id = ?", (value, guild_id))
                await _audit(db, guild_id, actor, SERVER_SCOPE, setting, old, value)
                changes.append(Change(setting, old, value))
        return changes

    async def change_channel_rule(self, guild_id: int, channel_id: int, values: dict[str, Any],
                                  actor: Actor) -> list[Change]:
        """Override settings for one channel (None: follow the server again) and log each real change.

        A channel whose override no longer sets anything loses its row, so "no override" has one form.
        """
        _check(values, CHANNEL_SETTINGS)
        changes: list[Change] = []
        async with self.transaction() as db:
            current = await _row(db, "SELECT spoiler_mode, horizon FROM channel_rules"
                                     " WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id))
            merged = {s: current[s] if current else None for s in CHANNEL_SETTINGS}
            for setting, value in values.items():
                if merged[setting] == value:
                    continue
                await _audit(db, guild_id, actor, channel_scope(channel_id), setting, merged[setting], value)
                changes.append(Change(setting, merged[setting], value))
                merged[setting] = value
            if not changes:
                return changes
            if all(value is None for value in merged.values()):
                await db.execute("DELETE FROM channel_rules WHERE guild_id = ? AND channel_id = ?",
                                 (guild_id, channel_id))
            else:
                await db.execute(
                    "INSERT INTO channel_rules (guild_id, channel_id, spoiler_mode, horizon) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(guild_id, channel_id) DO UPDATE SET spoiler_mode = excluded.spoiler_mode,"
                    " horizon = excluded.horizon",
                    (guild_id, channel_id, merged["spoiler_mode"], merged["horizon"]),
                )
        return changes

    async def reset_channel_rule(self, guild_id: int, channel_id: int, actor: Actor) -> list[Change]:
        """Remove a channel's override; it follows the server again."""
        return await self.change_channel_rule(guild_id, channel_id, dict.fromkeys(CHANNEL_SETTINGS), actor)

    async def audit_entries(self, guild_id: int, *, limit: int = 10, offset: int = 0) -> list[AuditEntry]:
        """A server's audit log, newest first."""
        rows = await self.fetchall(
            "SELECT id, user_id, user_name, at, scope, setting, old_value, new_value FROM audit_log"
            " WHERE guild_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [AuditEntry(**dict(row)) for row in rows]

    async def audit_count(self, guild_id: int) -> int:
        return int(await self.scalar("SELECT COUNT(*) FROM audit_log WHERE guild_id = ?", (guild_id,)))


def _check(values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"not a setting: {', '.join(sorted(unknown))}")


async def _row(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...]) -> aiosqlite.Row | None:
    async with db.execute(sql, params) as cursor:
        return await cursor.fetchone()


async def _audit(db: aiosqlite.Connection, guild_id: int, actor: Actor, scope: str, setting: str,
                 old: Any, new: Any) -> None:
    await db.execute(
        "INSERT INTO audit_log (guild_id, user_id, user_name, at, scope, setting, old_value, new_value)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, actor.id, actor.name, _now(), scope, setting, _text(old), _text(new)),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
