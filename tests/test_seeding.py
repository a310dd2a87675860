"""Seeding: idempotent, atomic, and blind to community tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.seeding import ensure_seeded, seed
from bot.store import Store
from tests.conftest import MINI_PACK, REAL_PACK


async def test_seeding_twice_gives_the_same_counts(store: Store) -> None:
    first = await seed(store, REAL_PACK)
    second = await seed(store, REAL_PACK)
    assert first.ok and second.ok
    assert first.counts == second.counts
    assert first.counts["reviews"] == 12
    assert first.counts["episodes"] == 8
    assert first.counts["quotes"] > 300
    assert await store.scalar("SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH 'helicopter'") > 0


async def test_a_broken_pack_changes_nothing(store: Store, tmp_path: Path) -> None:
    assert (await seed(store, REAL_PACK)).ok
    before = await store.content_counts()
    broken = tmp_path / "broken"
    shutil.copytree(REAL_PACK, broken)
    trivia = broken / "trivia.yaml"
    text = trivia.read_text()
    start = text.index("    evidence: ")
    end = text.index("\n", start)
    trivia.write_text(text[:start] + '    evidence: "NOT IN ANY DOCUMENT"' + text[end:])
    result = await seed(store, broken)
    assert not result.ok
    assert any(p.file == "trivia.yaml" and p.field == "evidence" for p in result.problems)
    assert await store.content_counts() == before


async def test_a_failure_midway_through_the_load_rolls_back(store: Store, monkeypatch) -> None:
    assert (await seed(store, MINI_PACK)).ok
    before = await store.content_counts()
    from bot.pack.ingest import ingest
    from bot.pack.load import load_pack

    pack = load_pack(REAL_PACK).pack
    assert pack is not None
    passages, sentences = ingest(pack)
    with pytest.raises(ValueError):  # one episode short: fails at the quotes, after figures/questions
        await store.replace_content(pack, passages, sentences, [None] * (len(sentences) - 1))
    assert await store.content_counts() == before
    assert (await store.pack_info())["pack_id"] == "mini-show"


async def test_every_seed_changes_the_content_stamp_even_within_a_second(store: Store) -> None:
    assert (await seed(store, MINI_PACK)).ok
    first = await store.content_stamp()
    assert (await seed(store, MINI_PACK)).ok  # the same pack again, well within the same second
    second = await store.content_stamp()
    assert first and second and first != second  # what keeps content in memory must reload


async def test_a_seed_leaves_the_search_index_in_one_segment(store: Store) -> None:
    # A tiny in-memory budget makes the rebuild write many segments, as 100,000 quotes do by themselves;
    # every search reads each segment, so the seed merges them.
    await store.db.execute("INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('hashsize', 2048)")
    assert (await seed(store, REAL_PACK)).ok
    assert await store.scalar("SELECT COUNT(DISTINCT segid) FROM quotes_fts_idx") == 1


async def test_reseed_never_touches_community_tables(store: Store) -> None:
    assert (await seed(store, MINI_PACK)).ok
    async with store.transaction() as db:
        await db.execute("INSERT INTO guild_settings (guild_id, spoiler_mode, horizon) VALUES (1, 'hide', 3)")
        await db.execute("INSERT INTO member_progress (user_id, episode, updated_at) VALUES (7, 2, 'now')")
        await db.execute(
            "INSERT INTO audit_log (guild_id, user_id, user_name, at, scope, setting, old_value, new_value)"
            " VALUES (1, 7, 'mod', 'now', 'server', 'mode', 'mask', 'hide')"
        )
    assert (await seed(store, REAL_PACK)).ok
    assert (await store.guild_settings(1))["spoiler_mode"] == "hide"
    assert await store.member_progress(7) == 2
    assert await store.scalar("SELECT COUNT(*) FROM audit_log") == 1


async def test_first_start_seeds_an_empty_database_only(store: Store) -> None:
    first = await ensure_seeded(store, MINI_PACK)
    assert first is not None and first.ok
    assert await ensure_seeded(store, REAL_PACK) is None  # already seeded: left alone
    assert (await store.pack_info())["pack_id"] == "mini-show"


async def test_quotes_carry_the_episode_they_can_spoil(store: Store) -> None:
    assert (await seed(store, MINI_PACK)).ok
    rows = await store.fetchall(
        "SELECT q.text, q.episode, p.spoiler_flag FROM quotes q JOIN passages p ON p.id = q.passage_id"
    )
    by_text = {row["text"]: row for row in rows}
    assert by_text["The helicopter scene made me cry."]["episode"] == 2  # its review is flagged
    assert by_text["In the last episode, Dr. Hero reveals the code name Night Owl."]["episode"] == 2  # keyword
    assert by_text["I loved every episode of it!"]["episode"] is None
