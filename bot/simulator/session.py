"""The real bot logged in to the fake Discord on loopback, as `goldenhour run` would, seen from a server.

discord.py reads Discord's addresses from public class attributes (`discord.http.Route.BASE`,
`DiscordWebSocket.DEFAULT_GATEWAY`), so every bot in a process talks to the same fake: one started while
another runs (a restart, a second process on one database) finds the same Discord and takes the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord  # its http and gateway modules come with it
import yarl

from bot.simulator.fake_discord import CONNECTION_TASK, Client, FakeDiscord, OptionCheck
from bot.simulator.models import Channel, Guild
from bot.simulator.server import RequestCheck, Session
from bot.simulator.wire import TOKEN

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot

_DISCORD = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY  # discord.py's own
_shared: FakeDiscord | None = None  # the fake Discord this process's discord.py talks to
_bots = 0  # how many bots use it


async def _fake_discord(checks: Iterable[RequestCheck], option_checks: Iterable[OptionCheck]) -> FakeDiscord:
    """The running fake Discord of this event loop, or a new one with discord.py pointed at it."""
    global _shared, _bots
    if _shared is None or _shared.loop is not asyncio.get_running_loop() or not _shared.running:
        _shared, _bots = await FakeDiscord(checks, option_checks).start(), 0
        discord.http.Route.BASE = _shared.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(_shared.gateway_url)
    _bots += 1
    return _shared


async def _release(fake: FakeDiscord) -> None:
    global _shared, _bots
    if fake is _shared:
        _bots -= 1
        if _bots == 0:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _DISCORD
            _shared = None
            await fake.close()


class SimulatedServer(Client):
    """One server of the fake Discord with the real bot in it, and a member's client there."""

    def __init__(self, fake: FakeDiscord, bot: GoldenHourBot, fake_guild: Guild, session: Session,
                 connection: asyncio.Task[None] | None) -> None:
        self.discord, self.bot, self.session, self.users, self.messages = fake, bot, session, fake.users, fake.messages
        self.fake_guild = fake_guild  # what the fake Discord holds of this server; `guild` is the bot's view
        self.channels, self.guild_id = fake_guild.channels, fake_guild.id
        self._gateway_task = connection  # None: another server of the same bot

    @classmethod
    async def start(cls, bot: GoldenHourBot, *, checks: Iterable[RequestCheck] = (),
                    option_checks: Iterable[OptionCheck] = ()) -> SimulatedServer:
        """Log `bot` in and wait for READY, with its commands registered unless it syncs them itself. A new
        fake Discord gets the checks; a bot started while one runs finds the running one."""
        fake = await _fake_discord(checks, option_checks)
        connection: asyncio.Task[None] | None = None
        try:
            await bot.login(TOKEN)
            if not bot.sync_on_start:
                fake.register([command.to_dict(bot.tree) for command in bot.tree.get_commands()])
            identified = len(fake.sessions)
            connection = asyncio.create_task(bot.connect(reconnect=False), name=CONNECTION_TASK)
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({ready, connection}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
            if not ready.done():
                ready.cancel()
                if connection.done():
                    connection.result()  # re-raise why the bot could not connect
                raise AssertionError("the bot did not become ready within 10 s")
            await fake.barrier()  # every GUILD_CREATE parsed, whatever guild_ready_timeout is
        except BaseException:
            await bot.close()
            if connection is not None:
                await asyncio.wait({connection}, timeout=5)
            await _release(fake)
            raise
        return cls(fake, bot, fake.guild, fake.sessions[identified], connection)

    async def close(self) -> None:
        """Close the bot (its cogs unload first) and, with the last bot, the fake Discord."""
        if self._gateway_task is not None:
            connection, self._gateway_task = self._gateway_task, None
            await self.bot.close()
            await asyncio.wait_for(connection, 5)
            await _release(self.discord)

    def _live(self) -> FakeDiscord:
        if self.discord.session is not self.session:
            raise AssertionError("another bot has connected to the fake Discord since: events go to it now")
        return self.discord

    @property
    def guild(self) -> discord.Guild:
        """The bot's view of this server (discord.py's cache)."""
        guild = self.bot.get_guild(self.fake_guild.id)
        assert guild is not None, "the bot has not received this server's GUILD_CREATE"
        return guild

    def add_channel(self, name: str) -> Channel:
        """A new text channel; the bot hears of it before the next event."""
        return self.discord.add_channel(self.fake_guild, name)
