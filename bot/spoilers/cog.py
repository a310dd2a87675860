"""/spoilers (moderators set the server's rules), /progress (members record how far they've watched),
and the *Mark as spoiler* message menu.

Discord glue only: the rules are `bot.spoilers.SpoilerPolicy`, the storage and audit log
`bot.store.rules`, the messages `bot.spoilers.render`.

The moderator commands carry `default_member_permissions` = Manage Server, so Discord shows them to
moderators only; because a server's admins can hand commands to anyone (Server Settings >
Integrations), each one also checks at run time (Manage Server, or the server's moderator role).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.checks import NotAllowed, moderator_only
from bot.common.interaction import channel_ids, spoiler_rules
from bot.common.options import EpisodeOrZero
from bot.errors import UserError
from bot.spoilers.guard import GuardAction
from bot.spoilers.render import (
    AUDIT_PAGE_SIZE,
    GuardStatus,
    audit_embed,
    audit_value,
    change_text,
    channel_mention,
    progress_text,
    rules_embed,
)
from bot.spoilers.repost import cannot_repost, repost_masked
from bot.store.rules import SERVER_SCOPE, Actor, Change, channel_scope

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot

MODERATORS = discord.Permissions(manage_guild=True)
GUARD_UNAVAILABLE = ("The spoiler guard isn't available on this bot: its operator has to turn it on first "
                     "(GOLDENHOUR_SPOILER_GUARD=on, which needs Discord's Message Content intent).")


def _documented_permissions(payload: dict[str, Any]) -> dict[str, Any]:
    """Discord documents `default_member_permissions` as a string of digits; discord.py sends an int."""
    if payload.get("default_member_permissions") is not None:
        payload["default_member_permissions"] = str(payload["default_member_permissions"])
    return payload


class ModeratorGroup(app_commands.Group):
    def to_dict(self, tree: app_commands.CommandTree[Any]) -> dict[str, Any]:
        return _documented_permissions(super().to_dict(tree))


class ModeratorMenu(app_commands.ContextMenu):
    def to_dict(self, tree: app_commands.CommandTree[Any]) -> dict[str, Any]:
        payload = _documented_permissions(super().to_dict(tree))
        payload.setdefault("description", "")  # documented as "" for message commands; Discord echoes it
        return payload


def _actor(interaction: discord.Interaction[Any]) -> Actor:
    return Actor(interaction.user.id, interaction.user.name)


def _rendered(changes: list[Change], scope: str) -> list[tuple[str, str, str]]:
    return [(c.setting, audit_value(c.setting, _text(c.old), scope), audit_value(c.setting, _text(c.new), scope))
            for c in changes]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _rule_channel(interaction: discord.Interaction[Any]) -> int:
    """The channel whose rules a command here changes: this one, or a thread's parent."""
    channel_id, parent_id = channel_ids(interaction.channel)
    if channel_id is None:
        raise UserError("Run this in the channel whose rules you want to change.")
    return parent_id or channel_id


class SpoilerCommands(commands.Cog):
    spoilers = ModeratorGroup(name="spoilers", description="The server's spoiler rules (moderators)",
                               default_permissions=MODERATORS, guild_only=True)
    progress = app_commands.Group(name="progress", description="How far you've watched, for replies only you see")

    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot
        menu = ModeratorMenu(name="Mark as spoiler", callback=self.mark_as_spoiler)
        menu.default_permissions = MODERATORS
        self.mark_menu = moderator_only()(app_commands.guild_only()(menu))

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.mark_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.mark_menu.name, type=self.mark_menu.type)

    # -- /spoilers ------------------------------------------------------------------------------------

    @spoilers.command(name="show", description="The spoiler rules in effect here, and where they come from")
    @moderator_only()
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        store = self.bot.store
        channel_id, parent_id = channel_ids(interaction.channel)
        explained = await self.bot.spoilers.explain(interaction.guild_id, channel_id, parent_id=parent_id)
        enabled, action = await store.guard_settings(interaction.guild_id)
        guard = GuardStatus(self.bot.settings.spoiler_guard, enabled, GuardAction(action),
                            interaction.app_permissions.manage_messages)
        card = rules_embed(explained, channel_id=channel_id, thread_parent_id=parent_id,
                           moderator_role_id=await store.moderator_role(interaction.guild_id), guard=guard,
                           overrides=await store.channel_rules(interaction.guild_id),
                           episode_count=await store.episode_count())
        await interaction.response.send_message(embed=card, ephemeral=True)

    @spoilers.command(name="mode", description="Set the server's spoiler mode")
    @app_commands.describe(mode="mask: spoiler tags; hide: withheld with a note; off: show everything")
    @moderator_only()
    async def mode(self, interaction: discord.Interaction, mode: Literal["mask", "hide", "off"]) -> None:
        await self._change_server(interaction, {"spoiler_mode": mode})

    @spoilers.command(name="horizon", description="Set the episodes everyone here is assumed to have seen")
    @app_commands.describe(episode="The last episode that isn't a spoiler (0: every episode is one)")
    @moderator_only()
    async def horizon(self, interaction: discord.Interaction, episode: EpisodeOrZero) -> None:
        await self._change_server(interaction, {"horizon": episode})

    @spoilers.command(name="channel", description="Give this channel (and its threads) its own rules")
    @app_commands.describe(mode="This channel's mode; `server` follows the server again",
                           horizon="This channel's horizon (0: every episode is a spoiler)")
    @moderator_only()
    async def channel(self, interaction: discord.Interaction,
                      mode: Literal["mask", "hide", "off", "server"] | None = None,
                      horizon: EpisodeOrZero | None = None) -> None:
        if mode is None and horizon is None:
            raise UserError("Give this channel a mode, a horizon, or both (`/spoilers reset` removes its override).")
        assert interaction.guild_id is not None
        rule_channel = _rule_channel(interaction)
        values: dict[str, Any] = {}
        if mode is not None:
            values["spoiler_mode"] = None if mode == "server" else mode
        if horizon is not None:
            values["horizon"] = horizon
        changes = await self.bot.store.change_channel_rule(interaction.guild_id, rule_channel, values,
                                                           _actor(interaction))
        await self._confirm(interaction, changes, channel_scope(rule_channel), channel_mention(rule_channel))

    @spoilers.command(name="reset", description="Remove this channel's own rules: it follows the server again")
    @moderator_only()
    async def reset(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        rule_channel = _rule_channel(interaction)
        changes = await self.bot.store.reset_channel_rule(interaction.guild_id, rule_channel, _actor(interaction))
        if not changes:
            raise UserError(f"Nothing to reset: {channel_mention(rule_channel)} has no override; "
                            "it already follows the server's rules.")
        await self._confirm(interaction, changes, channel_scope(rule_channel), channel_mention(rule_channel))

    @spoilers.command(name="modrole", description="Name the role whose members may change spoiler rules")
    @app_commands.describe(role="The moderator role; leave empty to have none (Manage Server only)")
    @moderator_only()
    async def modrole(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        # Handing out the right to change rules is for Manage Server only, not for the role itself.
        if not interaction.permissions.manage_guild:
            raise NotAllowed("Only members with Manage Server can name the moderator role.")
        if role is not None and role.id == interaction.guild_id:
            raise UserError("@everyone can't be the moderator role: pick a role that only moderators have.")
        await self._change_server(interaction, {"moderator_role_id": role.id if role else None})

    @spoilers.command(name="guard", description="Turn the spoiler guard on or off, and choose what it does")
    @app_commands.describe(state="Watch members' messages for spoilers named outside spoiler tags",
                           action="warn: reply with a warning; repost: replace the message with a masked copy")
    @moderator_only()
    async def guard(self, interaction: discord.Interaction, state: Literal["on", "off"],
                    action: Literal["warn", "repost"] | None = None) -> None:
        if state == "on" and not self.bot.settings.spoiler_guard:
            raise UserError(GUARD_UNAVAILABLE)
        values: dict[str, Any] = {"guard_enabled": int(state == "on")}
        if action is not None:
            values["guard_action"] = action
        note = None
        if state == "on" and not interaction.app_permissions.manage_messages and (
                action == "repost" or (action is None and (await self._guard_action(interaction)) == "repost")):
            note = "⚠️ I lack Manage Messages here, so in this channel I can only warn."
        await self._change_server(interaction, values, note=note)

    @spoilers.command(name="audit", description="Who changed the spoiler rules, when, and from what to what")
    @app_commands.describe(page="Page of the log, newest first")
    @moderator_only()
    async def audit(self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 10_000] = 1) -> None:
        assert interaction.guild_id is not None
        store = self.bot.store
        total = await store.audit_count(interaction.guild_id)
        pages = max(1, math.ceil(total / AUDIT_PAGE_SIZE))
        entries = await store.audit_entries(interaction.guild_id, limit=AUDIT_PAGE_SIZE,
                                            offset=(page - 1) * AUDIT_PAGE_SIZE)
        await interaction.response.send_message(embed=audit_embed(entries, page=page, pages=pages, total=total),
                                                ephemeral=True)

    async def _guard_action(self, interaction: discord.Interaction) -> str:
        assert interaction.guild_id is not None
        return (await self.bot.store.guard_settings(interaction.guild_id))[1]

    async def _change_server(self, interaction: discord.Interaction, values: dict[str, Any], *,
                             note: str | None = None) -> None:
        assert interaction.guild_id is not None
        changes = await self.bot.store.change_server_settings(interaction.guild_id, values, _actor(interaction))
        await self._confirm(interaction, changes, SERVER_SCOPE, "Server", note=note)

    async def _confirm(self, interaction: discord.Interaction, changes: list[Change], scope: str, where: str, *,
                       note: str | None = None) -> None:
        text = change_text(_rendered(changes, scope), where)
        if note:
            text += f"\n{note}"
        await interaction.response.send_message(text, ephemeral=True)

    # -- /progress ------------------------------------------------------------------------------------

    @progress.command(name="set", description="Record the last episode you've watched")
    @app_commands.describe(episode="The last episode you've seen (0: none yet)")
    async def progress_set(self, interaction: discord.Interaction, episode: EpisodeOrZero) -> None:
        await self.bot.store.set_member_progress(interaction.user.id, episode)
        await self._progress_reply(interaction, "Saved. ")

    @progress.command(name="show", description="How far you've watched, and the spoiler rules here")
    async def progress_show(self, interaction: discord.Interaction) -> None:
        await self._progress_reply(interaction)

    @progress.command(name="clear", description="Forget how far you've watched")
    async def progress_clear(self, interaction: discord.Interaction) -> None:
        await self.bot.store.set_member_progress(interaction.user.id, None)
        await self._progress_reply(interaction, "Forgotten. ")

    async def _progress_reply(self, interaction: discord.Interaction, prefix: str = "") -> None:
        store = self.bot.store
        text = progress_text(await store.member_progress(interaction.user.id), await store.episode_count(),
                             await spoiler_rules(interaction))
        await interaction.response.send_message(prefix + text, ephemeral=True)

    # -- Mark as spoiler ------------------------------------------------------------------------------

    async def mark_as_spoiler(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Replace any message with a masked copy under its author's name (the guard need not be on)."""
        reason = cannot_repost(message)
        if reason:
            raise UserError(f"I can't repost that message without losing something. {reason}")
        me = self.bot.user
        if (me is None or message.author.id != me.id) and not interaction.app_permissions.manage_messages:
            raise UserError("I need the Manage Messages permission in this channel to replace a member's message.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        if await repost_masked(message, "marked as a spoiler by a moderator"):
            await interaction.followup.send("Done: the message is reposted masked, and the original removed.",
                                            ephemeral=True)
        else:
            await interaction.followup.send("I couldn't repost it, so I left the message as it was.", ephemeral=True)


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(SpoilerCommands(bot))
