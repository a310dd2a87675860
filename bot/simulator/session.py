"""The real bot, logged in to the fake Discord on loopback, seen from one of its servers.

`SimulatedServer.start(bot)` starts a `FakeDiscord` on 127.0.0.1, points discord.py at it (the public
class attributes `discord.http.Route.BASE` and `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`),
and logs the bot in as `goldenhour run` would: login, connect, READY, GUILD_CREATE. Members then use
it through the methods here (slash commands, clicks, messages), each returning the `Exchange` of
requests the bot answered with. The offline console and the tests drive the bot this way.

discord.py reads those two addresses from its classes, so every bot in a process talks to the same
Discord: a second bot started while one is running (a restart, a second process on the same database)
connects to the same fake, its servers, channels, members and messages, and takes over the gateway.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
import discord.gateway
import discord.http
import yarl

from bot.simulator.fake_discord import CONNECTION_TASK, FakeDiscord
from bot.simulator.gateway import Session
from bot.simulator.models import EVERYONE, TOKEN, Channel, Exchange, Guild, Message, Recorded, User

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web

    from bot.runtime import GoldenHourBot


@dataclass
class _Pointed:
    """The fake Discord this process's discord.py talks to, and the addresses it replaced."""

    fake: FakeDiscord
    loop: asyncio.AbstractEventLoop
    bots: int
    previous: tuple[str, yarl.URL]


_pointed: _Pointed | None = None


async def _fake_discord() -> FakeDiscord:
    """The running fake Discord of this event loop, or a new one with discord.py pointed at it."""
    global _pointed
    loop = asyncio.get_running_loop()
    if _pointed is not None and _pointed.loop is loop and _pointed.fake.running:
        _pointed.bots += 1
        return _pointed.fake
    fake = await FakeDiscord().start()
    previous = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    if _pointed is not None:  # left over from a loop that ended without closing it
        previous = _pointed.previous
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    _pointed = _Pointed(fake, loop, 1, previous)
    return fake


async def _release(fake: FakeDiscord) -> None:
    global _pointed
    if _pointed is None or _pointed.fake is not fake:
        return
    _pointed.bots -= 1
    if _pointed.bots == 0:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _pointed.previous
        _pointed = None
        await fake.close()


class SimulatedServer:
    """One server of the fake Discord, with the real bot in it. Use `await SimulatedServer.start(bot)`."""

    def __init__(self, fake: FakeDiscord, bot: GoldenHourBot, fake_guild: Guild, session: Session,
                 connection: asyncio.Task[None] | None) -> None:
        self.discord = fake
        self.bot = bot
        self.fake_guild = fake_guild  # what the fake Discord holds of this server; `guild` is the bot's view
        self.session = session
        self._connection = connection  # None: another server of the same bot (see `add_guild`)

    @classmethod
    async def start(cls, bot: GoldenHourBot, *, ready_within: float = 10.0) -> SimulatedServer:
        """Log `bot` in to the fake Discord and wait for READY.

        A bot that doesn't sync its commands on start finds them registered, as by an earlier
        `goldenhour sync`; one that does registers them itself, over HTTP."""
        fake = await _fake_discord()
        connection: asyncio.Task[None] | None = None
        try:
            await bot.login(TOKEN)
            if not bot.sync_on_start:
                fake.register([command.to_dict(bot.tree) for command in bot.tree.get_commands()])
            identified = len(fake.sessions)
            connection = asyncio.create_task(bot.connect(reconnect=False), name=CONNECTION_TASK)
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({ready, connection}, timeout=ready_within, return_when=asyncio.FIRST_COMPLETED)
            if not ready.done():
                ready.cancel()
                if connection.done():
                    connection.result()  # re-raise why the bot could not connect
                raise AssertionError(f"the bot did not become ready within {ready_within} s")
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
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        await self.bot.close()
        await asyncio.wait_for(connection, 5)
        await _release(self.discord)

    def add_guild(self) -> SimulatedServer:
        """A second server with the same bot in it, with its own #general and #spoilers. Members are the
        same Discord users; messages, requests and the bot are shared, as on Discord."""
        return SimulatedServer(self.discord, self.bot, self.discord.add_guild(), self.session, None)

    # -- what Discord holds -----------------------------------------------------------------------------

    @property
    def guild_id(self) -> int:
        return self.fake_guild.id

    @property
    def guild(self) -> discord.Guild:
        """The bot's view of this server (discord.py's cache)."""
        guild = self.bot.get_guild(self.fake_guild.id)
        assert guild is not None, "the bot has not received this server's GUILD_CREATE"
        return guild

    @property
    def channels(self) -> dict[str, Channel]:
        return self.fake_guild.channels

    @property
    def users(self) -> dict[str, User]:
        return self.discord.users

    @property
    def messages(self) -> dict[int, Message]:
        return self.discord.messages

    @property
    def requests(self) -> list[Recorded]:
        return self.discord.requests

    @property
    def watchers(self) -> list[Callable[[Message], None]]:
        """Told of every message the bot sends or edits (the console prints them)."""
        return self.discord.watchers

    @property
    def fail(self) -> Callable[[Recorded], web.Response | None] | None:
        """A hook answering some requests with an error instead: return `error(403, 50013, ...)` or None."""
        return self.discord.fail

    @fail.setter
    def fail(self, hook: Callable[[Recorded], web.Response | None] | None) -> None:
        self.discord.fail = hook

    def add_channel(self, name: str, *, parent: str | None = None) -> Channel:
        """A new text channel, or a thread of `parent`; the bot hears of it before the next event."""
        return self.discord.add_channel(self.fake_guild, name, parent=parent)

    def add_user(self, name: str, permissions: int | discord.Permissions = EVERYONE,
                 roles: list[int] | None = None) -> User:
        return self.discord.add_user(name, _bits(permissions), roles)

    def set_bot_permissions(self, permissions: int | discord.Permissions) -> None:
        """What the bot's role allows here (by default what its invite asks for): the guild cache hears
        of it before the next event, and interactions carry it as `app_permissions`."""
        self.discord.set_bot_permissions(self.fake_guild, _bits(permissions))

    # -- what members do --------------------------------------------------------------------------------

    def _live(self) -> FakeDiscord:
        if self.discord.session is not self.session:
            raise AssertionError("another bot has connected to the fake Discord since: events go to it now")
        return self.discord

    async def command(self, line: str, *, user: str = "member", channel: str = "general", force: bool = False,
                      **options: Any) -> Exchange:
        """Run a slash command: `command("/character", name="baek")`, `command("/spoilers mode", mode="off")`;
        user options by member name (`member="helper"`). `force`: see `FakeDiscord.command`."""
        return await self._live().command(line, user=user, channel=self.channels[channel], force=force, **options)

    async def command_answered(self, line: str, *, user: str = "member", channel: str = "general",
                               **options: Any) -> Exchange:
        """`command`, which already waits until the interaction is answered and the bot has gone quiet."""
        return await self.command(line, user=user, channel=channel, **options)

    async def autocomplete(self, line: str, focused: str, value: str, *, user: str = "member",
                           channel: str = "general", **options: Any) -> Exchange:
        return await self._live().command(line, user=user, channel=self.channels[channel], focused=focused,
                                          **{**options, focused: value})

    async def message_command(self, name: str, message: Message, *, user: str = "moderator") -> Exchange:
        return await self._live().message_command(name, message, user=user)

    async def press(self, message: Message, button: str | int, *, user: str = "member",
                    force: bool = False) -> Exchange:
        return await self._live().press(message, button, user=user, force=force)

    async def choose(self, message: Message, values: list[str], *, user: str = "member") -> Exchange:
        return await self._live().choose(message, values, user=user)

    async def press_all(self, message: Message, clicks: list[tuple[str, str | int]]) -> dict[str, list[Recorded]]:
        return await self._live().press_all(message, clicks)

    async def post(self, content: str, *, user: str = "member", channel: str = "general",
                   attachments: list[dict[str, Any]] | None = None) -> Message:
        return await self._live().post(content, user=user, channel=self.channels[channel], attachments=attachments)

    async def settle(self, idle: float = 0.25, since: set[asyncio.Task[Any]] | None = None) -> None:
        """Wait until the bot has done what it started since `since` (see `FakeDiscord.settle`)."""
        await self._live().settle(idle, since)


def _bits(permissions: int | discord.Permissions) -> int:
    return permissions.value if isinstance(permissions, discord.Permissions) else permissions
