"""A fake Discord on loopback, and what members do in their Discord client against it.

The server (server.py: REST; gateway.py: the websocket) is what discord.py talks to, over real HTTP and
a real socket on 127.0.0.1. This module is the other side: a member's client, which builds interactions
only from the commands the bot registered and only with option values the client would allow, clicks
buttons on the messages Discord holds, and writes messages; each action returns the `Exchange` of
requests the bot answered it with.

For a bot in this process, `bot.simulator.session.SimulatedServer` starts the fake, logs the bot in
and drives it through here.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

from bot import limits
from bot.simulator import payload_limits, wire
from bot.simulator.models import (
    APPLICATION_ID,
    BOT_PERMISSIONS,
    EVERYONE,
    GUILD_ID,
    MODERATOR_ROLE_ID,
    TOKEN,
    Channel,
    Exchange,
    Message,
    Recorded,
    User,
    snowflake,
)
from bot.simulator.server import DiscordServer, error

__all__ = ["APPLICATION_ID", "BOT_PERMISSIONS", "EVERYONE", "GUILD_ID", "MODERATOR_ROLE_ID", "TOKEN", "Exchange",
           "FakeDiscord", "Message", "Recorded", "error"]

Where = str | Channel  # a channel of the first guild by name, or any guild's channel


class FakeDiscord(DiscordServer):
    """Start with `await FakeDiscord().start()`; point discord.py at `api_base` and `gateway_url`."""

    # -- what the client knows ----------------------------------------------------------------------------

    def command_by_name(self, name: str, kind: int = wire.CHAT_INPUT) -> dict[str, Any]:
        for commands in self.registered.values():
            for command in commands:
                if command["name"] == name and command.get("type", wire.CHAT_INPUT) == kind:
                    return command
        raise AssertionError(f"/{name} was never registered; registered: {self.registered_names()}")

    def registered_names(self) -> list[str]:
        return sorted(c["name"] for commands in self.registered.values() for c in commands)

    def channel(self, where: Where) -> Channel:
        return where if isinstance(where, Channel) else self.channels[where]

    def _interaction(self, kind: int, user: str, channel: Channel, data: dict[str, Any]) -> dict[str, Any]:
        guild = self.guilds[channel.guild_id]
        return {
            "id": str(snowflake()), "application_id": str(APPLICATION_ID), "type": kind,
            "token": f"e2e-token-{snowflake()}", "version": 1, "guild_id": str(guild.id),
            "channel_id": str(channel.id), "channel": channel.payload(), "member": self.users[user].member(),
            "app_permissions": str(guild.app_permissions), "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "attachment_size_limit": 10_485_760, "context": 0,
            "authorizing_integration_owners": {"0": str(guild.id)}, "data": data,
        }

    # -- slash commands -------------------------------------------------------------------------------------

    async def command(self, line: str, *, user: str = "member", channel: Where = "general",
                      focused: str | None = None, force: bool = False, **options: Any) -> Exchange:
        """Invoke `/name [group] [sub]` with options, as a member's Discord client would.

        `force` sends the values as given, past the checks the client makes (types, ranges, lengths,
        choices, required options), as a modified client or a stale registration could."""
        path = line.strip().lstrip("/").split()
        command = self.command_by_name(path[0])
        target = self.channel(channel)
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": wire.CHAT_INPUT}
        data["options"] = self._wire_options(command, path, options, focused, force, data, target)
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        kind = wire.AUTOCOMPLETE_INTERACTION if focused else wire.APPLICATION_COMMAND
        return await self.send_interaction(self._interaction(kind, user, target, data))

    async def autocomplete(self, line: str, option: str, typed: str, **others: Any) -> Exchange:
        return await self.command(line, focused=option, **{option: typed}, **others)

    async def message_command(self, name: str, target: Message, *, user: str = "moderator") -> Exchange:
        """Apps > `name` on a message (a registered message context-menu command)."""
        command = self.command_by_name(name, wire.MESSAGE_COMMAND)
        data = {"id": command["id"], "name": name, "type": wire.MESSAGE_COMMAND, "target_id": str(target.id),
                "resolved": {"messages": {str(target.id): target.payload()}}}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        channel = self.channel_by_id(target.channel_id)
        return await self.send_interaction(self._interaction(wire.APPLICATION_COMMAND, user, channel, data))

    def _wire_options(self, command: dict[str, Any], path: list[str], values: dict[str, Any], focused: str | None,
                      force: bool, data: dict[str, Any], channel: Channel) -> list[dict[str, Any]]:
        """Options as Discord's client sends them; refuses what the client would refuse to send."""
        level = command.get("options") or []
        for name in path[1:]:
            nested = (wire.SUBCOMMAND, wire.SUBCOMMAND_GROUP)
            found = next((o for o in level if o["name"] == name and o["type"] in nested), None)
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
                option["value"] = self._resolve(spec, value, path, data, channel, force)
                if not force:
                    _client_would_send(spec, option["value"], path)
            leaf.append(option)
        missing = [o["name"] for o in level if o.get("required") and o["name"] not in values]
        if missing and focused is None and not force:
            raise AssertionError(f"/{' '.join(path)}: the client requires {missing}")
        wire_options = leaf
        for depth in range(len(path) - 1, 0, -1):
            kind = wire.SUBCOMMAND if depth == len(path) - 1 else wire.SUBCOMMAND_GROUP
            wire_options = [{"name": path[depth], "type": kind, "options": wire_options}]
        return wire_options

    def _resolve(self, spec: dict[str, Any], value: Any, path: list[str], data: dict[str, Any], channel: Channel,
                 force: bool) -> Any:
        """A user, role or channel option as Discord sends it: its id, the object in `data.resolved`.
        Users go by name (`member="helper"`), roles and channels by id, channels also by name."""
        kind = spec["type"]
        if kind not in (wire.USER, wire.CHANNEL, wire.ROLE, wire.MENTIONABLE):
            return value
        guild = self.guilds[channel.guild_id]
        resolved = data.setdefault("resolved", {})
        user = value if isinstance(value, User) else self.users.get(value) if isinstance(value, str) else None
        if user is not None and kind in (wire.USER, wire.MENTIONABLE):
            resolved.setdefault("users", {})[str(user.id)] = user.user()
            member = {k: v for k, v in user.member().items() if k != "user"}
            resolved.setdefault("members", {})[str(user.id)] = member
            return str(user.id)
        found = value if isinstance(value, Channel) else next(
            (c for c in guild.channels.values() if str(value) in (c.name, str(c.id))), None)
        if kind == wire.CHANNEL and found is not None:
            resolved.setdefault("channels", {})[str(found.id)] = {**found.payload(), "permissions": str(EVERYONE)}
            return str(found.id)
        if kind in (wire.ROLE, wire.MENTIONABLE) and (role := guild.role(int(value) if str(value).isdigit() else 0)):
            resolved.setdefault("roles", {})[role["id"]] = role
            return role["id"]
        if force:
            return value
        raise AssertionError(f"/{' '.join(path)} {spec['name']}: no such member, role or channel: {value!r}")

    # -- components and messages ----------------------------------------------------------------------------

    async def press(self, message: Message, button: str | int, *, user: str = "member",
                    force: bool = False) -> Exchange:
        """Click a button on a message Discord holds, by label, custom_id or 1-based position.
        `force` clicks a disabled one, as a client that hasn't received the edit yet would."""
        return await self.send_interaction(self._click(message, button, user, force))

    def _click(self, message: Message, button: str | int, user: str, force: bool) -> dict[str, Any]:
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
        return self._component(message, {"custom_id": target["custom_id"], "component_type": wire.BUTTON}, user)

    async def choose(self, message: Message, values: list[str], *, user: str = "member") -> Exchange:
        select = message.selects()[0]
        data = {"custom_id": select["custom_id"], "component_type": select["type"], "values": values}
        return await self.send_interaction(self._component(message, data, user))

    def _component(self, message: Message, data: dict[str, Any], user: str) -> dict[str, Any]:
        payload = self._interaction(wire.COMPONENT, user, self.channel_by_id(message.channel_id), data)
        payload["message"] = message.payload()
        self._pressed[payload["token"]] = message
        return payload

    async def post(self, content: str, *, user: str = "member", channel: Where = "general",
                   attachments: list[dict[str, Any]] | None = None) -> Message:
        """A member writes a message: Discord stores it and, to a bot with the guild-messages intent, sends
        MESSAGE_CREATE (carrying the text only with the message-content intent, as on Discord). What the
        bot did in answer is the message's `exchange`."""
        author, target = self.users[user], self.channel(channel)
        message = Message(snowflake(), target.id, target.guild_id, content=content, author=author,
                          attachments=attachments or [])
        self.messages[message.id] = message
        data = message.payload()
        data["member"] = {k: v for k, v in author.member().items() if k not in ("user", "permissions")}
        intents = self.session.intents if self.session else 0
        if not intents & wire.MESSAGE_CONTENT:
            data["content"] = ""
        key, start, baseline = f"message-{message.id}", len(self.requests), asyncio.all_tasks()
        self._collecting[key] = []
        sent_at = time.monotonic()
        try:
            if intents & wire.GUILD_MESSAGES:
                await self.dispatch("MESSAGE_CREATE", data)
                await self.barrier()
                await _settle(baseline)
        finally:
            message.exchange = Exchange(data, self.requests[start:], self._collecting.pop(key), sent_at)
        return message

    # -- interactions ---------------------------------------------------------------------------------------

    async def send_interaction(self, payload: dict[str, Any], *, patience: float = 5.0) -> Exchange:
        """Send INTERACTION_CREATE over the websocket; return once the bot has answered and gone quiet."""
        token = payload["token"]
        start, baseline = len(self.requests), asyncio.all_tasks()
        self._expect(payload)
        try:
            await self.dispatch("INTERACTION_CREATE", payload)
            await self._answer(token, patience, start)
            await _settle(baseline)
        finally:
            messages = self._collecting.pop(token)
        return Exchange(payload, self.requests[start:], messages, self._sent_at[token])

    def _expect(self, payload: dict[str, Any]) -> None:
        token = payload["token"]
        self._interactions[token] = payload
        self._collecting[token] = []
        self._sent_at[token] = time.monotonic()

    async def _answer(self, token: str, patience: float, since: int) -> Recorded:
        try:
            return await self.wait_for(lambda r: r.path.endswith(f"/{token}/callback"), patience=patience,
                                       since=since)
        except TimeoutError:
            raise AssertionError(f"the bot did not answer interaction {token} within {patience} s") from None

    async def press_all(self, message: Message, clicks: list[tuple[str, str | int]]) -> dict[str, list[Recorded]]:
        """Many members click at the same instant: every INTERACTION_CREATE is sent before the bot answers
        any, so its handlers really interleave. `clicks` is (user, button) pairs, buttons as in `press`;
        returns each user's requests (their interaction callbacks and follow-ups), in order."""
        start, baseline = len(self.requests), asyncio.all_tasks()
        tokens: dict[str, str] = {}
        try:
            for user, button in clicks:
                payload = self._click(message, button, user, force=False)
                tokens[payload["token"]] = user
                self._expect(payload)
                await self.dispatch("INTERACTION_CREATE", payload)
            for token in tokens:
                await self._answer(token, 5.0, start)
            await _settle(baseline)
        finally:
            for token in tokens:
                self._collecting.pop(token, None)
        by_user: dict[str, list[Recorded]] = {user: [] for user in tokens.values()}
        for request in self.requests[start:]:
            if request.token in tokens:
                by_user[tokens[request.token]].append(request)
        return by_user

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

    async def settle(self, idle: float = 0.25, since: set[asyncio.Task[Any]] | None = None) -> None:
        """Wait until the bot's work (the tasks started since `since`: handlers, view timeouts, games) is
        done, or has done nothing for `idle` seconds (a game waiting for its clock, a view for a click)."""
        await self.flush()
        await _settle(since or set(), idle, handlers_only=False)

    def all_problems(self) -> list[str]:
        """Everything Discord would refuse or members would notice: payloads over a limit, pinging
        messages, interactions answered late or never, requests to routes Discord doesn't have."""
        late = limits.INITIAL_RESPONSE_SECONDS
        problems = [f"{r.method} {r.path}: {p}" for r in self.requests for p in r.problems()]
        problems += [p for r in self.requests for p in payload_limits.check_no_pings(r.method, r.path, r.body)]
        problems += [f"interaction {token} answered after {seconds:.2f} s (Discord allows {late:.0f})"
                     for token, seconds in self._answered.items() if seconds >= late]
        problems += [f"interaction {token} never answered" for token in self._interactions
                     if token not in self._answered]
        problems += [f"{r.method} {r.path}: a route the fake Discord doesn't serve" for r in self.unknown_routes]
        return problems


def _client_would_send(spec: dict[str, Any], value: Any, path: list[str]) -> None:
    where = f"/{' '.join(path)} {spec['name']}"
    kind = spec["type"]
    if kind in (wire.USER, wire.CHANNEL, wire.ROLE, wire.MENTIONABLE):
        return  # resolved to something that exists, or refused, by `_resolve`
    expected = {wire.STRING: str, wire.INTEGER: int, wire.BOOLEAN: bool, wire.NUMBER: (int, float)}.get(kind)
    if expected is None:
        raise AssertionError(f"{where}: option type {kind} is not supported by the fake client")
    if not isinstance(value, expected) or (kind in (wire.INTEGER, wire.NUMBER) and isinstance(value, bool)):
        raise AssertionError(f"{where}: {value!r} is not a valid value of type {kind}")
    if spec.get("choices") and value not in [c["value"] for c in spec["choices"]]:
        raise AssertionError(f"{where}: {value!r} is not one of the choices")
    if ("min_value" in spec and value < spec["min_value"]) or ("max_value" in spec and value > spec["max_value"]):
        raise AssertionError(f"{where}: {value!r} is outside the range the client allows")
    longest = spec.get("max_length", limits.STRING_OPTION_LENGTH)
    if kind == wire.STRING and not spec.get("min_length", 0) <= len(value) <= longest:
        raise AssertionError(f"{where}: {len(value)} characters is outside the length the client allows")


# discord.py's names for the tasks it runs a bot's handlers in: app commands, component and modal
# callbacks, view timeouts, dynamic items, and event listeners.
_BOT_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_")
# Besides those, the bot's work is the tasks it names itself (a trivia game); unnamed ones are plumbing
# (a view's timer, this process's HTTP server's connections), and the bot's connection lasts.
_UNNAMED = re.compile(r"Task-\d+")
CONNECTION_TASK = "simulated-bot-connection"


def _counts(task: asyncio.Task[Any], handlers_only: bool) -> bool:
    name = task.get_name()
    if name.startswith(_BOT_TASKS):
        return True
    return not handlers_only and name != CONNECTION_TASK and not _UNNAMED.fullmatch(name)


async def _settle(baseline: set[asyncio.Task[Any]], idle: float = 0.25, *, handlers_only: bool = True) -> None:
    """Wait for the tasks started since `baseline` (only discord.py's handler tasks: command invokers,
    view callbacks, event listeners, unless not `handlers_only`) to finish; stop early once none has
    finished for `idle` seconds (they sit waiting: a game's clock, `view.wait()`)."""
    current = asyncio.current_task()
    while True:
        await asyncio.sleep(0)
        pending = [t for t in asyncio.all_tasks() if t not in baseline and t is not current and not t.done()
                   and _counts(t, handlers_only)]
        if not pending:
            return
        done, _ = await asyncio.wait(pending, timeout=idle)
        if not done:
            return
