"""The connection, transactions and migrations that every query mixin builds on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.migrations import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


async def _finish(step: Any) -> None:
    """Await a COMMIT/ROLLBACK to its end even if our task is cancelled meanwhile."""
    task = asyncio.ensure_future(step)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


class StoreError(Exception):
    """The database can't be used as it is; the message is for the operator."""


class StoreBase:
    """One aiosqlite connection (WAL, foreign keys, busy timeout).

    Writes go through `transaction()`, which holds an asyncio lock: the connection is shared by every
    coroutine, so two transactions must never interleave on it. Reads are plain queries: SQLite answers
    the bot's small reads in well under a millisecond, so nothing is cached in front of them.
    """

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self.db = connection
        self.path = path
        self.write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Any:
        path = str(path)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open the database {path}: {exc}") from exc
        connection.row_factory = aiosqlite.Row
        store = cls(connection, path)
        try:
            await store.configure()
            await store.migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def configure(self) -> None:
        try:
            await self.db.execute("PRAGMA busy_timeout = 5000")
            mode = await self.scalar("PRAGMA journal_mode = WAL")
            if mode not in ("wal", "memory"):
                log.warning("SQLite refused WAL mode (journal_mode=%s)", mode)
            await self.db.execute("PRAGMA foreign_keys = ON")
            await self.db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable SQLite database: {exc}") from exc

    async def close(self) -> None:
        await self.db.close()

    async def schema_version(self) -> int:
        return int(await self.scalar("PRAGMA user_version"))

    async def migrate(self) -> None:
        current = await self.schema_version()
        if current > LATEST_VERSION:
            raise StoreError(
                f"The database is at schema version {current}, newer than this code ({LATEST_VERSION}). "
                "Upgrade Golden Hour or use a backup."
            )
        for version, sql in MIGRATIONS:
            if version <= current:
                continue
            log.info("Applying database migration %d", version)
            async with self.write_lock:
                try:
                    await self.db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
                except sqlite3.Error as exc:
                    if self.db.in_transaction:
                        await self.db.rollback()
                    raise StoreError(f"Migration {version} failed: {exc}") from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        The connection is shared, so a cancelled caller must never leave it inside a transaction:
        BEGIN, COMMIT and ROLLBACK run to completion even when the task awaiting them is cancelled.
        """
        async with self.write_lock:
            begin = asyncio.ensure_future(self.db.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await begin
                if self.db.in_transaction:
                    await _finish(self.db.rollback())
                raise
            try:
                yield self.db
            except BaseException:
                await _finish(self.db.rollback())
                raise
            else:
                await _finish(self.db.commit())

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def write(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in its own transaction; returns lastrowid."""
        async with self.transaction() as db:
            cursor = await db.execute(sql, params)
            return cursor.lastrowid or 0

    async def backup(self, target: str | Path) -> None:
        """SQLite's online backup: consistent even while the bot is writing."""
        async with aiosqlite.connect(str(target)) as dest:
            await self.db.backup(dest)

    async def get_meta(self, key: str) -> str | None:
        return await self.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    async def set_meta(self, key: str, value: str) -> None:
        await self.write(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
