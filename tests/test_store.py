"""The store's connection settings and migrations."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from bot.store.migrations import LATEST_VERSION, MIGRATIONS


async def test_migrations_build_schema_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    store = await Store.open(path)
    try:
        assert await store.schema_version() == LATEST_VERSION
        tables = {row[0] for row in await store.fetchall("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"figures", "quotes", "quotes_fts", "guild_settings", "audit_log", "member_progress"} <= tables
        assert await store.scalar("PRAGMA journal_mode") == "wal"
        assert await store.scalar("PRAGMA foreign_keys") == 1
        assert await store.scalar("PRAGMA busy_timeout") == 5000
    finally:
        await store.close()


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    store = await Store.open(path)
    await store.set_meta("marker", "kept")
    await store.close()
    store = await Store.open(path)
    try:
        assert await store.get_meta("marker") == "kept"
        assert await store.schema_version() == LATEST_VERSION
    finally:
        await store.close()


async def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this code"):
        await Store.open(path)


async def test_a_failing_migration_leaves_the_version_unchanged(tmp_path: Path, monkeypatch) -> None:
    import bot.store.base as base

    broken = [*MIGRATIONS, (LATEST_VERSION + 1, "CREATE TABLE meta (oops TEXT);")]  # meta already exists
    monkeypatch.setattr(base, "MIGRATIONS", broken)
    monkeypatch.setattr(base, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(StoreError, match=f"Migration {LATEST_VERSION + 1} failed"):
        await Store.open(tmp_path / "broken.db")
    with sqlite3.connect(tmp_path / "broken.db") as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        await Store.open(path)


async def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction() as db:
            await db.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")
            raise RuntimeError("boom")
    assert await store.get_meta("half") is None


async def test_backup_is_a_readable_copy(seeded_store: Store, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    await seeded_store.backup(target)
    copy = await Store.open(target)
    try:
        assert await copy.content_counts() == await seeded_store.content_counts()
    finally:
        await copy.close()


async def test_a_cancelled_writer_never_leaves_the_connection_in_a_transaction(store: Store) -> None:
    import asyncio

    async def writer() -> None:
        async with store.transaction() as db:
            await db.execute("INSERT INTO meta (key, value) VALUES ('w', '1')")
            await asyncio.sleep(10)

    for delay in (0, 0.0001, 0.001, 0.01):
        task = asyncio.create_task(writer())
        await asyncio.sleep(delay)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert not store.db.in_transaction
        assert await store.get_meta("w") is None
    await store.set_meta("after", "ok")  # the connection is still usable
    assert await store.get_meta("after") == "ok"


async def test_a_database_at_version_1_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(MIGRATIONS[0][1] + "\nPRAGMA user_version = 1;")
        connection.execute("INSERT INTO member_progress (user_id, episode, updated_at) VALUES (9, 4, 'then')")
    store = await Store.open(path)
    try:
        assert await store.schema_version() == LATEST_VERSION >= 2
        assert await store.member_progress(9) == 4  # community data kept across the upgrade
        plan = await store.fetchall("EXPLAIN QUERY PLAN SELECT * FROM trivia_answers WHERE user_id = 1")
        assert "trivia_answers_user" in " ".join(str(tuple(row)) for row in plan)
    finally:
        await store.close()


async def test_a_database_at_version_4_drops_the_old_ranking_tables_and_searches_with_fts5(tmp_path: Path) -> None:
    """Versions 3 and 4 kept seed-time rankings and word lists beside FTS5; version 5 drops them, and
    the content a version-4 seed loaded is searched as it is, without a new seed."""
    from bot.quotes import QuoteService
    from bot.seeding import seed
    from tests.conftest import REAL_PACK

    path = tmp_path / "v4.db"
    store = await Store.open(path)
    assert (await seed(store, REAL_PACK)).ok
    await store.close()
    with sqlite3.connect(path) as connection:  # back to version 4, with the tables an older bot made
        connection.executescript("""
            CREATE TABLE quote_word_counts (word TEXT PRIMARY KEY, matches INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE quote_top_matches (word TEXT, rank INTEGER, quote_id INTEGER, PRIMARY KEY (word, rank));
            CREATE TABLE quote_word_postings (word TEXT PRIMARY KEY, quote_ids BLOB, repeated_ids BLOB, repeats BLOB);
            INSERT INTO quote_word_counts (word, matches) VALUES ('the', 300);
            PRAGMA user_version = 4;""")
    store = await Store.open(path)
    try:
        assert await store.schema_version() == LATEST_VERSION == 5
        tables = {row[0] for row in await store.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not tables & {"quote_word_counts", "quote_top_matches", "quote_word_postings"}
        found = await QuoteService(store).search("trauma surgeon")
        assert found.total > 0 and all(re.search(r"\btrauma\b", q.text, re.I) for q in found.quotes)
    finally:
        await store.close()
