"""What only the tests do with the simulated Discord (bot/simulator): members clicking at the same
instant, a message's context menu, more members, a thread, a second server, and the bot's role changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.simulator import wire
from bot.simulator.fake_discord import Client, Exchange, Message, Recorded
from bot.simulator.models import Channel, Guild, User, now, snowflake
from bot.simulator.session import SimulatedServer


async def press_all(sim: Client, message: Message, clicks: list[tuple[str, str | int]]) -> dict[str, list[Recorded]]:
    """Many members click at the same instant: every INTERACTION_CREATE is sent before the bot answers
    any, so its handlers really interleave. `clicks` is (user, button) pairs, buttons as in `sim.press`;
    returns each user's requests (their interaction callbacks and follow-ups), in order."""
    exchanges = await sim.discord.send_interactions(*(sim.click(message, button, user) for user, button in clicks))
    users = {exchange.interaction["token"]: user for exchange, (user, _) in zip(exchanges, clicks, strict=True)}
    by_user: dict[str, list[Recorded]] = {user: [] for user, _ in clicks}
    for request in exchanges[0].requests:  # each exchange holds every request since the clicks
        if request.token in users:
            by_user[users[request.token]].append(request)
    return by_user


async def message_command(sim: Client, name: str, target: Message, *, user: str = "moderator") -> Exchange:
    """Apps > `name` on a message (a registered message context-menu command)."""
    command = sim.command_by_name(name, wire.MESSAGE_COMMAND)
    data = {"id": command["id"], "name": name, "type": wire.MESSAGE_COMMAND, "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): target.payload()}}, **({"guild_id": command["guild_id"]}
                                                                          if "guild_id" in command else {})}
    channel = sim.discord.channel_by_id(target.channel_id)
    assert channel is not None
    return await sim.send(sim.interaction(wire.APPLICATION_COMMAND, user, channel, data))


def add_user(sim: SimulatedServer, name: str) -> User:
    """A new member, with @everyone's permissions."""
    user = sim.users[name] = User(snowflake(), name)
    return user


@dataclass
class Thread(Channel):
    """A public thread of the channel `parent_id`, started by the bot."""

    parent_id: int = 0

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "type": wire.PUBLIC_THREAD, "parent_id": str(self.parent_id),
                "owner_id": str(wire.BOT_USER_ID), "message_count": 0, "member_count": 1,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": now(),
                                    "locked": False}}


def add_thread(sim: SimulatedServer, name: str, parent: str) -> Thread:
    """A new thread of the channel `parent`; the bot hears of it before the next event."""
    thread = Thread(snowflake(), name, sim.guild_id, sim.channels[parent].id)
    sim.channels[name] = thread
    sim.discord.queue_event("THREAD_CREATE", {**thread.payload(), "newly_created": True})
    return thread


def add_guild(sim: SimulatedServer) -> SimulatedServer:
    """A second server with the same bot in it, with its own #general and #spoilers; the bot receives
    GUILD_CREATE before the next event. Members are the same Discord users; messages, requests and the
    bot are shared, as on Discord."""
    fake = sim.discord
    guild = Guild(snowflake(), "Another Server", fake.users["moderator"].id, snowflake(), bot_role_id=snowflake())
    guild.channels = {name: Channel(snowflake(), name, guild.id) for name in ("general", "spoilers")}
    fake.guilds[guild.id] = guild
    fake.queue_event("GUILD_CREATE", guild.payload(len(fake.users)))
    return SimulatedServer(fake, sim.bot, guild, sim.session, None)


def set_bot_permissions(sim: SimulatedServer, permissions: int | discord.Permissions) -> None:
    """What the bot's role allows in `sim`'s server (by default what its invite asks for): the bot's
    guild cache hears of it (GUILD_ROLE_UPDATE) before the next event, and interactions carry it as
    `app_permissions`."""
    guild = sim.fake_guild
    guild.bot_permissions = permissions.value if isinstance(permissions, discord.Permissions) else permissions
    role = next(r for r in guild.roles() if r["id"] == str(guild.bot_role_id))
    sim.discord.queue_event("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role})
