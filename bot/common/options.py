"""App-command option types that several cogs share.

`EpisodeOption` is the episode-number option of /recap, /spoilers horizon and /progress: the valid range
comes from the data pack, so it is checked when the command runs, not fixed when commands are synced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot import limits
from bot.common.embeds import truncate
from bot.errors import UserError

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


class EpisodeOption(app_commands.Transformer):
    """An episode number, 1..episode count (or 0..count where 0 means "nothing watched yet")."""

    def __init__(self, *, allow_zero: bool = False) -> None:
        self.lowest = 0 if allow_zero else 1

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return self.lowest

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> int:
        count = await _episode_count(interaction)
        valid = f"{self.lowest} to {count}"
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(str(value).strip()) if not isinstance(value, int | float) else int(value)
        except ValueError:
            raise UserError(f"An episode is a number from {valid}.") from None
        if not self.lowest <= number <= count:
            raise UserError(f"There is no episode {number}: choose a number from {valid}.")
        return number

    async def autocomplete(self, interaction: discord.Interaction[Any],  # type: ignore[override]
                           value: int | float | str, /) -> list[app_commands.Choice[int]]:
        bot: GoldenHourBot = interaction.client  # type: ignore[assignment]
        typed = str(value).strip()
        choices = [app_commands.Choice(name="0 — nothing watched yet", value=0)] if self.lowest == 0 else []
        for episode in await bot.store.episodes():
            name = f"Episode {episode.number}" + (f" — {episode.title}" if episode.title else "")
            if not episode.covered:
                name += " (no recap in the sources)"
            choices.append(app_commands.Choice(name=truncate(name, limits.CHOICE_NAME), value=episode.number))
        return [c for c in choices if str(c.value).startswith(typed)][: limits.CHOICES]


async def _episode_count(interaction: discord.Interaction[Any]) -> int:
    bot: GoldenHourBot = interaction.client  # type: ignore[assignment]
    count = await bot.store.episode_count()
    if count < 1:
        raise UserError("No episodes are loaded yet; the bot's operator has to seed the data first.")
    return count


Episode = app_commands.Transform[int, EpisodeOption()]
EpisodeOrZero = app_commands.Transform[int, EpisodeOption(allow_zero=True)]
