"""The runtime's error handling and discord.ui view binding, over real HTTP and the real gateway.

Test-only commands are added to the dev guild and re-synced, as a developer would: the fake Discord
only lets a member invoke what was registered.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserError
from bot.runtime import APOLOGY
from bot.simulator.fake_discord import GUILD_ID
from bot.simulator.session import SimulatedServer

GUILD = discord.Object(GUILD_ID)


async def _register(e2e: SimulatedServer, command: app_commands.Command) -> None:
    e2e.bot.tree.add_command(command, guild=GUILD)
    await e2e.bot.tree.sync(guild=GUILD)


async def test_user_error_reaches_the_member_ephemerally(e2e: SimulatedServer) -> None:
    @app_commands.command(name="explode", description="test only")
    async def explode(interaction: discord.Interaction) -> None:
        raise UserError("Episode must be between 1 and 8.")

    await _register(e2e, explode)
    reply = await e2e.discord.command("/explode")
    assert reply.callback.body["type"] == 4
    assert reply.message.ephemeral and reply.message.content == "Episode must be between 1 and 8."
    assert reply.problems == []


async def test_bug_is_answered_with_an_apology_not_a_traceback(e2e: SimulatedServer, caplog) -> None:
    @app_commands.command(name="explode", description="test only")
    async def explode(interaction: discord.Interaction) -> None:
        raise RuntimeError("database on fire")

    await _register(e2e, explode)
    reply = await e2e.discord.command("/explode")
    assert reply.message.ephemeral and reply.message.content == APOLOGY
    assert any("Unhandled error in /explode" in r.message and r.exc_info for r in caplog.records)


async def test_error_after_defer_goes_out_as_an_ephemeral_followup(e2e: SimulatedServer) -> None:
    @app_commands.command(name="slow", description="test only")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        raise UserError("Nothing matches.")

    await _register(e2e, slow)
    reply = await e2e.discord.command("/slow")
    assert reply.callback.body["type"] == 5
    followups = [r for r in reply.requests if r.method == "POST" and r.path.startswith("/webhooks/")]
    assert len(followups) == 1 and followups[0].status == 200
    assert followups[0].query.get("wait") in ("true", "1")
    assert followups[0].body["content"] == "Nothing matches." and followups[0].body["flags"] & 64


class _Counter(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.count = 0

    @discord.ui.button(label="Add one", custom_id="e2e:add")
    async def add(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"Count: {self.count}", view=self)


async def test_view_binds_to_the_message_id_from_the_callback_response(e2e: SimulatedServer) -> None:
    """discord.py stores a view under the message id Discord returns with ?with_response; a click
    arrives as a component INTERACTION_CREATE carrying that message, and must reach the view."""

    @app_commands.command(name="counter", description="test only")
    async def counter(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Count: 0", view=_Counter())

    await _register(e2e, counter)
    reply = await e2e.discord.command("/counter")
    message = reply.message
    assert message.buttons()[0]["custom_id"] == "e2e:add"
    for expected in (1, 2):
        click = await e2e.discord.press(message, "Add one")
        assert click.callback.body["type"] == 7  # update the clicked message in place
        assert click.message is message and message.content == f"Count: {expected}"
