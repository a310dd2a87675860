"""/mydata: a member sees or erases what the bot stores about them, and chooses leaderboard visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.mydata import ConfirmDelete, delete_prompt, member_data_embed
from bot.trivia.views import engine_of

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


class MyData(commands.GroupCog, name="MyData", group_name="mydata",
             group_description="See or delete what this bot stores about you"):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot

    @app_commands.command(name="show", description="Everything this bot stores about you (private reply)")
    async def show(self, interaction: discord.Interaction) -> None:
        data = await self.bot.store.member_data(interaction.user.id)
        await interaction.response.send_message(embed=member_data_embed(data, guild_id=interaction.guild_id),
                                                ephemeral=True)

    @app_commands.command(name="delete", description="Delete everything this bot stores about you")
    async def delete(self, interaction: discord.Interaction) -> None:
        user_id = interaction.user.id

        async def erase() -> dict[str, int]:
            engine = engine_of(self.bot)
            if engine is not None:
                engine.forget(user_id)  # first, so a question closing meanwhile can't store them again
            return await self.bot.store.delete_member_data(user_id)

        await interaction.response.send_message(delete_prompt(), view=ConfirmDelete(user_id, erase), ephemeral=True)

    @app_commands.command(name="leaderboard", description="Show or hide your name on trivia leaderboards")
    @app_commands.describe(listed="True: appear on leaderboards; False: stay off them (in every server)")
    async def leaderboard(self, interaction: discord.Interaction, listed: bool) -> None:
        await self.bot.store.set_leaderboard_optout(interaction.user.id, not listed, discord.utils.utcnow())
        message = ("You appear on trivia leaderboards again." if listed else
                   "You're off trivia leaderboards in every server; your scores still count, and others "
                   "can't look up your stats.")
        await interaction.response.send_message(message, ephemeral=True)


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(MyData(bot))
