"""The store's connection settings and migrations."""

from __future__ import annotations

import contextlib
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
        assert not store._db.in_transaction
        assert await store.get_meta("w") is None
    await store.set_meta("after", "ok")  # the connection is still usable
    assert await store.get_meta("after") == "ok"


async def test_cached_reads_follow_our_writes_and_other_processes(seeded_store: Store, monkeypatch) -> None:
    import bot.store.base as base

    assert await seeded_store.member_progress(7) is None
    await seeded_store.set_member_progress(7, 3)  # our own commit drops the cache at once
    assert await seeded_store.member_progress(7) == 3
    with sqlite3.connect(seeded_store.path) as other:  # another process, e.g. `goldenhour seed`
        other.execute("UPDATE member_progress SET episode = 5 WHERE user_id = 7")
    monkeypatch.setattr(base, "EXTERNAL_CHECK_SECONDS", 0.0)
    assert await seeded_store.member_progress(7) == 5


async def test_callers_cannot_change_what_the_cache_holds(seeded_store: Store) -> None:
    info = await seeded_store.pack_info()
    with pytest.raises(TypeError):
        info["title"] = "Vandalised"  # type: ignore[index]
    assert (await seeded_store.pack_info())["title"] != "Vandalised"


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


async def test_cached_reads_refuse_one_shot_arguments(seeded_store: Store) -> None:
    with pytest.raises(TypeError, match="plain arguments"):
        await seeded_store.trivia_leaderboard(guild for guild in [1])
    assert await seeded_store.trivia_leaderboard(1) is not None


async def test_cached_rows_are_read_only_and_shared_not_copied(seeded_store: Store) -> None:
    first = await seeded_store.sources()
    with pytest.raises(AttributeError):
        first.clear()  # type: ignore[attr-defined]  # a tuple, not a list
    with pytest.raises(TypeError):
        first[0]["title"] = "rewritten"  # type: ignore[index]
    again = await seeded_store.sources()
    assert again is first and again[0]["title"]  # a hit is the stored value itself: no copying per call


async def test_a_cached_read_of_something_mutable_and_opaque_is_refused(tmp_path: Path) -> None:
    from bot.store.base import cached

    class Probe(Store):
        @cached
        async def opaque(self) -> object:
            return bytearray(b"could change under every caller")

    store = await Probe.open(tmp_path / "probe.db")
    try:
        with pytest.raises(TypeError, match="plain data"):
            await store.opaque()
    finally:
        await store.close()


async def test_a_database_ranked_at_version_3_searches_live_until_its_next_seed(tmp_path: Path) -> None:
    """Version 4 keeps FTS5's index of common words; the rankings a version-3 seed stored are dropped,
    and searches go to FTS5 (with the same answers) until the pack is seeded again."""
    from bot.quotes import QuoteService
    from bot.seeding import seed
    from tests.conftest import REAL_PACK, without_database

    path = tmp_path / "v3.db"
    with sqlite3.connect(path) as connection:
        connection.executescript("\n".join(sql for _, sql in MIGRATIONS[:3]) + "\nPRAGMA user_version = 3;")
        connection.execute("INSERT INTO quote_word_counts (word, matches) VALUES ('the', 300)")
    store = await Store.open(path)
    try:
        assert await store.schema_version() == LATEST_VERSION >= 4
        assert await store.fetchall("SELECT * FROM quote_word_counts") == []
        assert (await seed(store, REAL_PACK)).ok
        await store.write("DELETE FROM quote_word_postings")  # as if seeded by version 3
        service = QuoteService(store)
        live = await service.search("the trauma")
        assert (await service.library()).index is None and live.total > 5
        assert (await seed(store, REAL_PACK)).ok
        assert (await service.library()).index is not None
        with without_database(store, "a search of common words"):
            assert await service.search("the trauma") == live
    finally:
        await store.close()
