"""A member's Discord client against the fake Discord (server.py), and `FakeDiscord`, which is both: the
client builds interactions only from the commands the bot registered, clicks buttons on the messages
Discord holds and writes messages, each action returning the `Exchange` the bot answered it with."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from bot.simulator import wire
from bot.simulator.models import Channel, Exchange, Guild, Message, Recorded, snowflake
from bot.simulator.server import DiscordServer, RequestCheck, error
from bot.simulator.wire import APPLICATION_ID, BOT_PERMISSIONS, EVERYONE, GUILD_ID, MODERATOR_ROLE_ID, TOKEN

__all__ = ["APPLICATION_ID", "BOT_PERMISSIONS", "EVERYONE", "GUILD_ID", "MODERATOR_ROLE_ID", "TOKEN", "Client",
           "Exchange", "FakeDiscord", "Message", "OptionCheck", "Recorded", "error"]

# what the client would refuse to send: (command, its registered options, the options to send) -> problems
OptionCheck = Callable[[str, list[dict[str, Any]], list[dict[str, Any]]], list[str]]
TYPED: dict[int, tuple[Callable[[str], Any], str]] = {  # what a member types, as the client sends it
    wire.INTEGER: (int, "a whole number"), wire.NUMBER: (float, "a number"), wire.BOOLEAN: (
        lambda text: {"true": True, "yes": True, "false": False, "no": False}[text.lower()], "true or false")}
NAMED = {wire.USER: "member", wire.CHANNEL: "channel", wire.ROLE: "role", wire.MENTIONABLE: "member or role"}


class Client:
    """A member's Discord client in one guild (`fake_guild`) of the fake Discord (`discord`)."""

    discord: FakeDiscord
    fake_guild: Guild
    channels: dict[str, Channel]  # the guild's, by name

    def _live(self) -> FakeDiscord:
        return self.discord

    def command_by_name(self, name: str, kind: int = wire.CHAT_INPUT) -> dict[str, Any]:
        registered = [c for commands in self.discord.registered.values() for c in commands]
        if not (found := [c for c in registered if c["name"] == name and c.get("type", wire.CHAT_INPUT) == kind]):
            raise AssertionError(f"/{name} was never registered; registered: {sorted(c['name'] for c in registered)}")
        return found[0]

    def interaction(self, kind: int, user: str, channel: Channel, data: dict[str, Any]) -> dict[str, Any]:
        """The INTERACTION_CREATE a member's action sends (`data`: what the action is)."""
        guild = self.discord.guilds[channel.guild_id]
        return {
            "id": str(snowflake()), "application_id": str(APPLICATION_ID), "type": kind,
            "token": f"e2e-token-{snowflake()}", "version": 1, "guild_id": str(guild.id),
            "channel_id": str(channel.id), "channel": channel.payload(), "member": self.discord.users[user].member(),
            "app_permissions": str(EVERYONE | guild.bot_permissions),  # @everyone's and the bot's role's
            "locale": "en-US", "guild_locale": "en-US", "entitlements": [], "attachment_size_limit": 10_485_760,
            "context": 0, "authorizing_integration_owners": {"0": str(guild.id)}, "data": data,
        }

    async def send(self, payload: dict[str, Any]) -> Exchange:
        return (await self._live().send_interactions(payload))[0]

    async def command(self, line: str, *, user: str = "member", channel: str = "general",
                      focused: str | None = None, force: bool = False, **options: Any) -> Exchange:
        """`/name [group] [sub]` with options as a member's client sends them: `command("/character", name="baek")`,
        members by name, roles and channels by name or id; `force` sends past the `option_checks`."""
        path, where = line.strip().lstrip("/").split(), self.channels[channel]
        command = self.command_by_name(path[0])
        data = {k: command[k] for k in ("id", "name", "guild_id") if k in command} | {"type": wire.CHAT_INPUT}
        data["options"] = self._options(command, path, options, focused, force, data, where)
        kind = wire.AUTOCOMPLETE_INTERACTION if focused else wire.APPLICATION_COMMAND
        return await self.send(self.interaction(kind, user, where, data))

    async def autocomplete(self, line: str, option: str, typed: str, **others: Any) -> Exchange:
        """What the bot suggests while a member types `typed` into `option` (`others`: as for `command`)."""
        return await self.command(line, focused=option, **{option: typed}, **others)

    def _options(self, command: dict[str, Any], path: list[str], values: dict[str, Any], focused: str | None,
                 force: bool, data: dict[str, Any], channel: Channel) -> list[dict[str, Any]]:
        """Options as Discord's client sends them, nested under their subcommand and group."""
        where, level = "/" + " ".join(path), command.get("options") or []
        for name in path[1:]:
            nested = (wire.SUBCOMMAND, wire.SUBCOMMAND_GROUP)
            if (found := next((o for o in level if o["name"] == name and o["type"] in nested), None)) is None:
                raise AssertionError(f"{where}: no registered subcommand {name!r}")
            level = found.get("options") or []
        options: list[dict[str, Any]] = []
        for name, value in values.items():
            if (spec := next((o for o in level if o["name"] == name), None)) is None:
                raise AssertionError(f"{where} has no registered option {name!r}")
            if name == focused:  # Discord sends what is typed so far, as a string
                options.append({"name": name, "type": spec["type"], "value": str(value), "focused": True})
            else:
                sent = self._value(spec, value, f"{where} {name}", data, channel, force)
                options.append({"name": name, "type": spec["type"], "value": sent})
        problems = [p for check in self.discord.option_checks for p in check(where, level, options)]
        if problems and not force:
            raise AssertionError("the client would not send this:\n" + "\n".join(problems))
        for depth in range(len(path) - 1, 0, -1):
            kind = wire.SUBCOMMAND if depth == len(path) - 1 else wire.SUBCOMMAND_GROUP
            options = [{"name": path[depth], "type": kind, "options": options}]
        return options

    def _value(self, spec: dict[str, Any], value: Any, where: str, data: dict[str, Any], channel: Channel,
               force: bool) -> Any:
        """Typed text as the option's type; a member, role or channel as its id, the object in `data.resolved`."""
        kind = spec["type"]
        if kind in TYPED and isinstance(value, str):
            try:
                return TYPED[kind][0](value)
            except (ValueError, KeyError):
                if force:
                    return value
                raise AssertionError(f"{where}: {value!r} is not {TYPED[kind][1]}") from None
        if kind not in NAMED:
            return value
        guild, resolved, name = self.discord.guilds[channel.guild_id], data.setdefault("resolved", {}), str(value)
        user = self.discord.users.get(name.lstrip("@")) if kind in (wire.USER, wire.MENTIONABLE) else None
        if user is not None:
            resolved.setdefault("users", {})[str(user.id)] = user.user()
            resolved.setdefault("members", {})[str(user.id)] = {k: v for k, v in user.member().items() if k != "user"}
            return str(user.id)
        found = next((c for c in guild.channels.values() if name.lstrip("#") in (c.name, str(c.id))), None)
        if kind == wire.CHANNEL and found is not None:
            resolved.setdefault("channels", {})[str(found.id)] = {**found.payload(), "permissions": str(EVERYONE)}
            return str(found.id)
        role = next((r for r in guild.roles() if name.lstrip("@").casefold() in (r["name"].casefold(), r["id"])), None)
        if kind in (wire.ROLE, wire.MENTIONABLE) and role is not None:
            resolved.setdefault("roles", {})[role["id"]] = role
            return role["id"]
        if force:
            return value
        raise AssertionError(f"{where}: no {NAMED[kind]} {value!r}")

    async def press(self, message: Message, button: str | int, *, user: str = "member",
                    force: bool = False) -> Exchange:
        """Click a button by label, custom_id or 1-based position (`force`: a disabled one, as a stale client)."""
        return await self.send(self.click(message, button, user, force))

    def click(self, message: Message, button: str | int, user: str = "member", force: bool = False) -> dict[str, Any]:
        """The INTERACTION_CREATE a click on `button` sends (see `press`)."""
        buttons = message.buttons()
        matches = [buttons[button - 1]] if isinstance(button, int) else [
            b for b in buttons if button in (b.get("label"), b.get("custom_id"))]
        if not matches:
            raise AssertionError(f"no button {button!r}; the message has {[b.get('label') for b in buttons]}")
        if matches[0].get("disabled") and not force:
            raise AssertionError(f"button {button!r} is disabled; Discord's client won't send the click")
        return self._component(message, {"custom_id": matches[0]["custom_id"], "component_type": wire.BUTTON}, user)

    async def choose(self, message: Message, values: list[str], *, user: str = "member") -> Exchange:
        """Pick `values` in the message's (first) select menu."""
        select = message.selects()[0]
        data = {"custom_id": select["custom_id"], "component_type": select["type"], "values": values}
        return await self.send(self._component(message, data, user))

    def _component(self, message: Message, data: dict[str, Any], user: str) -> dict[str, Any]:
        channel = self.discord.channel_by_id(message.channel_id)
        assert channel is not None, f"message {message.id} is in no channel of the fake Discord"
        return {**self.interaction(wire.COMPONENT, user, channel, data), "message": message.payload()}

    async def post(self, content: str, *, user: str = "member", channel: str = "general",
                   attachments: list[dict[str, Any]] | None = None) -> Message:
        """A member writes a message: Discord stores it and, to a bot with the guild-messages intent, sends it (the
        text only with the message-content intent); what the bot did in answer is its `exchange`."""
        fake, where, author = self._live(), self.channels[channel], self.discord.users[user]
        message = Message(snowflake(), where.id, where.guild_id, content=content, author=author,
                          attachments=attachments or [])
        fake.messages[message.id] = message
        member = {k: v for k, v in author.member().items() if k not in ("user", "permissions")}
        data = {**message.payload(), "member": member}
        intents = fake.session.intents if fake.session else 0
        if not intents & wire.MESSAGE_CONTENT:
            data["content"] = ""
        message.exchange = Exchange(data)
        if intents & wire.GUILD_MESSAGES:
            await fake._send("MESSAGE_CREATE", [message.exchange], answered=False)
        return message

    async def settle(self, since: set[asyncio.Task[Any]]) -> None:
        """Wait until the bot's work started since `since` is done, or idle (a game's clock, a view's click)."""
        await self._live().flush()
        await settle_tasks(since, handlers_only=False)


class FakeDiscord(Client, DiscordServer):
    """Start with `await FakeDiscord().start()`; point discord.py at `api_base` and `gateway_url`. `checks`
    see each request and `option_checks` each command a client sends (without, it takes what Discord parses)."""

    def __init__(self, checks: Iterable[RequestCheck] = (), option_checks: Iterable[OptionCheck] = ()) -> None:
        super().__init__(checks)
        self.option_checks = list(option_checks)
        self.discord, self.fake_guild, self.channels = self, self.guild, self.guild.channels

    async def send_interactions(self, *payloads: dict[str, Any]) -> list[Exchange]:
        """Send each INTERACTION_CREATE before the bot answers any (its handlers may interleave); return once all
        are answered and the bot is quiet."""
        exchanges = [Exchange(payload) for payload in payloads]
        self.exchanges.update((exchange.interaction["token"], exchange) for exchange in exchanges)
        await self._send("INTERACTION_CREATE", exchanges, answered=True)
        return exchanges

    async def _send(self, event: str, exchanges: list[Exchange], answered: bool) -> None:
        """Dispatch the events, wait for each callback (or, not `answered`, for the bot to read them) and the
        handlers; each exchange then holds the requests the bot sent."""
        start, baseline = len(self.requests), asyncio.all_tasks()
        try:
            for exchange in exchanges:
                exchange.sent_at = time.monotonic()
                await self.dispatch(event, exchange.interaction)
            for token in [exchange.interaction["token"] for exchange in exchanges] if answered else ():
                try:
                    await self.wait_for(lambda r, t=token: r.path.endswith(f"/{t}/callback"), since=start)
                except TimeoutError:
                    raise AssertionError(f"the bot did not answer interaction {token} within 5 s") from None
            if not answered:
                await self.barrier()
            await settle_tasks(baseline)
        finally:
            for exchange in exchanges:
                exchange.requests = self.requests[start:]

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, patience: float = 5.0,
                       since: int = 0) -> Recorded:
        """The first request (from index `since`) matching `predicate`, waiting for it if needed."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: any(map(predicate, self.requests[since:]))), patience)
        return next(r for r in self.requests[since:] if predicate(r))


# discord.py's names for the tasks it runs a bot's handlers in (commands, views, listeners). Besides those,
# the bot's work is the tasks it names (a trivia game); unnamed ones are plumbing, and its connection lasts.
BOT_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_")
CONNECTION_TASK = "simulated-bot-connection"


async def settle_tasks(baseline: set[asyncio.Task[Any]], idle: float = 0.25, *, handlers_only: bool = True) -> None:
    """Wait for the tasks started since `baseline` (only discord.py's handlers, if `handlers_only`), or until
    none has finished for `idle` seconds (they sit waiting: a game's clock, `view.wait()`)."""

    def counts(name: str) -> bool:
        return name.startswith(BOT_TASKS) or not (handlers_only or name == CONNECTION_TASK
                                                  or re.fullmatch(r"Task-\d+", name))

    current = asyncio.current_task()
    while True:
        await asyncio.sleep(0)
        pending = [t for t in asyncio.all_tasks() if t not in baseline and t is not current and not t.done()
                   and counts(t.get_name())]
        if not pending or not (await asyncio.wait(pending, timeout=idle))[0]:
            return
