"""The fake Discord on 127.0.0.1 (REST over real HTTP, the gateway websocket) and the state it keeps.

It enforces what Discord does and matters for a bot: the token, one callback per interaction, follow-ups
only after it, messages only in channels that exist. Discord's payload rules are `checks` its user plugs
in (the tests: tests/discord_rules); a request they fault is refused with 400 / 50035, as on Discord."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import WSMsgType, web

from bot.simulator import wire
from bot.simulator.models import Channel, Exchange, Guild, Message, Recorded, User, bot_user, snowflake

RequestCheck = Callable[[Recorded], list[str]]  # what Discord would refuse a request for ([]: nothing)
APPLICATION = {"id": str(wire.APPLICATION_ID), "name": "Golden Hour", "description": "", "icon": None,
               "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0,
               "owner": {"id": "1", "username": "operator", "discriminator": "0", "avatar": None}, "team": None}


def _json(payload: Any, status: int = 200) -> web.Response:
    # exactly `application/json`: discord.py parses nothing else (aiohttp's json_response adds a charset)
    return web.Response(body=json.dumps(payload).encode(), status=status, headers={"Content-Type": "application/json"})


def error(status: int, code: int, message: str, errors: list[str] | None = None) -> web.Response:
    """An error answer shaped as Discord's (also for `fail` hooks: `error(403, 50013, "Missing Permissions")`)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": e} for e in errors]}
    return _json(body, status)


class Session:
    """One gateway connection, speaking zlib-stream when the client asked for it (discord.py does)."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        if compress not in (None, "zlib-stream"):
            raise ValueError(f"unsupported gateway compression {compress!r}")
        self.ws, self.deflate = ws, zlib.compressobj() if compress else None
        self.sequence, self.intents, self.open = 0, 0, True

    async def send(self, op: int, data: Any = None, event: str | None = None) -> None:
        self.sequence += op == wire.DISPATCH
        text = json.dumps({"op": op, "d": data} | ({"t": event, "s": self.sequence} if op == wire.DISPATCH else {}))
        if self.deflate is None:
            await self.ws.send_str(text)
        else:  # one shared deflate stream; every message ends with a sync flush (00 00 ff ff)
            await self.ws.send_bytes(self.deflate.compress(text.encode()) + self.deflate.flush(zlib.Z_SYNC_FLUSH))


class DiscordServer:
    """Start with `await server.start()`; point discord.py at `api_base` and `gateway_url`."""

    def __init__(self, checks: Iterable[RequestCheck] = ()) -> None:
        self.checks = list(checks)
        self.requests: list[Recorded] = []
        self.messages: dict[int, Message] = {}
        self.registered: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.exchanges: dict[str, Exchange] = {}  # interaction token -> what the bot answered it with
        self.fail: Callable[[Recorded], web.Response | None] | None = None  # answers some requests with an error
        self.watchers: list[Callable[[Message], None]] = []  # told of every message the bot shows or edits
        self.identify: dict[str, Any] | None = None
        self.gateway_query: dict[str, str] = {}
        self.heartbeats = self.port = 0
        self.running = False
        self.ready = asyncio.Event()  # set once a bot has identified
        self.sessions: list[Session] = []  # in the order they identified
        self._pending: list[tuple[str, dict[str, Any]]] = []  # events for the bot, sent before the next one
        self._changed = asyncio.Condition()  # notified on every request and heartbeat
        self._runner: web.AppRunner | None = None
        self.users = {"member": User(snowflake(), "member"),
                      "moderator": User(snowflake(), "moderator", wire.MODERATOR),
                      "helper": User(snowflake(), "helper", roles=[wire.MODERATOR_ROLE_ID])}
        self.guild = Guild(wire.GUILD_ID, "Golden Hour Test Server", self.users["moderator"].id, wire.MODERATOR_ROLE_ID)
        self.guilds = {self.guild.id: self.guild}  # the first is the bot's test server
        for name in ("general", "spoilers"):
            self.add_channel(self.guild, name)

    async def start(self) -> DiscordServer:
        app = web.Application()
        app.router.add_get("/gateway", self._serve_gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._serve_rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port, self.loop, self.running = self._runner.addresses[0][1], asyncio.get_running_loop(), True
        self.api_base, self.gateway_url = f"http://127.0.0.1:{self.port}/api/v10", f"ws://127.0.0.1:{self.port}/gateway"
        return self

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner, self.running = None, False

    def add_channel(self, guild: Guild, name: str) -> Channel:
        """A new text channel; a connected bot hears of it."""
        channel = guild.channels[name] = Channel(snowflake(), name, guild.id)
        self.queue_event("CHANNEL_CREATE", channel.payload())
        return channel

    def channel_by_id(self, channel_id: int) -> Channel | None:
        return next((c for g in self.guilds.values() for c in g.channels.values() if c.id == channel_id), None)

    def register(self, commands: list[dict[str, Any]]) -> None:
        """Commands registered globally by an earlier sync, without the bot asking now; checked as a PUT is."""
        if problems := self._problems(Recorded("PUT", "/applications/commands", {}, commands, None)):
            raise AssertionError("Discord would refuse these commands:\n" + "\n".join(problems))
        self._store_commands("global", commands)

    def _store_commands(self, scope: str, commands: list[dict[str, Any]]) -> None:
        guild = {} if scope == "global" else {"guild_id": scope}
        self.registered[scope] = [{**command, "id": str(snowflake()), "application_id": str(wire.APPLICATION_ID),
                                   "version": "1", "type": command.get("type", wire.CHAT_INPUT), **guild}
                                  for command in commands]

    @property
    def session(self) -> Session | None:
        """The newest open session: the one events go to (an older one is a process since replaced)."""
        return next((s for s in reversed(self.sessions) if s.open), None)

    def queue_event(self, event: str, data: dict[str, Any]) -> None:
        """An event for the connected bot, sent ahead of the next one (or with `flush`)."""
        if self.session is not None:
            self._pending.append((event, data))

    async def flush(self) -> Session:
        """Send the queued events to the connected bot; its session."""
        if (session := self.session) is None:
            raise AssertionError("no bot is connected to the gateway")
        pending, self._pending = self._pending, []
        for event, data in pending:
            await session.send(wire.DISPATCH, data, event)
        return session

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await (await self.flush()).send(wire.DISPATCH, data, event)

    async def barrier(self) -> None:
        """Return once the bot has read every event sent so far: discord.py reads frames in order and answers
        a HEARTBEAT request at once, so once its heartbeat is back, every earlier listener is scheduled."""
        session, seen = await self.flush(), self.heartbeats
        await session.send(wire.HEARTBEAT, session.sequence)
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.heartbeats > seen), 5)

    async def _serve_gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_query = dict(request.query)
        session = Session(ws, request.query.get("compress"))
        try:
            await session.send(wire.HELLO, {"heartbeat_interval": 41_250})
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    break
                op, data = (message := json.loads(frame.data)).get("op"), message.get("d")
                if op == wire.HEARTBEAT:
                    self.heartbeats += 1
                    await session.send(wire.HEARTBEAT_ACK)
                    async with self._changed:
                        self._changed.notify_all()
                elif op == wire.RESUME:
                    await session.send(wire.INVALID_SESSION, False)  # identify again
                elif op == wire.IDENTIFY and data.get("token") != wire.TOKEN:
                    await ws.close(code=4004, message=b"Authentication failed.")
                elif op == wire.IDENTIFY:
                    self.identify, session.intents = data, int(data.get("intents", 0))
                    self.sessions.append(session)
                    self._pending = []  # READY and GUILD_CREATE carry everything as it is now
                    await session.send(wire.DISPATCH, {
                        "v": 10, "user": bot_user(verified=True, mfa_enabled=False, flags=0),
                        "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
                        "session_id": f"e2e-session-{len(self.sessions)}", "resume_gateway_url": self.gateway_url,
                        "shard": [0, 1], "application": {"id": str(wire.APPLICATION_ID), "flags": 0}}, "READY")
                    for guild in self.guilds.values():
                        await session.send(wire.DISPATCH, guild.payload(len(self.users)), "GUILD_CREATE")
                    self.ready.set()
        finally:
            session.open = False
        return ws

    async def _serve_rest(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form["payload_json"])) if "payload_json" in form else None
        recorded = Recorded(request.method, "/" + request.match_info["tail"], dict(request.query), body,
                            request.headers.get("Authorization"))
        response = self._respond(recorded)
        recorded.status = response.status
        self.requests.append(recorded)
        async with self._changed:
            self._changed.notify_all()
        return response

    def _problems(self, request: Recorded) -> list[str]:
        return [problem for check in self.checks for problem in check(request)]

    def _respond(self, request: Recorded) -> web.Response:
        if self.fail is not None and (injected := self.fail(request)) is not None:
            return injected
        path, method, parts = request.path, request.method, request.path.strip("/").split("/")
        if parts[0] not in ("webhooks", "interactions") and request.authorization != f"Bot {wire.TOKEN}":
            return error(401, 0, "401: Unauthorized")
        if problems := self._problems(request):
            request.problems = problems
            return error(400, 50035, "Invalid Form Body", problems)
        if path == "/users/@me" and method == "GET":
            return _json(bot_user(verified=True, mfa_enabled=False, flags=0))
        if path == "/oauth2/applications/@me" and method == "GET":
            return _json(APPLICATION)
        if parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if parts[2] == "guilds" else "global"
            if method == "PUT":
                self._store_commands(scope, request.body)
            return _json(self.registered.get(scope, []))
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(request, self.exchanges.get(parts[2]))
        if parts[0] == "webhooks" and len(parts) >= 3 and parts[1] == str(wire.APPLICATION_ID):
            # /webhooks/{application}/{token}[/messages/{id|@original}]; follow-ups need a callback first
            if (exchange := self.exchanges.get(parts[2])) is None or exchange.answered_in is None:
                return error(404, 10015, "Unknown Webhook")
            target = parts[4] if len(parts) == 5 and parts[3] == "messages" else "" if len(parts) > 3 else None
            return self._messages(request, target, exchange.interaction, exchange)
        if parts[0] == "channels" and len(parts) in (3, 4) and parts[2] == "messages":
            if (channel := self.channel_by_id(int(parts[1]))) is None:
                return error(404, 10003, "Unknown Channel")
            where = {"channel_id": channel.id, "guild_id": channel.guild_id}
            return self._messages(request, parts[3] if len(parts) == 4 else None, where)
        request.problems = ["a route the fake Discord doesn't serve"]
        return error(404, 0, f"404: the fake Discord has no route {method} {path}")

    def _callback(self, request: Recorded, exchange: Exchange | None) -> web.Response:
        if exchange is None:
            return error(404, 10062, "Unknown interaction")
        if exchange.answered_in is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        exchange.answered_in = request.at - exchange.sent_at
        interaction, body = exchange.interaction, request.body or {}
        kind, data = body.get("type"), body.get("data") or {}
        result: dict[str, Any] = {"id": interaction["id"], "type": interaction["type"]}
        if kind in (wire.MESSAGE, wire.DEFERRED_MESSAGE):  # a new message; a deferred one shows once edited
            message = exchange.original = self._create(request, interaction, data, shown=kind == wire.MESSAGE)
            result.update(response_message_id=str(message.id), response_message_loading=kind != wire.MESSAGE,
                          response_message_ephemeral=message.ephemeral)
        elif kind in (wire.DEFERRED_UPDATE, wire.UPDATE):  # the clicked message, edited now or later
            message = self.messages.get(int(interaction["message"]["id"])) if "message" in interaction else None
            if message is None:
                return error(400, 50035, "Invalid Form Body: this interaction has no message to update")
            exchange.original = message
            if kind == wire.UPDATE:
                self._show(request, message.apply(data))
            result["response_message_id"] = str(message.id)
        else:  # autocomplete choices, a modal
            return web.Response(status=204)
        if request.query.get("with_response") in ("1", "true", "True"):
            return _json({"interaction": result, "resource": {"type": kind, "message": message.payload()}})
        return web.Response(status=204)

    def _messages(self, request: Recorded, target: str | None, where: dict[str, Any],
                  exchange: Exchange | None = None) -> web.Response:
        """POST creates a message (a follow-up, on a webhook); on `target` (an id, `@original`) PATCH edits it."""
        if target is None and request.method == "POST":
            return _json(self._create(request, where, request.body or {}).payload())
        found = exchange.original if exchange and target == "@original" else None
        if target and target.isdigit():
            found = self.messages.get(int(target))
        if found is None or found.deleted or found.channel_id != int(where["channel_id"]):
            return error(404, 10008, "Unknown Message")
        if request.method == "DELETE":
            found.deleted = True
            return web.Response(status=204)
        if request.method == "PATCH":
            self._show(request, found.apply(request.body or {}))
        return _json(found.payload())

    def _create(self, request: Recorded, where: dict[str, Any], body: dict[str, Any], shown: bool = True) -> Message:
        message = Message(snowflake(), int(where["channel_id"]), int(where["guild_id"])).apply(body)
        self.messages[message.id] = message
        if shown:
            self._show(request, message)
        return message

    def _show(self, request: Recorded, message: Message) -> None:
        """`request` made the bot's `message` show, new or edited."""
        request.message = message
        for watcher in self.watchers:
            watcher(message)
