"""Small pieces of Discord glue every cog needs: where an interaction happens, and its spoiler rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.policy import SpoilerRules

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


def channel_ids(channel: Any) -> tuple[int | None, int | None]:
    """(channel id, parent id when the channel is a thread)."""
    if channel is None:
        return None, None
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    return channel.id, parent_id


async def spoiler_rules(interaction: discord.Interaction[Any], *, private: bool = False) -> SpoilerRules:
    """The rules for a reply to `interaction`: public replies follow the channel, private ones the member."""
    bot: GoldenHourBot = interaction.client  # type: ignore[assignment]
    channel_id, parent_id = channel_ids(interaction.channel)
    return await bot.spoilers.rules_for(
        interaction.guild_id, channel_id, parent_id=parent_id, user_id=interaction.user.id, private=private
    )
