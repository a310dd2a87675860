"""The fake Discord's REST API on 127.0.0.1, over real HTTP, and the state Discord keeps (guilds,
channels, users, messages, registered commands); its gateway websocket is in gateway.py.

discord.py logs in over HTTP and answers interactions with HTTP requests, recorded exactly as Discord
would receive them. What Discord itself enforces and matters for a bot is enforced too: the token on
every bot route, one callback per interaction (a second one is 400 / 40060), follow-ups only after a
callback, messages only in channels that exist, and the documented payload limits (a payload over a
limit is 400 / 50035, as on Discord).

What members do in their Discord client (slash commands, clicks, messages) is in fake_discord.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.simulator import wire
from bot.simulator.command_rules import check_commands
from bot.simulator.gateway import Gateway
from bot.simulator.models import (
    APPLICATION_ID,
    BOT_ROLE_ID,
    EVERYONE,
    GUILD_ID,
    MODERATOR,
    MODERATOR_ROLE_ID,
    TOKEN,
    Channel,
    Guild,
    Message,
    Recorded,
    User,
    bot_user,
    snowflake,
)


def _json(payload: Any, status: int = 200) -> web.Response:
    # exactly `application/json`: discord.py parses nothing else (aiohttp's json_response adds a charset)
    return web.Response(body=json.dumps(payload).encode(), status=status,
                        headers={"Content-Type": "application/json"})


def error(status: int, code: int, message: str, errors: list[str] | None = None) -> web.Response:
    """An error answer shaped as Discord's (also for `fail` hooks: `error(403, 50013, "Missing Permissions")`)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": e} for e in errors]}
    return _json(body, status)


class DiscordServer(Gateway):
    """Start with `await server.start()`; point discord.py at `api_base` and `gateway_url`."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Recorded] = []
        self.messages: dict[int, Message] = {}
        self.registered: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.fail: Callable[[Recorded], web.Response | None] | None = None  # inject HTTP failures
        self.watchers: list[Callable[[Message], None]] = []  # told of every message the bot sends or edits
        self.unknown_routes: list[Recorded] = []
        self.users = {"member": User(snowflake(), "member"), "moderator": User(snowflake(), "moderator", MODERATOR),
                      "helper": User(snowflake(), "helper", roles=[MODERATOR_ROLE_ID])}
        self.guilds: dict[int, Guild] = {}
        self.add_guild(GUILD_ID, MODERATOR_ROLE_ID)
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> the INTERACTION_CREATE data
        self._answered: dict[str, float] = {}  # token -> seconds from dispatch to callback
        self._pressed: dict[str, Message] = {}  # component interaction token -> the clicked message
        self._sent_at: dict[str, float] = {}
        self._collecting: dict[str, list[Message]] = {}  # open exchanges -> messages created or edited
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> DiscordServer:
        app = web.Application()
        app.router.add_get("/gateway", self._serve_gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._serve_rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    # -- what Discord holds -----------------------------------------------------------------------------

    @property
    def guild(self) -> Guild:
        """The first guild (the bot's test server)."""
        return self.guilds[GUILD_ID]

    @property
    def channels(self) -> dict[str, Channel]:
        return self.guild.channels

    def add_guild(self, guild_id: int | None = None, moderator_role_id: int | None = None) -> Guild:
        """A server the bot is in, with #general and #spoilers; a connected bot receives GUILD_CREATE."""
        first = not self.guilds
        guild = Guild(guild_id or snowflake(), "Golden Hour Test Server" if first else "Another Server",
                      self.users["moderator"].id, moderator_role_id or snowflake(),
                      bot_role_id=BOT_ROLE_ID if first else snowflake())
        for name in ("general", "spoilers"):
            guild.channels[name] = Channel(snowflake(), name, guild.id)
        self.guilds[guild.id] = guild
        self.queue_event("GUILD_CREATE", guild.payload(len(self.users)))
        return guild

    def add_channel(self, guild: Guild, name: str, *, parent: str | None = None) -> Channel:
        """A new text channel, or a thread of the channel `parent`; a connected bot is told."""
        channel = Channel(snowflake(), name, guild.id, guild.channels[parent].id if parent else None)
        guild.channels[name] = channel
        self.queue_event("THREAD_CREATE" if parent else "CHANNEL_CREATE",
                         {**channel.payload(), "newly_created": True} if parent else channel.payload())
        return channel

    def add_user(self, name: str, permissions: int | None = None, roles: list[int] | None = None) -> User:
        user = User(snowflake(), name, EVERYONE if permissions is None else permissions, roles or [])
        self.users[name] = user
        return user

    def set_bot_permissions(self, guild: Guild, permissions: int) -> None:
        """What the bot's managed role allows (by default what the invite asks for); a connected bot
        receives GUILD_ROLE_UPDATE, and interactions carry the new `app_permissions`."""
        guild.bot_permissions = permissions
        role = guild.role(guild.bot_role_id)
        self.queue_event("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role})

    def channel_by_id(self, channel_id: int) -> Channel:
        for guild in self.guilds.values():
            for channel in guild.channels.values():
                if channel.id == channel_id:
                    return channel
        raise AssertionError(f"no channel {channel_id} on the fake Discord")

    def register(self, commands: list[dict[str, Any]], guild_id: int | None = None) -> list[dict[str, Any]]:
        """Commands as registered earlier (by a past sync), without the bot asking now; checked as a PUT is."""
        if problems := check_commands(commands):
            raise AssertionError("Discord would refuse these commands:\n" + "\n".join(problems))
        return self._store_commands(str(guild_id) if guild_id else "global", commands)

    def _store_commands(self, scope: str, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        registered = []
        for command in commands:
            entry = {**command, "id": str(snowflake()), "application_id": str(APPLICATION_ID), "version": "1",
                     "type": command.get("type", wire.CHAT_INPUT)}
            if scope != "global":
                entry["guild_id"] = scope
            registered.append(entry)
        self.registered[scope] = registered
        return registered

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
        if parts[0] not in ("webhooks", "interactions") and request.authorization != f"Bot {TOKEN}":
            return error(401, 0, "401: Unauthorized")
        if problems := request.problems():  # what Discord does with a payload over a limit
            return error(400, 50035, "Invalid Form Body", problems)
        if path == "/users/@me" and method == "GET":
            return _json({**bot_user(), "verified": True, "mfa_enabled": False, "flags": 0})
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
        return _json(self._store_commands(scope, request.body or []))

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
        if kind in (wire.MESSAGE, wire.DEFERRED_MESSAGE):
            message = self._new_message(interaction, token, original=True)
            message.apply(data)
            self._store(message, request, touched=kind == wire.MESSAGE)
            result["interaction"].update(response_message_id=str(message.id),
                                         response_message_loading=kind == wire.DEFERRED_MESSAGE,
                                         response_message_ephemeral=message.ephemeral)
            result["resource"] = {"type": kind, "message": message.payload()}
        elif kind in (wire.DEFERRED_UPDATE, wire.UPDATE):
            source = self._pressed.get(token)
            if source is None:
                return error(400, 50035, "Invalid Form Body: this interaction has no message to update")
            request.message = source
            if kind == wire.UPDATE:
                source.apply(data)
                self._touch(source, token)
            source.token, source.original = token, True
            result["interaction"]["response_message_id"] = str(source.id)
            result["resource"] = {"type": kind, "message": source.payload()}
        elif kind in (wire.AUTOCOMPLETE, wire.MODAL):
            return web.Response(status=204)
        if request.query.get("with_response") in ("1", "true", "True"):
            return _json(result)
        return web.Response(status=204)

    def _new_message(self, interaction: dict[str, Any], token: str, original: bool = False) -> Message:
        return Message(snowflake(), int(interaction["channel_id"]), int(interaction["guild_id"]), token=token,
                       original=original)

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
            message = self._new_message(interaction, token)
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
        return self._message_verb(request, found, token)

    def _channel_messages(self, request: Recorded, parts: list[str]) -> web.Response:
        channel_id = int(parts[1])
        try:
            channel = self.channel_by_id(channel_id)
        except AssertionError:
            return error(404, 10003, "Unknown Channel")
        if len(parts) == 3 and request.method == "POST":
            message = Message(snowflake(), channel_id, channel.guild_id)
            message.apply(request.body or {})
            self._store(message, request)
            return _json(message.payload())
        found = self.messages.get(int(parts[3])) if len(parts) == 4 else None
        if found is None or found.deleted or found.channel_id != channel_id:
            return error(404, 10008, "Unknown Message")
        return self._message_verb(request, found)

    def _message_verb(self, request: Recorded, message: Message, token: str | None = None) -> web.Response:
        request.message = message
        if request.method == "PATCH":
            message.apply(request.body or {})
            self._touch(message, token)
            return _json(message.payload())
        if request.method == "DELETE":
            message.deleted = True
            return web.Response(status=204)
        return _json(message.payload())

    def _store(self, message: Message, request: Recorded, touched: bool = True) -> None:
        self.messages[message.id] = message
        request.message = message
        if touched:
            self._touch(message, message.token)

    def _touch(self, message: Message, token: str | None) -> None:
        """A message the bot created or edited: it belongs to its interaction's exchange, or (a message
        sent to a channel) to every exchange under way."""
        if token is not None:
            if token in self._collecting:
                self._collecting[token].append(message)
        else:
            for messages in self._collecting.values():
                messages.append(message)
        for watcher in self.watchers:
            watcher(message)
