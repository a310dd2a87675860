"""/mydata: a member sees or erases what the bot stores about them, and chooses leaderboard visibility."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.mydata.render import (
    CANCELLED,
    CONFIRM_SECONDS,
    MYDATA_COG,
    NOT_YOURS,
    STALE_CONFIRMATION,
    delete_prompt,
    deleted_message,
    member_data_embed,
)

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


@dataclass(frozen=True)
class PendingDelete:
    owner_id: int
    expires_at: float


class MyData(commands.GroupCog, name=MYDATA_COG, group_name="mydata",
             group_description="See or delete what this bot stores about you"):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot
        self.pending: dict[str, PendingDelete] = {}  # open /mydata delete prompts, by nonce
        self.clock: Callable[[], float] = time.monotonic  # tests move time instead of waiting

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ConfirmButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ConfirmButton)

    @app_commands.command(name="show", description="Everything this bot stores about you (private reply)")
    async def show(self, interaction: discord.Interaction) -> None:
        data = await self.bot.store.member_data(interaction.user.id)
        await interaction.response.send_message(embed=member_data_embed(data, guild_id=interaction.guild_id),
                                                ephemeral=True)

    @app_commands.command(name="delete", description="Delete everything this bot stores about you")
    async def delete(self, interaction: discord.Interaction) -> None:
        now = self.clock()
        self.pending = {n: p for n, p in self.pending.items() if p.expires_at > now}
        nonce = secrets.token_hex(8)
        self.pending[nonce] = PendingDelete(interaction.user.id, now + CONFIRM_SECONDS)
        await interaction.response.send_message(delete_prompt(), view=confirm_view(nonce), ephemeral=True)

    async def answer(self, interaction: discord.Interaction[Any], action: str, nonce: str) -> None:
        """A click on a prompt's button. The prompt is claimed (popped) before any await, so of two
        clicks at once only one deletes; the other, like any click on an expired prompt or one from
        before a restart, is told that nothing more was done."""
        prompt = self.pending.get(nonce)
        if prompt is not None and prompt.owner_id != interaction.user.id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        self.pending.pop(nonce, None)
        if prompt is None or prompt.expires_at <= self.clock():
            await interaction.response.send_message(STALE_CONFIRMATION, ephemeral=True)
            return
        if action == "cancel":
            await interaction.response.edit_message(content=CANCELLED, embed=None, view=None)
            return
        for forget in self.bot.member_forgetters:  # first, so a game closing meanwhile can't store them again
            forget(prompt.owner_id)
        counts = await self.bot.store.delete_member_data(prompt.owner_id)
        await interaction.response.edit_message(content=deleted_message(counts), embed=None, view=None)

    @app_commands.command(name="leaderboard", description="Show or hide your name on trivia leaderboards")
    @app_commands.describe(listed="True: appear on leaderboards; False: stay off them (in every server)")
    async def leaderboard(self, interaction: discord.Interaction, listed: bool) -> None:
        await self.bot.store.set_leaderboard_optout(interaction.user.id, not listed, discord.utils.utcnow())
        message = ("You appear on trivia leaderboards again." if listed else
                   "You're off trivia leaderboards in every server; your scores still count, and others "
                   "can't look up your stats.")
        await interaction.response.send_message(message, ephemeral=True)


class ConfirmButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=re.compile(r"gh:mydata:(?P<action>delete|cancel):(?P<nonce>[0-9a-f]{8,32})")):
    """"Delete my data" or "Cancel" on one /mydata delete prompt.

    A DynamicItem rather than a View: discord.py routes every click with a matching custom_id here,
    so a prompt from before a restart, one left open too long, or a second click on the same prompt
    gets a clear answer instead of "This interaction failed". The cog decides (see `MyData.answer`).
    """

    def __init__(self, action: str, nonce: str) -> None:
        delete = action == "delete"
        super().__init__(discord.ui.Button(
            label="Delete my data" if delete else "Cancel",
            style=discord.ButtonStyle.danger if delete else discord.ButtonStyle.secondary,
            custom_id=f"gh:mydata:{action}:{nonce}"))
        self.action, self.nonce = action, nonce

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ConfirmButton:
        return cls(match["action"], match["nonce"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog = interaction.client.get_cog(MYDATA_COG) if hasattr(interaction.client, "get_cog") else None
        if not isinstance(cog, MyData):
            await interaction.response.send_message(STALE_CONFIRMATION, ephemeral=True)
            return
        await cog.answer(interaction, self.action, self.nonce)


def confirm_view(nonce: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmButton("delete", nonce))
    view.add_item(ConfirmButton("cancel", nonce))
    return view


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(MyData(bot))
