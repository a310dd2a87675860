"""/about: proves the wiring from Discord through the store to the renderer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.about.render import about_embed

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


class About(commands.Cog):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What this bot is, which show and sources it serves")
    async def about(self, interaction: discord.Interaction) -> None:
        store = self.bot.store
        card = about_embed(await store.pack_info(), await store.sources(), await store.content_counts(),
                           self.bot.version)
        await interaction.response.send_message(embed=card, ephemeral=True)


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(About(bot))
