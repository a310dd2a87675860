"""App-command checks that raise `NotAllowed` with the sentence the member should read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.runtime import NotAllowed

__all__ = ["NotAllowed", "is_moderator", "moderator_only"]

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


async def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Manage Server, or the moderator role the server named with /spoilers modrole.

    Checked at run time even though moderator commands also set `default_member_permissions`,
    because server admins can hand those commands to anyone in Server Settings > Integrations.
    """
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    bot: GoldenHourBot = interaction.client  # type: ignore[assignment]
    role_id = await bot.store.moderator_role(interaction.guild_id)
    return role_id is not None and any(role.id == role_id for role in member.roles)


def moderator_only() -> Any:
    """Decorator: the command runs only for moderators; others get an ephemeral refusal."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            raise NotAllowed("This command only works in a server.")
        if not await is_moderator(interaction):
            raise NotAllowed("Only moderators (Manage Server, or the server's moderator role) can do that.")
        return True

    return app_commands.check(predicate)
