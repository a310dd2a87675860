"""The quotes kept in memory (QuoteLibrary): verbatim texts, uniform random picks within a spoiler
horizon, and a reload after every seed; checked against the real pack's database."""

from __future__ import annotations

import random
from array import array
from collections import Counter
from dataclasses import replace

import pytest

from bot.policy import Mode, SpoilerRules
from bot.quotes import QuoteService
from bot.quotes.library import QuoteLibrary
from bot.seeding import seed
from bot.store import Store
from tests.conftest import MINI_PACK, without_database


class EveryIndex(random.Random):
    """A generator whose randrange(n) yields 0, 1, … n-1 in turn: n draws then reach every index once,
    so what they pick shows exactly which quotes a pick can reach, and that each is reachable once."""

    def __init__(self) -> None:
        super().__init__(0)
        self.next = 0

    def randrange(self, stop: int) -> int:  # type: ignore[override]
        value, self.next = self.next % stop, self.next + 1
        return value


@pytest.fixture
async def library(seeded_store: Store) -> QuoteLibrary:
    return await QuoteService(seeded_store).library()


async def test_every_quote_is_kept_verbatim_with_its_episode(seeded_store: Store, library: QuoteLibrary) -> None:
    rows = await seeded_store.fetchall("SELECT id, text, episode FROM quotes ORDER BY id")
    assert len(library) == len(rows) > 400
    assert any(not row["text"].isascii() for row in rows)  # curly quotes and Hangul: UTF-8 kept exactly
    for position, row in enumerate(rows):
        quote = library.quote(position)
        assert (quote.id, quote.text, quote.episode) == (row["id"], row["text"], row["episode"])
        assert library.position(row["id"]) == position
    assert library.position(rows[-1]["id"] + 1) is None and library.position(0) is None


@pytest.mark.parametrize("renumber", [lambda i: i + 1000, lambda i: 3 * i + (i % 2)], ids=["shifted", "gapped"])
async def test_a_quote_is_found_by_its_id_however_the_ids_run(library: QuoteLibrary, renumber) -> None:
    """A seed numbers quotes 1, 2, 3… and positions are then arithmetic; ids that start elsewhere, or
    leave gaps (a database not written by a seed), are found all the same."""
    columns = library.columns
    ids = array(columns.ids.typecode, (renumber(i) for i in columns.ids))
    moved = QuoteLibrary.build(None, replace(columns, ids=ids), library.attributions, [])
    for position, quote_id in enumerate(ids):
        assert moved.position(quote_id) == position and moved.quote(position).text == library.text(position)
    absent = set(range(ids[0] - 2, ids[-1] + 3)) - set(ids)
    assert absent and all(moved.position(quote_id) is None for quote_id in absent)


async def test_quotes_carry_the_attribution_a_search_gives_them(seeded_store: Store, library: QuoteLibrary) -> None:
    service = QuoteService(seeded_store)
    found = (await service.search("stress relie")).quotes[0]  # a live search: attribution from SQL
    position = library.position(found.id)
    assert position is not None and library.quote(position).attribution == found.attribution


@pytest.mark.parametrize("horizon", [None, 0, 6, 7, 8])
async def test_a_pick_reaches_every_showable_quote_once_per_turn(library: QuoteLibrary, horizon: int | None) -> None:
    """`hide` up to `horizon` (None: every quote may be picked, masked or not)."""
    showable = {library.quote(p).id for p in range(len(library))
                if horizon is None or (library.quote(p).episode or 0) <= horizon}
    rng = EveryIndex()
    picks = Counter(library.quote(library.pick(horizon, (), rng)).id for _ in range(len(showable)))  # type: ignore[arg-type]
    assert set(picks) == showable and set(picks.values()) == {1}
    assert (len(showable) == len(library)) == (horizon is None or horizon >= 8)


async def test_a_pick_avoids_the_given_quotes_and_lists_small_pools(library: QuoteLibrary) -> None:
    early = [library.quote(p).id for p in range(len(library)) if library.quote(p).episode == 1]
    none_spoiled = [library.quote(p).id for p in range(len(library)) if library.quote(p).episode is None]
    rng = random.Random(3)
    avoid = none_spoiled[:5]
    assert all(library.quote(library.pick(0, avoid, rng)).id not in avoid for _ in range(300))  # type: ignore[arg-type]
    # horizon 1 allows the unspoiling quotes and episode 1's two: avoid all but one of those two
    pool = none_spoiled + early
    assert len(early) == 2
    assert library.pick(0, none_spoiled, rng) is None  # every showable quote is to be avoided
    only = library.pick(1, pool[:-1], rng)
    assert only is not None and library.quote(only).id == pool[-1]
    assert library.pick(1, pool, rng) is None
    assert library.oldest_of([10**9, early[1], early[0]], 1) == library.position(early[1])
    assert library.oldest_of([library.quote(p).id for p in range(len(library))
                              if library.quote(p).episode == 8], 7) is None


async def test_random_quotes_come_from_memory_and_follow_a_reseed(seeded_store: Store) -> None:
    service = QuoteService(seeded_store, rng=random.Random(1))
    await service.library()
    hide = SpoilerRules(Mode.HIDE, 0)
    with without_database(seeded_store, "a random quote"):
        for _ in range(50):
            result = await service.random(hide, channel_id=7)
            assert result.quote is not None and result.quote.episode is None
    before = {(await service.random(SpoilerRules(Mode.OFF, 0), channel_id=7)).quote.text for _ in range(20)}  # type: ignore[union-attr]
    assert (await seed(seeded_store, MINI_PACK)).ok
    mini = {row[0] for row in await seeded_store.fetchall("SELECT text FROM quotes")}
    after = {(await service.random(SpoilerRules(Mode.OFF, 0), channel_id=8)).quote.text for _ in range(20)}  # type: ignore[union-attr]
    assert after <= mini and not before <= mini


async def test_nothing_showable_under_hide_reports_withheld(seeded_store: Store) -> None:
    await seeded_store.write("UPDATE quotes SET episode = 8")
    await seeded_store.write("UPDATE pack_info SET value = 'changed' WHERE key = 'content_version'")
    service = QuoteService(seeded_store)
    withheld = await service.random(SpoilerRules(Mode.HIDE, 7), channel_id=1)
    assert withheld.quote is None and withheld.withheld
    assert (await service.random(SpoilerRules(Mode.MASK, 7), channel_id=1)).quote is not None
