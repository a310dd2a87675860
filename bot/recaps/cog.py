"""/recap and /episodes: what the documents say happens in each episode, spoiler-tagged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.interaction import spoiler_rules
from bot.common.options import Episode
from bot.errors import UserError
from bot.recaps.render import episodes_embed, recap_embed

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


class Recaps(commands.Cog):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot

    @app_commands.command(name="recap", description="What the sources say happens in an episode (spoiler-tagged)")
    @app_commands.describe(episode="Episode number",
                           private="Only you see the reply, using your own progress (/progress)")
    async def recap(self, interaction: discord.Interaction, episode: Episode, private: bool = False) -> None:
        info = await self.bot.store.episode(episode)
        if info is None:
            raise UserError(f"The data has no episode {episode}.")
        rules = await spoiler_rules(interaction, private=private)
        await interaction.response.send_message(embed=recap_embed(info, rules, private=private), ephemeral=private)

    @app_commands.command(name="episodes", description="Every episode with a one-line summary (spoiler-tagged)")
    @app_commands.describe(private="Only you see the reply, using your own progress (/progress)")
    async def episodes(self, interaction: discord.Interaction, private: bool = False) -> None:
        store = self.bot.store
        rules = await spoiler_rules(interaction, private=private)
        title = (await store.pack_info()).get("title", "the show")
        await interaction.response.send_message(embed=episodes_embed(title, await store.episodes(), rules),
                                                ephemeral=private)


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(Recaps(bot))
