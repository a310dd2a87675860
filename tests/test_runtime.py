"""Runtime wiring: settings, intents, every extension loaded, deliberate command sync."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from bot.runtime import EXTENSIONS, TREE_HASH_KEY, make_intents, sync_commands, tree_fingerprint
from bot.settings import ConfigError, Settings
from bot.simulator.session import SimulatedServer
from tests.conftest import make_settings


def test_settings_defaults_and_parsing() -> None:
    settings = Settings.from_env({"GOLDENHOUR_DEV_GUILD_ID": " 123 ", "GOLDENHOUR_SPOILER_GUARD": "on"})
    assert settings.token is None and settings.dev_guild_id == 123 and settings.spoiler_guard
    assert settings.log_level == "INFO" and settings.data_pack.name == "trauma-code"
    with pytest.raises(ConfigError):
        settings.require_token()


def test_minimal_intents_unless_the_guard_is_on(tmp_path: Path) -> None:
    plain = make_intents(make_settings(tmp_path))
    assert plain.guilds and not plain.message_content and not plain.members and not plain.guild_messages
    guarded = make_intents(make_settings(tmp_path, spoiler_guard=True))
    assert guarded.message_content and guarded.guild_messages and not guarded.members


async def test_every_extension_loads_and_mentions_are_off(sim: SimulatedServer) -> None:
    assert set(EXTENSIONS) <= set(sim.bot.extensions)
    assert sim.bot.allowed_mentions is not None
    assert sim.bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()


async def test_global_sync_happens_only_when_the_tree_changes(sim: SimulatedServer) -> None:
    puts = lambda: [r for r in sim.discord.requests if r.method == "PUT" and r.path.endswith("/commands")]  # noqa: E731
    assert await sync_commands(sim.bot) == "global"
    assert len(puts()) == 1
    assert await sim.bot.store.get_meta(TREE_HASH_KEY) == tree_fingerprint(sim.bot.tree)
    assert await sync_commands(sim.bot) == "unchanged"
    assert len(puts()) == 1
    assert await sync_commands(sim.bot, force=True) == "global"
    assert len(puts()) == 2
    registered = {c["name"] for c in puts()[-1].body}
    assert "about" in registered


async def test_dev_guild_sync_goes_to_the_guild(seeded_store, tmp_path: Path) -> None:
    from tests.conftest import start_sim

    sim = await start_sim(seeded_store, tmp_path, dev_guild_id=4242)
    try:
        assert await sync_commands(sim.bot) == "guild"
        assert any(r.method == "PUT" and "/guilds/4242/commands" in r.path for r in sim.discord.requests)
    finally:
        await sim.close()
