"""The connection, transactions and migrations that every query mixin builds on."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import aiosqlite

from bot.store.migrations import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)


async def _finish(step: Any) -> None:
    """Await a COMMIT/ROLLBACK to its end even if our task is cancelled meanwhile."""
    task = asyncio.ensure_future(step)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


R = TypeVar("R")
CACHE_LIMIT = 4096
EXTERNAL_CHECK_SECONDS = 1.0


def cached(method: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R]]:
    """Memoise a read until the next commit (ours, or another process's, e.g. `goldenhour seed`).

    Most commands read the same small rows every time (spoiler rules, episodes, a character's facts)
    and each read is a trip to aiosqlite's thread. Every write goes through `transaction()`, which
    drops the cache; commits by other connections are noticed through `PRAGMA data_version`, checked
    at most once a second. A cached value is made read-only once, when it is stored, and then shared
    by every caller: copying it on every hit cost a tenth of a millisecond per character card.
    """

    name = method.__name__

    @functools.wraps(method)
    async def wrapper(self: StoreBase, *args: Any, **kwargs: Any) -> R:
        if time.monotonic() - self._checked_at >= EXTERNAL_CHECK_SECONDS:  # asked without a coroutine
            await self._notice_external_changes()
        key = (name, _freeze(args) if args else (), _freeze(kwargs) if kwargs else None)
        try:
            return self._cache[key]
        except KeyError:
            pass
        generation = self._generation
        value = _readonly(await method(self, *args, **kwargs))
        if generation == self._generation:  # no commit raced the read: it's still current
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = value
        return value

    return wrapper


_IMMUTABLE = (str, bytes, int, float, bool, type(None), dt.date, dt.datetime)


def _readonly(value: Any) -> Any:
    """`value` as a structure nobody can change: dicts become read-only mappings, lists tuples, sets
    frozensets. Frozen dataclasses pass as they are (their fields are expected to be read-only too)."""
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, dict | MappingProxyType):
        return MappingProxyType({key: _readonly(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        items = (_readonly(item) for item in value)
        return value._make(items) if hasattr(value, "_make") else tuple(items)  # a NamedTuple keeps its type
    if isinstance(value, set | frozenset):
        return frozenset(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        return value
    raise TypeError(f"a cached store read must return plain data, not {type(value).__name__}")


_PLAIN_KEYS = frozenset({str, int, bool, type(None)})


def _freeze(value: Any) -> Any:
    """A cache key part that is equal exactly when the arguments are. A generator or other one-shot
    iterable has no such value (its repr is a memory address that a later one can reuse), so it is
    refused rather than risk answering one caller with another's result."""
    if value is None or isinstance(value, str | bytes | int | float | dt.date | dt.datetime):
        return value
    if type(value) is tuple and all(type(v) in _PLAIN_KEYS for v in value):  # the usual case: plain ids
        return value
    if isinstance(value, tuple | list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(_freeze(v) for v in value))
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    raise TypeError(f"a cached store read needs plain arguments, not {type(value).__name__}")


class StoreError(Exception):
    """The database can't be used as it is; the message is for the operator."""


class StoreBase:
    """One aiosqlite connection (WAL, foreign keys, busy timeout).

    Writes go through `transaction()`, which holds an asyncio lock: the connection is shared by every
    coroutine, so two transactions must never interleave on it.
    """

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path
        self._write_lock = asyncio.Lock()
        self._cache: dict[tuple[str, Any, Any], Any] = {}
        self._generation = 0  # bumped by every commit; see `cached`
        self._data_version: int | None = None
        self._checked_at = 0.0

    def _forget(self) -> None:
        self._generation += 1
        self._cache.clear()

    async def _notice_external_changes(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < EXTERNAL_CHECK_SECONDS:
            return
        self._checked_at = now
        version = await self.scalar("PRAGMA data_version")
        if version != self._data_version:
            self._data_version = version
            self._forget()

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
            await store._configure()
            await store.migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def _configure(self) -> None:
        try:
            await self._db.execute("PRAGMA busy_timeout = 5000")
            mode = await self.scalar("PRAGMA journal_mode = WAL")
            if mode not in ("wal", "memory"):
                log.warning("SQLite refused WAL mode (journal_mode=%s)", mode)
            await self._db.execute("PRAGMA foreign_keys = ON")
            await self._db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable SQLite database: {exc}") from exc

    async def close(self) -> None:
        await self._db.close()

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
            async with self._write_lock:
                try:
                    await self._db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
                    self._forget()
                except sqlite3.Error as exc:
                    if self._db.in_transaction:
                        await self._db.rollback()
                    raise StoreError(f"Migration {version} failed: {exc}") from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        The connection is shared, so a cancelled caller must never leave it inside a transaction:
        BEGIN, COMMIT and ROLLBACK run to completion even when the task awaiting them is cancelled.
        """
        async with self._write_lock:
            begin = asyncio.ensure_future(self._db.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await begin
                if self._db.in_transaction:
                    await _finish(self._db.rollback())
                raise
            try:
                yield self._db
            except BaseException:
                await _finish(self._db.rollback())
                raise
            else:
                try:
                    await _finish(self._db.commit())
                finally:
                    self._forget()

    # Reads run as one call in aiosqlite's thread: its cursor API costs three thread hops per query
    # (execute, fetch, close), which dominated the latency of every command.

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._db.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        return await self.in_thread(lambda conn: conn.execute(sql, params).fetchone())

    async def fetch_together(self, *queries: tuple[str, Sequence[Any]]) -> list[list[aiosqlite.Row]]:
        """Several SELECTs in one trip to aiosqlite's thread (one hop instead of one per query)."""

        return await self.in_thread(lambda conn: [conn.execute(sql, params).fetchall() for sql, params in queries])

    async def read(self, run: Callable[[sqlite3.Connection], R]) -> R:
        """`run(connection)` in aiosqlite's thread: dependent reads (a search that falls back to a
        second query) in one trip. `run` must only read (writes go through `transaction()`, and may
        use `in_thread` there), and must not keep the connection."""
        return await self.in_thread(run)

    async def in_thread(self, run: Callable[[sqlite3.Connection], R]) -> R:
        """The one way into aiosqlite's thread with the raw connection: its cursor API would cost a hop
        per call (execute, fetch, close). Writes may use it only inside `transaction()`."""
        return await self._db._execute(run, self._db._conn)

    async def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def write(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one write statement in its own transaction; returns lastrowid."""
        async with self.transaction() as db:
            cursor = await db.execute(sql, params)
            return cursor.lastrowid or 0

    async def backup(self, target: str | Path) -> None:
        """SQLite's online backup: consistent even while the bot is writing."""
        async with aiosqlite.connect(str(target)) as dest:
            await self._db.backup(dest)

    async def get_meta(self, key: str) -> str | None:
        return await self.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    async def set_meta(self, key: str, value: str) -> None:
        await self.write(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
