"""A simulated Discord server for the offline console and the tests.

The real bot, its real `ConnectionState` and command tree, and real `discord.ui` views run unchanged:
we feed gateway-shaped INTERACTION_CREATE payloads to discord.py's own parser, and catch the requests
discord.py then makes at its two HTTP seams (`HTTPClient.request` for bot REST calls,
`AsyncWebhookAdapter.request` for interaction callbacks and follow-ups). Nothing touches the network.

Each request is recorded as the JSON payload Discord would receive, and the messages it creates or edits
are kept as Discord would hold them, so buttons on them can be pressed later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import AppCommandOptionType, app_commands
from discord.http import Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

APPLICATION_ID = 100_000_000_000_000_001
BOT_USER_ID = APPLICATION_ID
GUILD_ID = 200_000_000_000_000_001
MODERATOR_ROLE_ID = 300_000_000_000_000_002
BOT_ROLE_ID = 300_000_000_000_000_003
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True
)
MODERATOR_PERMISSIONS = discord.Permissions(EVERYONE_PERMISSIONS.value | discord.Permissions(manage_guild=True,
                                            manage_messages=True).value)
BOT_PERMISSIONS = discord.Permissions(274878000128)
EPHEMERAL = 64

_snowflakes = itertools.count(900_000_000_000_000_000)


def snowflake() -> int:
    return next(_snowflakes)


def _iso(when: dt.datetime | None = None) -> str:
    return (when or dt.datetime.now(dt.UTC)).isoformat()


@dataclass
class SimUser:
    id: int
    name: str
    permissions: discord.Permissions = field(default_factory=lambda: EVERYONE_PERMISSIONS)
    roles: list[int] = field(default_factory=list)

    def user_payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
                "avatar": None}

    def member_payload(self) -> dict[str, Any]:
        return {"user": self.user_payload(), "roles": [str(r) for r in self.roles], "joined_at": _iso(),
                "deaf": False, "mute": False, "flags": 0, "permissions": str(self.permissions.value)}


@dataclass
class SimChannel:
    id: int
    name: str
    parent_id: int | None = None  # set for threads

    def payload(self, guild_id: int) -> dict[str, Any]:
        if self.parent_id is None:
            return {"id": str(self.id), "type": 0, "guild_id": str(guild_id), "name": self.name, "position": 0,
                    "permission_overwrites": [], "nsfw": False, "parent_id": None}
        return {"id": str(self.id), "type": 11, "guild_id": str(guild_id), "name": self.name,
                "parent_id": str(self.parent_id), "owner_id": str(BOT_USER_ID), "message_count": 0,
                "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                    "archive_timestamp": _iso(), "locked": False}}


@dataclass
class SentMessage:
    """A message as Discord holds it after the bot's requests."""

    id: int
    channel_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    author: SimUser | None = None  # None: the bot
    interaction_token: str | None = None
    deleted: bool = False
    allowed_mentions: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in _walk_components(self.components) if c.get("type") == 2]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in _walk_components(self.components) if c.get("type") == 3]

    def text(self) -> str:
        """Everything a member can read in the message, flattened (for assertions and the console)."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for fld in embed.get("fields", []):
                parts += [fld.get("name", ""), fld.get("value", "")]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(p for p in parts if p)

    def apply(self, payload: dict[str, Any]) -> None:
        if "content" in payload:
            self.content = payload["content"] or ""
        if "embeds" in payload:
            self.embeds = payload["embeds"] or []
        if "components" in payload:
            self.components = payload["components"] or []
        if "flags" in payload and payload["flags"] is not None:
            self.flags = payload["flags"]
        if "allowed_mentions" in payload:
            self.allowed_mentions = payload["allowed_mentions"]

    def payload(self, guild_id: int) -> dict[str, Any]:
        author = self.author.user_payload() if self.author else {
            "id": str(BOT_USER_ID), "username": "Golden Hour", "discriminator": "0", "avatar": None, "bot": True}
        return {"id": str(self.id), "channel_id": str(self.channel_id), "guild_id": str(guild_id),
                "author": author, "content": self.content, "embeds": self.embeds, "components": self.components,
                "attachments": [], "mentions": [], "mention_roles": [], "mention_everyone": False,
                "pinned": False, "tts": False, "type": 0, "flags": self.flags, "timestamp": _iso(),
                "edited_timestamp": None}


def _walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk_components(component.get("components", []))


@dataclass
class Request:
    method: str
    path: str
    json: dict[str, Any] | None


@dataclass
class Exchange:
    """What the bot did in answer to one simulated interaction."""

    requests: list[Request] = field(default_factory=list)
    messages: list[SentMessage] = field(default_factory=list)  # created or edited, in order

    @property
    def callback(self) -> dict[str, Any] | None:
        for request in self.requests:
            if request.path.endswith("/callback"):
                return request.json
        return None

    @property
    def message(self) -> SentMessage:
        """The message a member sees as the answer (the last one created or edited)."""
        if not self.messages:
            raise AssertionError(f"the bot sent no message; requests: {self.requests}")
        return self.messages[-1]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (callback type 8)."""
        callback = self.callback or {}
        if callback.get("type") != 8:
            raise AssertionError(f"not an autocomplete answer: {callback}")
        return callback["data"]["choices"]

    def text(self) -> str:
        return "\n".join(m.text() for m in self.messages)


class _WebhookAdapter(AsyncWebhookAdapter):
    def __init__(self, discord_: OfflineDiscord) -> None:
        super().__init__()
        self.discord = discord_

    async def request(self, route: Route, session: Any, *, payload: dict[str, Any] | None = None,
                      multipart: list[dict[str, Any]] | None = None, **_: Any) -> Any:
        return await self.discord._handle(route, payload if payload is not None else _multipart_json(multipart))


def _multipart_json(multipart: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    import json

    for part in multipart or []:
        if part.get("name") == "payload_json":
            return json.loads(part["value"])
    return None


class OfflineDiscord:
    """One simulated server around a real bot. Use `await OfflineDiscord.start(bot)`."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot
        self.guild_id = GUILD_ID
        self.channels: dict[str, SimChannel] = {}
        self.users: dict[str, SimUser] = {}
        self.messages: dict[int, SentMessage] = {}
        self.requests: list[Request] = []
        self.fail: Callable[[Request], Exception | None] | None = None  # inject HTTP failures
        self.watchers: list[Callable[[SentMessage], None]] = []  # told of every message sent or edited
        self._exchange: Exchange | None = None
        self._adapter = _WebhookAdapter(self)
        self._interaction_channels: dict[str, int] = {}  # interaction token -> channel id
        self._pressed: SentMessage | None = None  # the message whose component is being clicked
        self._counted: Any = None  # the store's aiosqlite connection, once its calls are counted

    @classmethod
    async def start(cls, bot: Any) -> OfflineDiscord:
        sim = cls(bot)
        await sim._boot()
        return sim

    async def _boot(self) -> None:
        bot = self.bot
        async_context.set(self._adapter)
        await bot._async_setup_hook()  # what `async with bot` / login() would do: bind the loop
        bot.http.request = self._http_request  # type: ignore[method-assign]
        state = bot._connection
        state.user = discord.ClientUser(state=state, data={**self._bot_user(), "bot": True, "verified": True,
                                                            "mfa_enabled": False, "flags": 0})
        state.application_id = APPLICATION_ID
        self.add_channel("general")
        self.add_channel("spoilers")
        self.add_user("member", EVERYONE_PERMISSIONS)
        self.add_user("moderator", MODERATOR_PERMISSIONS)
        self.add_user("helper", EVERYONE_PERMISSIONS, roles=[MODERATOR_ROLE_ID])
        self._register_guild()
        self._count_db_calls()
        await bot.setup_hook()

    @staticmethod
    def _bot_user() -> dict[str, Any]:
        return {"id": str(BOT_USER_ID), "username": "Golden Hour", "discriminator": "0", "avatar": None,
                "global_name": None}

    def add_channel(self, name: str, *, parent: str | None = None) -> SimChannel:
        channel = SimChannel(snowflake(), name, self.channels[parent].id if parent else None)
        self.channels[name] = channel
        if getattr(self, "_registered", False):
            self._register_guild()
        return channel

    def add_user(self, name: str, permissions: discord.Permissions = EVERYONE_PERMISSIONS,
                 roles: list[int] | None = None) -> SimUser:
        user = SimUser(snowflake(), name, permissions, roles or [])
        self.users[name] = user
        return user

    def _register_guild(self) -> None:
        """Put the simulated guild in discord.py's cache, as GUILD_CREATE would."""
        state = self.bot._connection
        channels = [c.payload(self.guild_id) for c in self.channels.values() if c.parent_id is None]
        threads = [c.payload(self.guild_id) for c in self.channels.values() if c.parent_id is not None]
        data = {
            "id": str(self.guild_id), "name": "Golden Hour Test Server", "owner_id": "1", "icon": None,
            "roles": [
                {"id": str(self.guild_id), "name": "@everyone", "permissions": str(EVERYONE_PERMISSIONS.value),
                 "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False},
                {"id": str(MODERATOR_ROLE_ID), "name": "Spoiler Police", "permissions": "0", "position": 1,
                 "color": 0, "hoist": False, "managed": False, "mentionable": False},
            ],
            "channels": channels, "threads": threads, "members": [], "member_count": len(self.users) + 1,
            "emojis": [], "stickers": [], "features": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0, "afk_timeout": 300,
        }
        guild = discord.Guild(data=data, state=state)
        state._add_guild(guild)
        me = {"user": self._bot_user(), "roles": [], "joined_at": _iso(), "deaf": False, "mute": False,
              "flags": 0}
        guild._add_member(discord.Member(data=me, guild=guild, state=state))  # type: ignore[arg-type]
        self._registered = True
        self.set_bot_permissions(getattr(self, "bot_permissions", BOT_PERMISSIONS))

    def set_bot_permissions(self, permissions: discord.Permissions) -> None:
        """Give the bot a role with `permissions` in the simulated server (by default those its invite
        asks for, as on a real server); they stay when `add_channel` rebuilds the cached guild.

        Interactions already carry the invite's permissions (`app_permissions`); this is for code that
        asks the guild cache, like `channel.permissions_for(guild.me)` in a message listener.
        """
        self.bot_permissions = permissions
        guild, state = self.guild, self.bot._connection
        role = discord.Role(guild=guild, state=state, data={
            "id": str(BOT_ROLE_ID), "name": "Golden Hour", "permissions": str(permissions.value), "position": 2,
            "color": 0, "hoist": False, "managed": True, "mentionable": False})
        guild._add_role(role)
        guild.me._roles = discord.utils.SnowflakeList([BOT_ROLE_ID])

    @property
    def guild(self) -> discord.Guild:
        guild = self.bot.get_guild(self.guild_id)
        assert guild is not None
        return guild

    # -- driving the bot ------------------------------------------------------------------------------

    def _base_payload(self, kind: int, user: str, channel: str) -> dict[str, Any]:
        sim_channel = self.channels[channel]
        token = f"token-{snowflake()}"
        self._interaction_channels[token] = sim_channel.id
        return {
            "id": str(snowflake()), "application_id": str(APPLICATION_ID), "type": kind, "token": token,
            "version": 1, "guild_id": str(self.guild_id), "channel_id": str(sim_channel.id),
            "channel": sim_channel.payload(self.guild_id), "member": self.users[user].member_payload(),
            "app_permissions": str(BOT_PERMISSIONS.value), "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "attachment_size_limit": 10_485_760, "context": 0,
            "authorizing_integration_owners": {"0": str(self.guild_id)},
        }

    async def _dispatch(self, payload: dict[str, Any], pressed: SentMessage | None = None,
                        answered_within: float = 0.0) -> Exchange:
        """Feed one gateway event to discord.py and run the bot until it settles; with
        `answered_within`, keep running until the interaction callback was sent (or that many seconds)."""
        async_context.set(self._adapter)
        exchange = Exchange()
        self._exchange, self._pressed = exchange, pressed
        baseline = asyncio.all_tasks()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + answered_within
        try:
            if payload.get("type") == "MESSAGE_CREATE":
                self.bot._connection.parse_message_create(payload["d"])
            else:
                self.bot._connection.parse_interaction_create(payload)
            await self.settle(baseline)
            while exchange.callback is None and loop.time() < deadline:
                await asyncio.sleep(0.005)
                await self.settle(baseline)
        finally:
            self._exchange, self._pressed = None, None
        return exchange

    async def settle(self, baseline: set[asyncio.Task[Any]] | None = None, idle: float = 0.02,
                     patience: float = 5.0) -> None:
        """Run the tasks started since `baseline` until they finish or all sit waiting on a timer
        (a game clock, a view timeout) for `idle` seconds.

        A quiet window while a database call is still running in aiosqlite's thread is not idleness:
        on a loaded machine that thread can take longer than `idle`, so we keep waiting (up to
        `patience` seconds) rather than return before the bot has answered.
        """
        baseline = baseline if baseline is not None else set()
        current = asyncio.current_task()
        deadline = asyncio.get_running_loop().time() + patience
        for _ in range(10_000):
            await asyncio.sleep(0)
            pending = [t for t in asyncio.all_tasks()
                       if t is not current and t not in baseline and not t.done() and not _is_view_timer(t)]
            if not pending:
                return
            done, _ = await asyncio.wait(pending, timeout=idle)
            if not done and (self._db_calls_in_flight() == 0 or asyncio.get_running_loop().time() > deadline):
                return

    def _count_db_calls(self) -> None:
        """Wrap the store's aiosqlite connection so `settle` knows when a query is still running.

        The count lives on the connection: two simulations sharing one store (a restart, a second bot
        on the same database) both see the queries either of them started."""
        store = getattr(self.bot, "store", None)
        connection = getattr(store, "db", None)
        if connection is None:
            return
        self._counted = connection
        if getattr(connection, "_golden_hour_counted", False):
            return
        original = connection._execute
        connection._golden_hour_in_flight = 0

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            connection._golden_hour_in_flight += 1
            try:
                return await original(fn, *args, **kwargs)
            finally:
                connection._golden_hour_in_flight -= 1

        connection._execute = counted
        connection._golden_hour_counted = True

    def _db_calls_in_flight(self) -> int:
        return getattr(self._counted, "_golden_hour_in_flight", 0)

    def command_payload(self, line_or_name: str, *, user: str = "member", channel: str = "general",
                        **options: Any) -> dict[str, Any]:
        """The INTERACTION_CREATE payload Discord would send for a slash command."""
        path = line_or_name.strip().lstrip("/").split()
        command = self._find_command(path)
        payload = self._base_payload(2, user, channel)
        payload["data"] = {"id": str(snowflake()), "name": path[0], "type": 1,
                           "options": self._options(command, path, options)}
        return payload

    def autocomplete_payload(self, line_or_name: str, focused: str, value: str, *, user: str = "member",
                             channel: str = "general", **options: Any) -> dict[str, Any]:
        path = line_or_name.strip().lstrip("/").split()
        command = self._find_command(path)
        payload = self._base_payload(4, user, channel)
        payload["data"] = {"id": str(snowflake()), "name": path[0], "type": 1,
                           "options": self._options(command, path, {**options, focused: value}, focused=focused)}
        return payload

    async def command(self, line_or_name: str, *, user: str = "member", channel: str = "general",
                      **options: Any) -> Exchange:
        """Run a slash command: `command("/character", name="baek")` or `command("spoilers set", mode="off")`."""
        return await self._dispatch(self.command_payload(line_or_name, user=user, channel=channel, **options))

    async def autocomplete(self, line_or_name: str, focused: str, value: str, *, user: str = "member",
                           channel: str = "general", **options: Any) -> Exchange:
        return await self._dispatch(
            self.autocomplete_payload(line_or_name, focused, value, user=user, channel=channel, **options)
        )

    async def message_command(self, name: str, message: SentMessage, *, user: str = "moderator",
                              channel: str = "general") -> Exchange:
        payload = self._base_payload(2, user, channel)
        payload["data"] = {"id": str(snowflake()), "name": name, "type": 3, "target_id": str(message.id),
                           "resolved": {"messages": {str(message.id): message.payload(self.guild_id)}}}
        return await self._dispatch(payload)

    async def press(self, message: SentMessage, button: str | int, *, user: str = "member",
                    channel: str | None = None) -> Exchange:
        """Click a button by label, custom_id, or 1-based position."""
        buttons = message.buttons()
        if isinstance(button, int):
            target = buttons[button - 1]
        else:
            matches = [b for b in buttons if button in (b.get("label"), b.get("custom_id"))]
            if not matches:
                raise AssertionError(f"no button {button!r} on the message; has {[b.get('label') for b in buttons]}")
            target = matches[0]
        return await self._component(message, {"custom_id": target["custom_id"], "component_type": 2},
                                     user, channel)

    async def choose(self, message: SentMessage, values: list[str], *, user: str = "member",
                     channel: str | None = None) -> Exchange:
        select = message.selects()[0]
        return await self._component(message, {"custom_id": select["custom_id"], "component_type": 3,
                                               "values": values}, user, channel)

    async def _component(self, message: SentMessage, data: dict[str, Any], user: str,
                         channel: str | None) -> Exchange:
        name = channel or next((n for n, c in self.channels.items() if c.id == message.channel_id), "general")
        payload = self._base_payload(3, user, name)
        payload["data"] = data
        payload["message"] = message.payload(self.guild_id)
        return await self._dispatch(payload, pressed=message)

    async def post(self, content: str, *, user: str = "member", channel: str = "general") -> SentMessage:
        """A member writes a message (MESSAGE_CREATE through discord.py's parser)."""
        author = self.users[user]
        message = SentMessage(snowflake(), self.channels[channel].id, content=content, author=author)
        self.messages[message.id] = message
        data = message.payload(self.guild_id)
        data["member"] = {k: v for k, v in author.member_payload().items() if k != "user"}
        message.exchange = await self._dispatch({"type": "MESSAGE_CREATE", "d": data})  # type: ignore[attr-defined]
        return message

    async def command_answered(self, line_or_name: str, *, user: str = "member", channel: str = "general",
                               limit: float = 5.0, **options: Any) -> Exchange:
        """Like `command`, but keeps running the bot until the interaction has been answered (up to
        `limit` seconds): `settle` stops after 20 ms without progress, which a handler doing several
        database round trips on a loaded machine can outlast."""
        return await self.dispatch_answered(
            self.command_payload(line_or_name, user=user, channel=channel, **options), limit=limit)

    async def dispatch_answered(self, payload: dict[str, Any], *, pressed: SentMessage | None = None,
                                limit: float = 5.0) -> Exchange:
        """Dispatch an interaction payload and run the bot until it has been answered (see `command_answered`)."""
        return await self._dispatch(payload, pressed, answered_within=limit)

    async def command_with_members(self, line_or_name: str, *, user: str = "member", channel: str = "general",
                                   **options: Any) -> Exchange:
        """Like `command`, for user/member options: pass sim user names (`member="helper"`); the payload
        carries them in `resolved`, as Discord sends them, so discord.py hands the command a Member."""
        named = {key: self.users[value] for key, value in options.items()
                 if isinstance(value, str) and value in self.users}
        payload = self.command_payload(line_or_name, user=user, channel=channel,
                                       **{**options, **{key: str(u.id) for key, u in named.items()}})
        payload["data"]["resolved"] = {
            "users": {str(u.id): u.user_payload() for u in named.values()},
            "members": {str(u.id): {k: v for k, v in u.member_payload().items() if k != "user"}
                        for u in named.values()},
        }
        return await self.dispatch_answered(payload)

    async def press_all(self, message: SentMessage, clicks: list[tuple[str, str | int]]) -> dict[str, list[Request]]:
        """Many members click at the same instant: every INTERACTION_CREATE is parsed before any handler
        runs, so the handlers really interleave. `clicks` is (user, button) pairs, buttons as in `press`;
        returns each user's requests (their interaction callback and follow-ups), in order."""
        async_context.set(self._adapter)
        exchange = Exchange()
        self._exchange, self._pressed = exchange, message
        baseline = asyncio.all_tasks()
        tokens: dict[str, str] = {}
        channel = next((n for n, c in self.channels.items() if c.id == message.channel_id), "general")
        try:
            for user, button in clicks:
                buttons = message.buttons()
                target = buttons[button - 1] if isinstance(button, int) else next(
                    b for b in buttons if button in (b.get("label"), b.get("custom_id")))
                payload = self._base_payload(3, user, channel)
                payload["data"] = {"custom_id": target["custom_id"], "component_type": 2}
                payload["message"] = message.payload(self.guild_id)
                tokens[payload["token"]] = user
                self.bot._connection.parse_interaction_create(payload)
            await self.settle(baseline)
        finally:
            self._exchange, self._pressed = None, None
        by_user: dict[str, list[Request]] = {user: [] for user in tokens.values()}
        for request in exchange.requests:
            parts = request.path.split("/")
            token = parts[3] if len(parts) > 3 and parts[1] in ("interactions", "webhooks") else None
            if token in tokens:
                by_user[tokens[token]].append(request)
        return by_user

    def add_guild(self, guild_id: int = GUILD_ID + 1) -> OfflineDiscord:
        """A second simulated server on the same bot, with its own "general" and "spoilers" channels.

        Its members are this server's members (the same Discord users, same names and ids), and it
        shares this one's HTTP seam, messages and request log, as one bot connected to two servers would.
        """
        return _SiblingGuild(self, guild_id)

    # -- the HTTP seam ------------------------------------------------------------------------------

    async def _http_request(self, route: Route, *, files: Any = None, form: Any = None, **kwargs: Any) -> Any:
        payload = kwargs.get("json")
        if payload is None and form:
            payload = next((__import__("json").loads(f["value"]) for f in form if f.get("name") == "payload_json"),
                           None)
        return await self._handle(route, payload)

    async def _handle(self, route: Route, payload: dict[str, Any] | None) -> Any:
        request = Request(route.method, route.url.removeprefix(Route.BASE).split("?")[0], payload)
        self.requests.append(request)
        if self._exchange is not None:
            self._exchange.requests.append(request)
        if self.fail is not None and (error := self.fail(request)) is not None:
            raise error
        await asyncio.sleep(0)
        return self._respond(route, request)

    def _touch(self, message: SentMessage) -> SentMessage:
        if self._exchange is not None:
            self._exchange.messages.append(message)
        for watcher in self.watchers:
            watcher(message)
        return message

    def _respond(self, route: Route, request: Request) -> Any:
        path, body = request.path, request.json or {}
        if path.endswith("/callback"):
            return self._callback(route, body)
        if path.startswith("/webhooks/"):
            token = path.split("/")[3]
            if request.method == "POST":  # follow-up
                return self._create(self._interaction_channels.get(token, 0), body, token)
            return self._on_message(request.method, self._message_for(path, token), body)
        if path.startswith("/channels/") and "/messages" in path:
            parts = path.split("/")
            if request.method == "POST" and len(parts) == 4:
                return self._create(int(parts[2]), body)
            message = self.messages.get(int(parts[4]))
            if message is None or message.deleted:
                raise _not_found()
            return self._on_message(request.method, message, body)
        if request.method == "PUT" and "/commands" in path:
            return [{"description": "", **c, "id": str(snowflake()), "application_id": str(APPLICATION_ID),
                     "version": "1"} for c in (request.json or [])]  # type: ignore[union-attr]
        return {}

    def _create(self, channel_id: int, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        message = SentMessage(snowflake(), channel_id, interaction_token=token)
        message.apply(body)
        self.messages[message.id] = message
        return self._touch(message).payload(self.guild_id)

    def _on_message(self, method: str, message: SentMessage, body: dict[str, Any]) -> dict[str, Any] | None:
        """GET, PATCH or DELETE on a message the bot sent."""
        if method == "PATCH":
            message.apply(body)
            return self._touch(message).payload(self.guild_id)
        if method == "DELETE":
            message.deleted = True
            return None
        return message.payload(self.guild_id)

    def _message_for(self, path: str, token: str) -> SentMessage:
        tail = path.rsplit("/", 1)[-1]
        if tail == "@original":
            for message in reversed(self.messages.values()):
                if message.interaction_token == token and getattr(message, "original", False):
                    return message
            raise _not_found()
        message = self.messages.get(int(tail))
        if message is None or message.deleted:
            raise _not_found()
        return message

    def _callback(self, route: Route, body: dict[str, Any]) -> dict[str, Any]:
        kind, data = body.get("type"), body.get("data") or {}
        token = str(route.webhook_token)
        interaction_id = str(route.webhook_id)
        result: dict[str, Any] = {"interaction": {"id": interaction_id, "type": 2}}
        if kind in (4, 5):  # message, or deferred message ("thinking")
            message = SentMessage(snowflake(), self._interaction_channels.get(token, 0), interaction_token=token)
            message.original = True  # type: ignore[attr-defined]
            message.apply(data)
            self.messages[message.id] = message
            if kind == 4:
                self._touch(message)
            result["interaction"]["response_message_id"] = str(message.id)
            result["resource"] = {"type": kind, "message": message.payload(self.guild_id)}
        elif kind in (6, 7):  # deferred update / update the message the component is on
            source = self._source_message()
            if source is not None:
                if kind == 7:
                    source.apply(data)
                    self._touch(source)
                source.interaction_token = token
                source.original = True  # type: ignore[attr-defined]
                result["interaction"]["response_message_id"] = str(source.id)
                result["resource"] = {"type": kind, "message": source.payload(self.guild_id)}
        return result

    def _source_message(self) -> SentMessage | None:
        return self._pressed

    # -- helpers for callers -----------------------------------------------------------------------------

    def _find_command(self, path: list[str]) -> app_commands.Command[Any, ..., Any]:
        found = self.bot.tree.get_command(path[0])
        for part in path[1:]:
            if not isinstance(found, app_commands.Group):
                raise AssertionError(f"/{' '.join(path)}: {found!r} has no subcommands")
            found = found.get_command(part)
        if not isinstance(found, app_commands.Command):
            raise AssertionError(f"no command /{' '.join(path)}")
        return found

    def _options(self, command: app_commands.Command[Any, ..., Any], path: list[str], values: dict[str, Any],
                 focused: str | None = None) -> list[dict[str, Any]]:
        leaf: list[dict[str, Any]] = []
        for name, value in values.items():
            parameter = command.get_parameter(name)
            if parameter is None:
                raise AssertionError(f"/{' '.join(path)} has no option {name!r}")
            option: dict[str, Any] = {"name": parameter.display_name, "type": parameter.type.value,
                                      "value": _wire_value(parameter.type, value)}
            if name == focused:
                option["focused"] = True
                option["value"] = str(value)
            leaf.append(option)
        options = leaf
        for depth in range(len(path) - 1, 0, -1):
            kind = 1 if depth == len(path) - 1 else 2  # subcommand, subcommand group
            options = [{"name": path[depth], "type": kind, "options": options}]
        return options


def _wire_value(kind: AppCommandOptionType, value: Any) -> Any:
    """Values as Discord sends them: ids as strings, numbers and booleans raw, other values as typed."""
    if isinstance(value, discord.abc.Snowflake):
        return str(value.id)
    if kind in (AppCommandOptionType.user, AppCommandOptionType.channel, AppCommandOptionType.role,
                AppCommandOptionType.mentionable):
        return str(value)
    return value


def _is_view_timer(task: asyncio.Task[Any]) -> bool:
    """discord.py's per-view timeout sleeper: waiting for it would make every reply take minutes."""
    return "timeout_task_impl" in getattr(task.get_coro(), "__qualname__", "")


def _not_found() -> discord.NotFound:
    class _Response:
        status = 404
        reason = "Not Found"

    return discord.NotFound(_Response(), {"message": "Unknown Message", "code": 10008})  # type: ignore[arg-type]


class _SiblingGuild(OfflineDiscord):
    """Another server seen by the same bot (see `OfflineDiscord.add_guild`)."""

    def __init__(self, parent: OfflineDiscord, guild_id: int) -> None:
        super().__init__(parent.bot)
        self.parent = parent
        self.guild_id = guild_id
        self.users = parent.users
        self.messages = parent.messages
        self.requests = parent.requests
        self._interaction_channels = parent._interaction_channels
        self.add_channel("general")
        self.add_channel("spoilers")
        self._register_guild()

    async def _dispatch(self, payload: dict[str, Any], pressed: SentMessage | None = None,
                        answered_within: float = 0.0) -> Exchange:
        return await self.parent._dispatch(payload, pressed, answered_within)
