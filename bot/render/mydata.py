"""/mydata: what the bot stores about a member, and the confirmation before erasing it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.render.common import add_field, embed

CONFIRM_TIMEOUT = 120.0


def member_data_embed(data: dict[str, Any], *, guild_id: int | None) -> discord.Embed:
    """Everything stored about the member. Other servers' scores are summed, never named or itemised."""
    card = embed("What Golden Hour stores about you")
    progress = data["progress"]
    add_field(card, "Watch progress",
              f"Episode {progress['episode']} (set {progress['updated_at']})" if progress else "Not recorded.")
    add_field(card, "Leaderboards",
              f"Hidden since {data['optout_at']}." if data["optout_at"] else "Listed (when you have scores).")
    here = next((s for s in data["scores"] if s["guild_id"] == guild_id), None)
    if here:
        add_field(card, "Trivia in this server",
                  f"{here['answered']} answered · {here['correct']} right · {here['points']} points · "
                  f"best streak {here['best_streak']}")
    else:
        add_field(card, "Trivia in this server", "Nothing yet.")
    others = [s for s in data["scores"] if s["guild_id"] != guild_id]
    if others:
        add_field(card, "Trivia in other servers",
                  f"{len(others)} server{'s' if len(others) != 1 else ''}: "
                  f"{sum(s['answered'] for s in others)} answered · {sum(s['points'] for s in others)} points")
    add_field(card, "Records", f"{data['answers']} stored answers · {data['games_started']} games started by you")
    if data["moderation_entries"]:
        add_field(card, "Moderation log",
                  f"{data['moderation_entries']} spoiler-rule changes you made as a moderator. These stay in "
                  "the server's log (they are the server's record) and are not deleted with your data.")
    card.set_footer(text="/mydata delete erases your scores, answers, progress and leaderboard choice.")
    return card


def delete_prompt() -> str:
    return ("Delete **everything** Golden Hour stores about you, in every server: trivia scores, stats and "
            "answers, your watch progress, and your leaderboard choice? This can't be undone. "
            "Games you started stay, without your name.")


def deleted_message(counts: dict[str, int]) -> str:
    return (f"Done. Deleted {counts.get('answers', 0)} answers, {counts.get('scores', 0)} server score records"
            f"{', your watch progress' if counts.get('progress') else ''}"
            f"{', your leaderboard choice' if counts.get('optout') else ''}.")


class ConfirmDelete(discord.ui.View):
    """Delete / Cancel, pressable only by the member who asked."""

    def __init__(self, owner_id: int, on_confirm: Callable[[], Awaitable[dict[str, int]]]) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.owner_id = owner_id
        self.on_confirm = on_confirm
        self.done = False

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("Only the member who asked can confirm this.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        if self.done:
            await interaction.response.send_message("Already handled.", ephemeral=True)
            return
        self.done = True
        self.stop()
        counts = await self.on_confirm()
        await interaction.response.edit_message(content=deleted_message(counts), embed=None, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        self.done = True
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", embed=None, view=None)
