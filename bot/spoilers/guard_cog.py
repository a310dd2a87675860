"""The optional spoiler guard: watches members' messages for spoilers named in the clear.

It needs the privileged message-content intent, so the operator opts in (GOLDENHOUR_SPOILER_GUARD=on);
without that this extension adds no listener at all. Each server then turns it on with
`/spoilers guard`. The judgement is `bot.spoilers.guard.judge`; this module only acts on it.

Nothing a member wrote is ever lost: a message is deleted only after its masked copy is posted, and a
copy whose original can't be deleted is taken back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.common.interaction import channel_ids
from bot.spoilers.guard import GuardAction, GuardSettings, judge
from bot.spoilers.render import guard_warning
from bot.spoilers.repost import cannot_repost, repost_masked

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot

log = logging.getLogger(__name__)
NO_MANAGE_MESSAGES = ("Moderators: the guard is set to repost, but I lack the Manage Messages permission here, "
                      "so I can only warn.")
HAS_ATTACHMENTS = "Moderators: this message has attachments, which a repost would lose, so I only warned."
REPOST_FAILED = "Moderators: I couldn't repost this message masked, so I only warned."


class SpoilerGuard(commands.Cog):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None or not message.content:
            return
        try:
            await self.check(message)
        except Exception:
            log.exception("The spoiler guard failed on message %s", message.id)

    async def check(self, message: discord.Message) -> None:
        assert message.guild is not None
        store = self.bot.store
        enabled, action = await store.guard_settings(message.guild.id)
        if not enabled:
            return
        channel_id, parent_id = channel_ids(message.channel)
        rules = await self.bot.spoilers.rules_for(message.guild.id, channel_id, parent_id=parent_id)
        verdict = judge(message.content, rules, GuardSettings(enabled, GuardAction(action)),
                        await store.spoiler_keywords())
        if verdict is None:
            return
        note = None
        if verdict.action is GuardAction.REPOST:
            me = message.guild.me
            if cannot_repost(message):
                note = HAS_ATTACHMENTS
            elif not message.channel.permissions_for(me).manage_messages:  # type: ignore[union-attr]
                note = NO_MANAGE_MESSAGES
            elif await repost_masked(message, f"spoiler for episode {verdict.episode}, masked by the spoiler guard"):
                return
            else:
                note = REPOST_FAILED
        try:
            await message.reply(guard_warning(verdict.episode, rules, note), mention_author=False,
                                allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("Could not warn about a spoiler in message %s", message.id, exc_info=True)


async def setup(bot: GoldenHourBot) -> None:
    if bot.settings.spoiler_guard:  # without the operator's opt-in there is nothing to listen with
        await bot.add_cog(SpoilerGuard(bot))
