"""Reposting a message masked under its author's name: what the guard's `repost` action and the
moderators' *Mark as spoiler* menu both do. Nothing a member wrote is ever lost: the original is deleted
only after every masked copy is out, and the copies are taken back if it can't be.
"""

from __future__ import annotations

import logging

import discord

from bot.spoilers.render import repost_messages

log = logging.getLogger(__name__)


def cannot_repost(message: discord.Message) -> str | None:
    """Why `message` can't be reposted without losing something, or None when it can."""
    if not message.content.strip():
        return "It has no text to repost."
    if message.attachments or message.stickers or message.poll:
        return "It has attachments, stickers or a poll, which a repost would lose."
    return None


async def repost_masked(message: discord.Message, reason: str) -> bool:
    """Post `message` again masked, under its author's name, then delete the original.

    Returns False, with the original untouched, when any part fails: the copies already sent are
    taken back if the original can't be deleted, and the original is never deleted before every
    copy is out.
    """
    sent: list[discord.Message] = []
    channel = message.channel
    try:
        for content in repost_messages(message.author.display_name, message.content, reason):
            sent.append(await channel.send(content, allowed_mentions=discord.AllowedMentions.none()))
    except discord.HTTPException:
        log.warning("Could not repost message %s masked; leaving it as it is", message.id, exc_info=True)
        await _delete_quietly(sent)
        return False
    try:
        await message.delete()
    except discord.NotFound:
        return True  # already gone; the masked copy keeps the text
    except discord.HTTPException:
        log.warning("Reposted message %s masked but could not delete it; taking the copy back", message.id,
                    exc_info=True)
        await _delete_quietly(sent)
        return False
    return True


async def _delete_quietly(messages: list[discord.Message]) -> None:
    for sent in messages:
        try:
            await sent.delete()
        except discord.HTTPException:
            log.warning("Could not delete our own message %s", sent.id, exc_info=True)
