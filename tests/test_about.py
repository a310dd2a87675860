"""/about through the real command tree, and the tree-level error handler."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserError
from bot.runtime import APOLOGY
from bot.simulator.session import SimulatedServer


async def test_about_lists_pack_sources_and_version(sim: SimulatedServer) -> None:
    reply = await sim.command("/about")
    callback = reply.callback.body
    assert callback["type"] == 4
    message = reply.message
    assert message.ephemeral
    text = message.text()
    assert "The Trauma Code: Heroes on Call" in text
    assert "Netflix" in text and "8 episodes" in text
    for source in await sim.bot.store.sources():
        assert str(source["title"]) in text
    assert sim.bot.version in text
    assert callback["data"]["allowed_mentions"] == {"parse": []}


async def _add_failing_command(sim: SimulatedServer, error: Exception) -> None:
    @app_commands.command(name="explode", description="test only")
    async def explode(interaction: discord.Interaction) -> None:
        raise error

    sim.bot.tree.add_command(explode)
    await sim.bot.tree.sync()  # a member's client only offers registered commands


async def test_unexpected_error_is_logged_and_answered_with_apology(sim: SimulatedServer, caplog) -> None:
    await _add_failing_command(sim, RuntimeError("database on fire"))
    reply = await sim.command("/explode")
    assert reply.message.ephemeral
    assert reply.message.content == APOLOGY
    assert "database on fire" not in reply.message.content
    assert any("Unhandled error in /explode" in r.message and r.exc_info for r in caplog.records)


async def test_user_error_is_shown_ephemerally_without_traceback(sim: SimulatedServer, caplog) -> None:
    await _add_failing_command(sim, UserError("Episode must be between 1 and 8."))
    reply = await sim.command("/explode")
    assert reply.message.ephemeral
    assert reply.message.content == "Episode must be between 1 and 8."
    assert not any(r.exc_info for r in caplog.records)


async def test_error_after_defer_uses_followup(sim: SimulatedServer) -> None:
    @app_commands.command(name="slow", description="test only")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        raise UserError("Nothing matches.")

    sim.bot.tree.add_command(slow)
    await sim.bot.tree.sync()
    reply = await sim.command("/slow")
    followups = [r for r in reply.requests if r.method == "POST" and r.path.startswith("/webhooks/")]
    assert followups and followups[0].body["content"] == "Nothing matches."
    assert followups[0].body["flags"] & 64
