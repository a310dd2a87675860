"""A fake Discord on loopback: the REST API and the gateway websocket, over real HTTP and a real socket.

Unlike `bot/offline.py` (which feeds payloads to discord.py's parser in-process), this drives the whole
client stack: discord.py logs in over HTTP, opens the websocket, receives zlib-stream compressed
gateway frames (HELLO, READY, GUILD_CREATE, INTERACTION_CREATE), heartbeats, and answers interactions
with HTTP requests that we record exactly as Discord would receive them. Only 127.0.0.1 is used.

What Discord itself enforces and matters for a bot is enforced here too: the token on every bot
route and on IDENTIFY, one callback per interaction (a second one is 400 / 40060), the documented
payload limits (a payload over a limit is 400 / 50035, as on Discord), and only registered commands
can be invoked, with option values the Discord client would allow.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.simulator import payload_limits as limits

TOKEN = "e2e.dummy.token"
APPLICATION_ID = 110_000_000_000_000_001
BOT_USER_ID = APPLICATION_ID
GUILD_ID = 210_000_000_000_000_001
MODERATOR_ROLE_ID = 310_000_000_000_000_001
BOT_ROLE_ID = 310_000_000_000_000_002  # the managed role Discord gives the bot when it is invited
EVERYONE = 1 << 10 | 1 << 11 | 1 << 16 | 1 << 31  # view channel, send messages, read history, use commands
MANAGE_GUILD, MANAGE_MESSAGES = 1 << 5, 1 << 13
BOT_PERMISSIONS = 274878000128
EPHEMERAL = 64
HEARTBEAT_INTERVAL_MS = 41_250

_ids = itertools.count(910_000_000_000_000_000)

# Gateway opcodes
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 10, 11


def snowflake() -> int:
    return next(_ids)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class User:
    id: int
    name: str
    permissions: int
    roles: list[int] = field(default_factory=list)

    def user(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
                "avatar": None}

    def member(self) -> dict[str, Any]:
        return {"user": self.user(), "roles": [str(r) for r in self.roles], "joined_at": _now(), "deaf": False,
                "mute": False, "flags": 0, "permissions": str(self.permissions)}


@dataclass
class Channel:
    id: int
    name: str

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": 0, "guild_id": str(GUILD_ID), "name": self.name, "position": 0,
                "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                "rate_limit_per_user": 0, "last_message_id": None}


@dataclass
class Message:
    """A message as the fake Discord holds it, so its buttons can be clicked later."""

    id: int
    channel_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    token: str | None = None  # the interaction that created it
    original: bool = False  # the interaction's original response
    deleted: bool = False
    author: User | None = None  # None: the bot

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def apply(self, body: dict[str, Any]) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                setattr(self, key, body[key] or ([] if key != "content" else ""))
        if body.get("flags") is not None:
            self.flags = body["flags"]

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in _walk(self.components) if c.get("type") == limits.BUTTON]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in _walk(self.components) if c.get("type") in limits.SELECT_TYPES]

    def text(self) -> str:
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for item in embed.get("fields", []):
                parts += [item.get("name", ""), item.get("value", "")]
            parts += [(embed.get("footer") or {}).get("text", ""), (embed.get("author") or {}).get("name", "")]
        return "\n".join(p for p in parts if p)

    def payload(self) -> dict[str, Any]:
        author = self.author.user() if self.author else {"id": str(BOT_USER_ID), "username": "Golden Hour",
                                                          "discriminator": "0", "avatar": None, "bot": True}
        return {"id": str(self.id), "channel_id": str(self.channel_id), "guild_id": str(GUILD_ID), "author": author,
                "content": self.content, "embeds": self.embeds, "components": self.components,
                "attachments": [], "mentions": [], "mention_roles": [], "mention_everyone": False,
                "pinned": False, "tts": False, "type": 0, "flags": self.flags, "timestamp": _now(),
                "edited_timestamp": None}


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components") or [])


@dataclass
class Recorded:
    """One HTTP request as Discord received it."""

    method: str
    path: str  # below /api/v10, without the query
    query: dict[str, str]
    body: Any
    authorization: str | None
    at: float = field(default_factory=time.monotonic)
    status: int = 0
    message: Message | None = None  # the message this request created or edited, as Discord holds it

    def problems(self) -> list[str]:
        return limits.check_request(self.method, self.path, self.body)


@dataclass
class Exchange:
    """Everything the bot sent Discord in answer to one gateway event."""

    interaction: dict[str, Any]
    requests: list[Recorded]
    messages: list[Message]  # created or edited, in order
    sent_at: float

    @property
    def callback(self) -> Recorded:
        for request in self.requests:
            if request.path.endswith("/callback"):
                return request
        raise AssertionError(f"the bot never answered the interaction; it sent {self.requests}")

    @property
    def message(self) -> Message:
        if not self.messages:
            raise AssertionError(f"the bot showed no message; it sent {self.requests}")
        return self.messages[-1]

    @property
    def choices(self) -> list[dict[str, Any]]:
        body = self.callback.body
        assert body["type"] == limits.AUTOCOMPLETE, body
        return body["data"]["choices"]

    def problems(self) -> list[str]:
        return [p for r in self.requests for p in r.problems()]

    def text(self) -> str:
        return "\n".join(m.text() for m in self.messages)


class _Gateway:
    """One websocket connection, speaking zlib-stream when the client asked for it (discord.py does)."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        if compress not in (None, "zlib-stream"):
            raise ValueError(f"unsupported gateway compression {compress!r}")
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self.sequence = 0

    async def send(self, payload: dict[str, Any]) -> None:
        if payload.get("op") == DISPATCH:
            self.sequence += 1
            payload["s"] = self.sequence
        text = json.dumps(payload)
        if self._zlib is None:
            await self.ws.send_str(text)
        else:  # one shared deflate stream; every message ends with a sync flush (00 00 ff ff)
            await self.ws.send_bytes(self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH))


def _json(payload: Any, status: int = 200) -> web.Response:
    # exactly `application/json`: discord.py parses nothing else (aiohttp's json_response adds a charset)
    return web.Response(body=json.dumps(payload).encode(), status=status,
                        headers={"Content-Type": "application/json"})


def error(status: int, code: int, message: str, errors: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": e} for e in errors]}
    return _json(body, status)


class FakeDiscord:
    """Start with `await FakeDiscord().start()`; point discord.py at `api_base` and `gateway_url`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.messages: dict[int, Message] = {}
        self.registered: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.identify: dict[str, Any] | None = None
        self.gateway_query: dict[str, str] = {}
        self.heartbeats = 0
        self.ready = asyncio.Event()
        self.fail: Callable[[Recorded], web.Response | None] | None = None  # inject HTTP failures
        self.users = {
            "member": User(snowflake(), "member", EVERYONE),
            "moderator": User(snowflake(), "moderator", EVERYONE | MANAGE_GUILD | MANAGE_MESSAGES),
            "helper": User(snowflake(), "helper", EVERYONE, [MODERATOR_ROLE_ID]),
        }
        self.channels = {name: Channel(snowflake(), name) for name in ("general", "spoilers")}
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> the INTERACTION_CREATE data
        self._answered: dict[str, float] = {}  # token -> seconds from dispatch to callback
        self._pressed: dict[str, Message] = {}  # component interaction token -> the clicked message
        self._sent_at: dict[str, float] = {}
        self._touched: list[Message] = []  # messages created or edited during the current exchange
        self.unknown_routes: list[Recorded] = []
        self._changed = asyncio.Condition()
        self._gateway: _Gateway | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._serve_gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._serve_rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- the gateway ----------------------------------------------------------------------------------

    async def _serve_gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        self.gateway_query = dict(request.query)
        gateway = _Gateway(ws, request.query.get("compress"))
        try:
            await gateway.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    break
                message = json.loads(frame.data)
                op = message.get("op")
                if op == HEARTBEAT:
                    self.heartbeats += 1
                    await gateway.send({"op": HEARTBEAT_ACK})
                    async with self._changed:
                        self._changed.notify_all()
                elif op == IDENTIFY:
                    if message["d"].get("token") != TOKEN:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    self.identify = message["d"]
                    self._gateway = gateway
                    await gateway.send({"op": DISPATCH, "t": "READY", "d": self._ready()})
                    await gateway.send({"op": DISPATCH, "t": "GUILD_CREATE", "d": self.guild_payload()})
                    self.ready.set()
                elif op == RESUME:
                    await gateway.send({"op": 9, "d": False})  # invalid session: identify again
        finally:
            self._sockets.discard(ws)
            if self._gateway is gateway:
                self._gateway = None
        return ws

    def _ready(self) -> dict[str, Any]:
        return {"v": 10, "user": {**self.bot_user(), "bot": True, "verified": True, "mfa_enabled": False,
                                  "flags": 0},
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}], "session_id": "e2e-session",
                "resume_gateway_url": self.gateway_url, "shard": [0, 1],
                "application": {"id": str(APPLICATION_ID), "flags": 0}}

    @staticmethod
    def bot_user() -> dict[str, Any]:
        return {"id": str(BOT_USER_ID), "username": "Golden Hour", "discriminator": "0", "avatar": None,
                "global_name": None}

    def guild_payload(self) -> dict[str, Any]:
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        me = {"user": self.bot_user(), "roles": [str(BOT_ROLE_ID)], "joined_at": _now(), "deaf": False,
              "mute": False, "flags": 0}
        return {
            "id": str(GUILD_ID), "name": "Golden Hour E2E", "owner_id": str(self.users["moderator"].id),
            "icon": None, "unavailable": False, "large": False, "joined_at": _now(),
            "roles": [{**role, "id": str(GUILD_ID), "name": "@everyone", "permissions": str(EVERYONE),
                       "position": 0},
                      {**role, "id": str(MODERATOR_ROLE_ID), "name": "Spoiler Police", "permissions": "0",
                       "position": 1},
                      {**role, "id": str(BOT_ROLE_ID), "name": "Golden Hour", "position": 2, "managed": True,
                       "permissions": str(BOT_PERMISSIONS), "tags": {"bot_id": str(BOT_USER_ID)}}],
            "channels": [c.payload() for c in self.channels.values()], "threads": [], "members": [me],
            "member_count": len(self.users) + 1, "voice_states": [], "presences": [], "emojis": [],
            "stickers": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "features": [], "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "premium_tier": 0, "preferred_locale": "en-US",
            "nsfw_level": 0, "afk_timeout": 300, "system_channel_flags": 0,
        }

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH frame to the connected bot."""
        if self._gateway is None:
            raise AssertionError("no bot is connected to the gateway")
        await self._gateway.send({"op": DISPATCH, "t": event, "d": data})

    async def barrier(self) -> None:
        """Return once the bot has processed every frame sent so far.

        A gateway HEARTBEAT request (op 1) from the server must be answered at once, and discord.py
        reads frames in order: when its heartbeat comes back, every earlier event has been parsed and
        its listeners scheduled."""
        if self._gateway is None:
            raise AssertionError("no bot is connected to the gateway")
        seen = self.heartbeats
        await self._gateway.send({"op": HEARTBEAT, "d": self._gateway.sequence})
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.heartbeats > seen), 5)

    # -- REST -----------------------------------------------------------------------------------------

    async def _serve_rest(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            if "payload_json" in form:
                body = json.loads(str(form["payload_json"]))
        recorded = Recorded(request.method, "/" + request.match_info["tail"], dict(request.query), body,
                            request.headers.get("Authorization"))
        response = self._respond(recorded)
        recorded.status = response.status
        self.requests.append(recorded)
        async with self._changed:
            self._changed.notify_all()
        return response

    def _respond(self, request: Recorded) -> web.Response:
        if self.fail is not None and (injected := self.fail(request)) is not None:
            return injected
        path, method = request.path, request.method
        parts = path.strip("/").split("/")
        is_webhook = parts[0] in ("webhooks", "interactions")
        if not is_webhook and request.authorization != f"Bot {TOKEN}":
            return error(401, 0, "401: Unauthorized")
        if problems := request.problems():  # what Discord does with a payload over a limit
            return error(400, 50035, "Invalid Form Body", problems)
        if path == "/users/@me" and method == "GET":
            return _json({**self.bot_user(), "bot": True, "verified": True, "mfa_enabled": False, "flags": 0})
        if path == "/oauth2/applications/@me" and method == "GET":
            return _json(self._application())
        if parts[0] == "applications" and parts[-1] == "commands":
            return self._commands(request, parts)
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(request, token=parts[2])
        if parts[0] == "webhooks":
            return self._webhook(request, parts)
        if parts[0] == "channels" and len(parts) >= 3 and parts[2] == "messages":
            return self._channel_messages(request, parts)
        self.unknown_routes.append(request)
        return error(404, 0, f"404: the fake Discord has no route {method} {path}")

    def _application(self) -> dict[str, Any]:
        return {"id": str(APPLICATION_ID), "name": "Golden Hour", "description": "", "icon": None,
                "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0,
                "owner": {"id": "1", "username": "operator", "discriminator": "0", "avatar": None},
                "team": None, "rpc_origins": [], "interactions_endpoint_url": None}

    def _commands(self, request: Recorded, parts: list[str]) -> web.Response:
        if parts[1] != str(APPLICATION_ID):
            return error(403, 50001, "Missing Access")
        scope = parts[3] if len(parts) == 5 and parts[2] == "guilds" else "global"
        if request.method == "GET":
            return _json(self.registered.get(scope, []))
        if request.method != "PUT":
            return error(405, 0, "405: Method Not Allowed")
        registered = []
        for command in request.body or []:
            entry = {**command, "id": str(snowflake()), "application_id": str(APPLICATION_ID), "version": "1",
                     "type": command.get("type", limits.CHAT_INPUT)}
            if scope != "global":
                entry["guild_id"] = scope
            registered.append(entry)
        self.registered[scope] = registered
        return _json(registered)

    def _callback(self, request: Recorded, token: str) -> web.Response:
        interaction = self._interactions.get(token)
        if interaction is None:
            return error(404, 10062, "Unknown interaction")
        if token in self._answered:
            return error(400, 40060, "Interaction has already been acknowledged.")
        self._answered[token] = request.at - self._sent_at[token]
        body = request.body or {}
        kind, data = body.get("type"), body.get("data") or {}
        result: dict[str, Any] = {"interaction": {"id": interaction["id"], "type": interaction["type"]}}
        if kind in (limits.MESSAGE, limits.DEFERRED_MESSAGE):
            message = Message(snowflake(), int(interaction["channel_id"]), token=token, original=True)
            message.apply(data)
            self._store(message, request, touched=kind == limits.MESSAGE)
            result["interaction"].update(response_message_id=str(message.id),
                                         response_message_loading=kind == limits.DEFERRED_MESSAGE,
                                         response_message_ephemeral=message.ephemeral)
            result["resource"] = {"type": kind, "message": message.payload()}
        elif kind in (limits.DEFERRED_UPDATE, limits.UPDATE):
            source = self._pressed.get(token)
            if source is None:
                return error(400, 50035, "Invalid Form Body: this interaction has no message to update")
            request.message = source
            if kind == limits.UPDATE:
                source.apply(data)
                self._touched.append(source)
            source.token, source.original = token, True
            result["interaction"]["response_message_id"] = str(source.id)
            result["resource"] = {"type": kind, "message": source.payload()}
        elif kind in (limits.AUTOCOMPLETE, limits.MODAL):
            return web.Response(status=204)
        if request.query.get("with_response") in ("1", "true", "True"):
            return _json(result)
        return web.Response(status=204)

    def _webhook(self, request: Recorded, parts: list[str]) -> web.Response:
        # /webhooks/{application}/{token}[/messages/{id|@original}]
        if len(parts) < 3 or parts[1] != str(APPLICATION_ID):
            return error(404, 10015, "Unknown Webhook")
        token = parts[2]
        interaction = self._interactions.get(token)
        if interaction is None:
            return error(404, 10015, "Unknown Webhook")
        if len(parts) == 3 and request.method == "POST":  # follow-up
            if token not in self._answered:
                return error(404, 10015, "Unknown Webhook")  # Discord: follow-ups need a callback first
            message = Message(snowflake(), int(interaction["channel_id"]), token=token)
            message.apply(request.body or {})
            self._store(message, request)
            return _json(message.payload())
        if len(parts) != 5 or parts[3] != "messages":
            return error(404, 0, "404: Not Found")
        if parts[4] == "@original":
            found = next((m for m in self.messages.values() if m.token == token and m.original), None)
        else:
            found = self.messages.get(int(parts[4]))
        if found is None or found.deleted:
            return error(404, 10008, "Unknown Message")
        return self._message_verb(request, found)

    def _channel_messages(self, request: Recorded, parts: list[str]) -> web.Response:
        channel_id = int(parts[1])
        if channel_id not in {c.id for c in self.channels.values()}:
            return error(404, 10003, "Unknown Channel")
        if len(parts) == 3 and request.method == "POST":
            message = Message(snowflake(), channel_id)
            message.apply(request.body or {})
            self._store(message, request)
            return _json(message.payload())
        found = self.messages.get(int(parts[3])) if len(parts) == 4 else None
        if found is None or found.deleted or found.channel_id != channel_id:
            return error(404, 10008, "Unknown Message")
        return self._message_verb(request, found)

    def _message_verb(self, request: Recorded, message: Message) -> web.Response:
        request.message = message
        if request.method == "PATCH":
            message.apply(request.body or {})
            self._touched.append(message)
            return _json(message.payload())
        if request.method == "DELETE":
            message.deleted = True
            return web.Response(status=204)
        return _json(message.payload())

    def _store(self, message: Message, request: Recorded, touched: bool = True) -> None:
        self.messages[message.id] = message
        request.message = message
        if touched:
            self._touched.append(message)

    # -- driving the bot --------------------------------------------------------------------------------

    def command_by_name(self, name: str) -> dict[str, Any]:
        for commands in self.registered.values():
            for command in commands:
                if command["name"] == name and command.get("type", 1) == limits.CHAT_INPUT:
                    return command
        raise AssertionError(f"/{name} was never registered; registered: {self.registered_names()}")

    def registered_names(self) -> list[str]:
        return sorted(c["name"] for commands in self.registered.values() for c in commands)

    def _interaction(self, kind: int, user: str, channel: str, data: dict[str, Any]) -> dict[str, Any]:
        token = f"e2e-token-{snowflake()}"
        target = self.channels[channel]
        return {
            "id": str(snowflake()), "application_id": str(APPLICATION_ID), "type": kind, "token": token,
            "version": 1, "guild_id": str(GUILD_ID), "channel_id": str(target.id), "channel": target.payload(),
            "member": self.users[user].member(), "app_permissions": str(BOT_PERMISSIONS), "locale": "en-US",
            "guild_locale": "en-US", "entitlements": [], "attachment_size_limit": 10_485_760, "context": 0,
            "authorizing_integration_owners": {"0": str(GUILD_ID)}, "data": data,
        }

    async def command(self, line: str, *, user: str = "member", channel: str = "general",
                      focused: str | None = None, **options: Any) -> Exchange:
        """Invoke `/name [group] [sub]` with options, as a member's Discord client would."""
        path = line.strip().lstrip("/").split()
        command = self.command_by_name(path[0])
        wire = self._wire_options(command, path, options, focused)
        data = {"id": command["id"], "name": command["name"], "type": limits.CHAT_INPUT, "options": wire,
                "guild_id": str(GUILD_ID)}
        kind = 4 if focused else 2  # autocomplete, or application command
        return await self.send_interaction(self._interaction(kind, user, channel, data))

    async def message_command(self, name: str, target: Message, *, user: str = "moderator") -> Exchange:
        """Apps > `name` on a message (a registered message context-menu command)."""
        command = next((c for cs in self.registered.values() for c in cs
                        if c["name"] == name and c.get("type") == limits.MESSAGE_COMMAND), None)
        if command is None:
            raise AssertionError(f"no message command {name!r} was registered")
        channel = next(n for n, c in self.channels.items() if c.id == target.channel_id)
        data = {"id": command["id"], "name": name, "type": limits.MESSAGE_COMMAND, "target_id": str(target.id),
                "guild_id": str(GUILD_ID), "resolved": {"messages": {str(target.id): target.payload()}}}
        return await self.send_interaction(self._interaction(2, user, channel, data))

    async def autocomplete(self, line: str, option: str, typed: str, **others: Any) -> Exchange:
        return await self.command(line, focused=option, **{option: typed}, **others)

    def _wire_options(self, command: dict[str, Any], path: list[str], values: dict[str, Any],
                      focused: str | None) -> list[dict[str, Any]]:
        """Options as Discord's client sends them; refuses what the client would refuse to send."""
        level = command.get("options") or []
        for name in path[1:]:
            found = next((o for o in level if o["name"] == name and o["type"] in (1, 2)), None)
            if found is None:
                raise AssertionError(f"/{' '.join(path)}: no registered subcommand {name!r}")
            level = found.get("options") or []
        leaf: list[dict[str, Any]] = []
        for name, value in values.items():
            spec = next((o for o in level if o["name"] == name), None)
            if spec is None:
                raise AssertionError(f"/{' '.join(path)} has no registered option {name!r}")
            option: dict[str, Any] = {"name": name, "type": spec["type"], "value": value}
            if name == focused:
                option["focused"] = True
                option["value"] = str(value)  # Discord sends what is typed so far, as a string
            else:
                _client_would_send(spec, value, path)
            leaf.append(option)
        missing = [o["name"] for o in level if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise AssertionError(f"/{' '.join(path)}: the client requires {missing}")
        wire = leaf
        for depth in range(len(path) - 1, 0, -1):
            kind = 1 if depth == len(path) - 1 else 2
            wire = [{"name": path[depth], "type": kind, "options": wire}]
        return wire

    async def press(self, message: Message, button: str | int, *, user: str = "member",
                    force: bool = False) -> Exchange:
        """Click a button on a message Discord holds, by label, custom_id or 1-based position.
        `force` clicks a disabled one, as a client that hasn't received the edit yet would."""
        buttons = message.buttons()
        if isinstance(button, int):
            target = buttons[button - 1]
        else:
            matches = [b for b in buttons if button in (b.get("label"), b.get("custom_id"))]
            if not matches:
                raise AssertionError(f"no button {button!r}; the message has {[b.get('label') for b in buttons]}")
            target = matches[0]
        if target.get("disabled") and not force:
            raise AssertionError(f"button {button!r} is disabled; Discord's client won't send the click")
        return await self._component(message, {"custom_id": target["custom_id"], "component_type": 2}, user)

    async def choose(self, message: Message, values: list[str], *, user: str = "member") -> Exchange:
        select = message.selects()[0]
        return await self._component(message, {"custom_id": select["custom_id"],
                                               "component_type": select["type"], "values": values}, user)

    async def _component(self, message: Message, data: dict[str, Any], user: str) -> Exchange:
        channel = next(n for n, c in self.channels.items() if c.id == message.channel_id)
        payload = self._interaction(3, user, channel, data)
        payload["message"] = message.payload()
        self._pressed[payload["token"]] = message
        return await self.send_interaction(payload)

    async def post(self, content: str, *, user: str = "member", channel: str = "general") -> Exchange:
        """A member writes a message: Discord stores it and sends MESSAGE_CREATE (needs the bot's
        message-content intent to carry the text, as on Discord)."""
        author = self.users[user]
        message = Message(snowflake(), self.channels[channel].id, content=content, author=author)
        self.messages[message.id] = message
        data = message.payload()
        data["member"] = {k: v for k, v in author.member().items() if k not in ("user", "permissions")}
        intents = int((self.identify or {}).get("intents", 0))
        if not intents & (1 << 15):  # MESSAGE_CONTENT
            data["content"] = ""
        start, baseline = len(self.requests), asyncio.all_tasks()
        self._touched = []
        sent_at = time.monotonic()
        await self.dispatch("MESSAGE_CREATE", data)
        await self.barrier()
        await _settle(baseline)
        return Exchange(data, self.requests[start:], list(self._touched), sent_at)

    async def send_interaction(self, payload: dict[str, Any], *, patience: float = 5.0) -> Exchange:
        """Send INTERACTION_CREATE over the websocket; return once the bot has answered and gone quiet."""
        token = payload["token"]
        self._interactions[token] = payload
        start = len(self.requests)
        self._touched = []
        baseline = asyncio.all_tasks()
        self._sent_at[token] = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", payload)
        await self.wait_for(lambda r: r.path.endswith(f"/{token}/callback"), patience=patience, since=start)
        await _settle(baseline)
        return Exchange(payload, self.requests[start:], list(self._touched), self._sent_at[token])

    def answered_in(self, exchange: Exchange) -> float:
        """Seconds from sending INTERACTION_CREATE to receiving its callback (Discord allows 3)."""
        return self._answered[exchange.interaction["token"]]

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, patience: float = 5.0,
                       since: int = 0) -> Recorded:
        """The first request (from index `since`) matching `predicate`, waiting for it if needed."""

        def found() -> Recorded | None:
            return next((r for r in self.requests[since:] if predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), patience)
        result = found()
        assert result is not None
        return result

    def all_problems(self) -> list[str]:
        """Everything Discord would refuse or members would notice: payloads over a limit, pinging
        messages, interactions answered late or never, requests to routes Discord doesn't have."""
        problems = [f"{r.method} {r.path}: {p}" for r in self.requests for p in r.problems()]
        problems += [p for r in self.requests for p in limits.check_no_pings(r.method, r.path, r.body)]
        problems += [f"interaction {token} answered after {seconds:.2f} s (Discord allows 3)"
                     for token, seconds in self._answered.items() if seconds >= 3.0]
        problems += [f"interaction {token} never answered" for token in self._interactions
                     if token not in self._answered]
        problems += [f"{r.method} {r.path}: a route the fake Discord doesn't serve" for r in self.unknown_routes]
        return problems


def _client_would_send(spec: dict[str, Any], value: Any, path: list[str]) -> None:
    where = f"/{' '.join(path)} {spec['name']}"
    kind = spec["type"]
    expected = {3: str, 4: int, 5: bool, 10: (int, float)}.get(kind)
    if expected is None:
        raise AssertionError(f"{where}: option type {kind} is not supported by the fake client")
    if not isinstance(value, expected) or (kind in (4, 10) and isinstance(value, bool)):
        raise AssertionError(f"{where}: {value!r} is not a valid value of type {kind}")
    if spec.get("choices") and value not in [c["value"] for c in spec["choices"]]:
        raise AssertionError(f"{where}: {value!r} is not one of the choices")
    if ("min_value" in spec and value < spec["min_value"]) or ("max_value" in spec and value > spec["max_value"]):
        raise AssertionError(f"{where}: {value!r} is outside the range the client allows")
    if kind == 3 and not spec.get("min_length", 0) <= len(value) <= spec.get("max_length", 6000):
        raise AssertionError(f"{where}: {len(value)} characters is outside the length the client allows")


_BOT_TASKS = ("CommandTree-invoker", "discord-ui-view-dispatch", "discord-ui-modal", "discord.py: on_")


async def _settle(baseline: set[asyncio.Task[Any]], idle: float = 0.25) -> None:
    """Wait for the handler tasks discord.py started for this event (command invokers, view callbacks,
    event listeners) to finish; stop early if they all sit waiting (a game clock, `view.wait()`)."""
    while True:
        await asyncio.sleep(0)
        pending = [t for t in asyncio.all_tasks() if t not in baseline and not t.done()
                   and t.get_name().startswith(_BOT_TASKS)]
        if not pending:
            return
        done, _ = await asyncio.wait(pending, timeout=idle)
        if not done:
            return
