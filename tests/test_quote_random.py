"""`/quote random`'s picks through the quote service, on the real pack's database: every showable
quote can come up, `hide` never picks a withheld one, the channel's last few are avoided, and a reseed
is followed at once."""

from __future__ import annotations

import random

from bot.policy import Mode, SpoilerRules
from bot.quotes import QuoteService
from bot.seeding import seed
from bot.store import Store
from tests.conftest import MINI_PACK


async def test_hide_picks_only_showable_quotes_and_reaches_many_of_them(seeded_store: Store) -> None:
    service = QuoteService(seeded_store, rng=random.Random(1))
    showable = {row[0] for row in await seeded_store.fetchall("SELECT id FROM quotes WHERE episode IS NULL")}
    picked = set()
    for channel in range(200):
        result = await service.random(SpoilerRules(Mode.HIDE, 0), channel_id=channel)
        assert result.quote is not None and result.quote.episode is None
        picked.add(result.quote.id)
    assert picked <= showable and len(picked) > 100  # spread over the pool, not a few favourites


async def test_a_channel_never_sees_one_of_its_last_five_again(seeded_store: Store) -> None:
    service = QuoteService(seeded_store)
    shown: list[int] = []
    for _ in range(60):
        result = await service.random(SpoilerRules(Mode.OFF, 0), channel_id=7)
        assert result.quote is not None and result.quote.id not in shown[-5:]
        shown.append(result.quote.id)


async def test_few_candidates_repeat_the_one_shown_longest_ago(seeded_store: Store) -> None:
    await seeded_store.write("UPDATE quotes SET episode = CASE WHEN id <= (SELECT min(id) + 2 FROM quotes)"
                             " THEN NULL ELSE 8 END")
    service = QuoteService(seeded_store)
    hide = SpoilerRules(Mode.HIDE, 7)
    first = [(await service.random(hide, channel_id=1)).quote for _ in range(3)]
    assert all(first) and len({q.id for q in first if q}) == 3  # the three showable quotes, once each
    again = (await service.random(hide, channel_id=1)).quote
    assert again is not None and first[0] is not None and again.id == first[0].id


async def test_a_reseed_is_followed_at_once(seeded_store: Store) -> None:
    service = QuoteService(seeded_store, rng=random.Random(1))
    off = SpoilerRules(Mode.OFF, 0)
    before = {(await service.random(off, channel_id=7)).quote.text for _ in range(20)}  # type: ignore[union-attr]
    assert (await seed(seeded_store, MINI_PACK)).ok
    mini = {row[0] for row in await seeded_store.fetchall("SELECT text FROM quotes")}
    after = {(await service.random(off, channel_id=8)).quote.text for _ in range(20)}  # type: ignore[union-attr]
    assert after <= mini and not before <= mini


async def test_nothing_showable_under_hide_reports_withheld(seeded_store: Store) -> None:
    await seeded_store.write("UPDATE quotes SET episode = 8")
    service = QuoteService(seeded_store)
    withheld = await service.random(SpoilerRules(Mode.HIDE, 7), channel_id=1)
    assert withheld.quote is None and withheld.withheld
    assert (await service.random(SpoilerRules(Mode.MASK, 7), channel_id=1)).quote is not None
