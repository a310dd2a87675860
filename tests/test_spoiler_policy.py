"""The spoiler policy and its store: layers, origins, progress, and the audit log written with each change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.policy import Mode, SpoilerPolicy, SpoilerRules, Treatment
from bot.policy.masking import unmask
from bot.policy.rules import withheld_note
from bot.seeding import seed
from bot.store import Store
from bot.store.rules import Actor, Change, channel_scope
from tests.conftest import REAL_PACK

GUILD, CHANNEL, OTHER, THREAD = 1, 10, 11, 12
MOD = Actor(99, "mod")


async def test_defaults_mask_everything_with_horizon_zero(store: Store) -> None:
    rules = await SpoilerPolicy(store).rules_for(GUILD, CHANNEL)
    assert rules == SpoilerRules(Mode.MASK, 0, "default")
    assert await SpoilerPolicy(store).rules_for(None, None) == SpoilerRules(Mode.MASK, 0, "default")


async def test_channel_override_beats_server_rule_and_a_thread_follows_its_parent(store: Store) -> None:
    policy = SpoilerPolicy(store)
    await store.change_server_settings(GUILD, {"spoiler_mode": "hide", "horizon": 2}, MOD)
    assert await policy.rules_for(GUILD, CHANNEL) == SpoilerRules(Mode.HIDE, 2, "server rule")
    await store.change_channel_rule(GUILD, CHANNEL, {"spoiler_mode": "off"}, MOD)
    assert await policy.rules_for(GUILD, CHANNEL) == SpoilerRules(Mode.OFF, 2, "channel override")
    assert await policy.rules_for(GUILD, OTHER) == SpoilerRules(Mode.HIDE, 2, "server rule")
    assert (await policy.rules_for(GUILD, THREAD, parent_id=CHANNEL)).mode is Mode.OFF
    explained = await policy.explain(GUILD, THREAD, parent_id=CHANNEL)
    assert explained.rule_channel_id == CHANNEL
    assert (explained.mode_origin, explained.horizon_origin) == ("channel override", "server rule")
    assert (explained.server_mode, explained.server_horizon) == (Mode.HIDE, 2)


async def test_private_replies_use_the_members_progress_and_never_show_everything(store: Store) -> None:
    policy = SpoilerPolicy(store)
    await store.change_server_settings(GUILD, {"spoiler_mode": "off"}, MOD)
    assert await policy.rules_for(GUILD, CHANNEL, user_id=5, private=True) == SpoilerRules(Mode.OFF, 0, "server rule")
    await store.set_member_progress(5, 4)
    assert await policy.rules_for(GUILD, CHANNEL, user_id=5, private=True) == SpoilerRules(Mode.MASK, 4,
                                                                                           "your progress")
    assert (await policy.rules_for(GUILD, CHANNEL, user_id=5)).mode is Mode.OFF  # public: progress ignored
    await store.change_server_settings(GUILD, {"spoiler_mode": "hide"}, MOD)
    assert (await policy.rules_for(GUILD, CHANNEL, user_id=5, private=True)).mode is Mode.HIDE
    await store.set_member_progress(5, None)
    assert (await policy.rules_for(GUILD, CHANNEL, user_id=5, private=True)).origin == "server rule"


@pytest.mark.parametrize(("mode", "horizon", "episode", "treatment"), [
    (Mode.MASK, 0, None, Treatment.PLAIN), (Mode.MASK, 3, 3, Treatment.PLAIN), (Mode.MASK, 3, 4, Treatment.MASK),
    (Mode.HIDE, 3, 4, Treatment.HIDE), (Mode.OFF, 0, 8, Treatment.PLAIN), (Mode.HIDE, 8, 8, Treatment.PLAIN),
])
def test_treatment(mode: Mode, horizon: int, episode: int | None, treatment: Treatment) -> None:
    rules = SpoilerRules(mode, horizon)
    assert rules.treatment(episode) is treatment
    assert rules.allows(episode) is (treatment is Treatment.PLAIN)
    rendered = rules.render("Black Wings", episode)
    expected = {Treatment.PLAIN: "Black Wings", Treatment.MASK: "||Black Wings||",
                Treatment.HIDE: withheld_note(episode)}[treatment]
    assert rendered == expected


def test_render_keeps_every_treatment_within_the_limit() -> None:
    long = "A spoiler sentence. " * 100
    for mode in Mode:
        rendered = SpoilerRules(mode, 0).render(long, 5, 50)
        assert len(rendered) <= 50
    assert SpoilerRules(Mode.HIDE, 0).render("x", 5, 10).endswith("…")
    masked = SpoilerRules(Mode.MASK, 0).render(long, 5, 60)
    assert long.startswith(unmask(masked).removesuffix("…"))


async def test_each_change_is_logged_with_old_and_new_values(store: Store) -> None:
    changes = await store.change_server_settings(GUILD, {"spoiler_mode": "hide", "horizon": 3}, MOD)
    assert changes == [Change("spoiler_mode", None, "hide"), Change("horizon", None, 3)]
    assert await store.change_server_settings(GUILD, {"spoiler_mode": "hide"}, MOD) == []  # no-op: no entry
    await store.change_server_settings(GUILD, {"spoiler_mode": "off"}, Actor(7, "other mod"))
    entries = await store.audit_entries(GUILD)
    assert [(e.user_name, e.scope, e.setting, e.old_value, e.new_value) for e in entries] == [
        ("other mod", "server", "spoiler_mode", "hide", "off"),
        ("mod", "server", "horizon", None, "3"),
        ("mod", "server", "spoiler_mode", None, "hide"),
    ]
    assert await store.audit_count(GUILD) == 3
    assert await store.audit_count(GUILD + 1) == 0


async def test_a_change_that_fails_logs_nothing(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await store.change_server_settings(GUILD, {"spoiler_mode": "hide", "horizon": -1}, MOD)
    assert await store.audit_count(GUILD) == 0
    assert await store.guild_settings(GUILD) is None  # the whole transaction was rolled back
    with pytest.raises(ValueError):
        await store.change_server_settings(GUILD, {"guild_id; DROP TABLE audit_log": 1}, MOD)


async def test_channel_override_set_partly_and_reset(store: Store) -> None:
    await store.change_channel_rule(GUILD, CHANNEL, {"spoiler_mode": "off", "horizon": 2}, MOD)
    await store.change_channel_rule(GUILD, CHANNEL, {"spoiler_mode": None}, MOD)
    assert await store.channel_rule(GUILD, CHANNEL) == {"spoiler_mode": None, "horizon": 2}
    changes = await store.reset_channel_rule(GUILD, CHANNEL, MOD)
    assert changes == [Change("horizon", 2, None)]
    assert await store.channel_rule(GUILD, CHANNEL) is None
    assert await store.reset_channel_rule(GUILD, CHANNEL, MOD) == []
    scopes = {e.scope for e in await store.audit_entries(GUILD, limit=50)}
    assert scopes == {channel_scope(CHANNEL)}


async def test_rules_and_audit_log_survive_a_reopen_and_a_reseed(tmp_path: Path) -> None:
    path = tmp_path / "persist.db"
    first = await Store.open(path)
    assert (await seed(first, REAL_PACK)).ok
    await first.change_server_settings(GUILD, {"spoiler_mode": "hide", "horizon": 5, "guard_enabled": 1}, MOD)
    await first.change_channel_rule(GUILD, CHANNEL, {"spoiler_mode": "off"}, MOD)
    await first.set_member_progress(5, 6)
    await first.close()
    second = await Store.open(path)
    try:
        assert (await seed(second, REAL_PACK)).ok
        assert await SpoilerPolicy(second).rules_for(GUILD, CHANNEL) == SpoilerRules(Mode.OFF, 5, "channel override")
        assert await second.guard_settings(GUILD) == (True, "warn")
        assert await second.member_progress(5) == 6
        assert await second.audit_count(GUILD) == 4
    finally:
        await second.close()
