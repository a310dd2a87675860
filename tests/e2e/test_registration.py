"""The command registration payload discord.py PUTs to Discord, checked against Discord's rules."""

from __future__ import annotations

import discord

from bot.simulator.fake_discord import GUILD_ID
from bot.simulator.session import SimulatedServer
from tests import discord_rules


def _registration(e2e: SimulatedServer) -> list[dict]:
    puts = [r for r in e2e.discord.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(puts) == 1, "sync with a dev guild registers exactly once, to that guild"
    assert puts[0].path.endswith(f"/guilds/{GUILD_ID}/commands")
    return puts[0].body


async def test_registration_payload_follows_discords_rules(e2e: SimulatedServer) -> None:
    payload = _registration(e2e)
    assert payload, "no commands registered"
    assert discord_rules.check_commands(payload) == []


async def test_every_command_of_every_cog_is_registered(e2e: SimulatedServer) -> None:
    payload = _registration(e2e)
    registered = {(c.get("type", 1), c["name"]) for c in payload}
    tree = e2e.bot.tree
    expected = {(1, c.name) for c in tree.get_commands(type=discord.AppCommandType.chat_input)}
    expected |= {(2, c.name) for c in tree.get_commands(type=discord.AppCommandType.user)}
    expected |= {(3, c.name) for c in tree.get_commands(type=discord.AppCommandType.message)}
    assert registered == expected
    cog_commands = {c.name for cog in e2e.bot.cogs.values() for c in cog.get_app_commands()}
    assert cog_commands <= {name for _, name in registered}


async def test_fake_client_sends_only_registered_commands(e2e: SimulatedServer) -> None:
    """The fake builds interactions from the registration, as Discord does: a command the bot never
    registered can't be invoked, so a cog missing from the sync would fail its e2e test."""
    try:
        await e2e.discord.command("/no-such-command")
    except AssertionError as error:
        assert "never registered" in str(error)
    else:
        raise AssertionError("an unregistered command was sent")
