"""`goldenhour console`: try every command without a Discord token.

It runs the real bot (command tree, cogs, services, renderer) logged in to a fake Discord on 127.0.0.1
(`bot.simulator.session.SimulatedServer`), and prints each message the bot sends or edits as text.
Slash commands are typed as a member would; lines starting with `:` drive the simulation.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any, TextIO

import discord
from discord import AppCommandOptionType, app_commands

from bot.simulator.models import Message
from bot.simulator.session import SimulatedServer
from bot.simulator.text import message_as_text

HELP = """\
Type slash commands as on Discord, options as name:value, e.g.
  /about
  /character name:baek
  /recap episode:3 private:true
  /trivia start questions:3
  /spoilers mode mode:off           (as a moderator: :as moderator)
Console commands:
  :as member|moderator|helper       who you are (moderator has Manage Server; helper has the mod role)
  :channel general|spoilers|NAME    where you are (a new name creates the channel)
  :press N [as USER]                press button N of the last message with buttons
  :choose LABEL                     pick an option in the last message's menu
  :say TEXT                         post a message in the channel (for the spoiler guard)
  :complete /command option:partial show the autocomplete choices
  :reveal                           show the last message with its spoilers revealed
  :commands                         list the slash commands
  :help, :quit
"""


class Console:
    def __init__(self, sim: SimulatedServer, out: TextIO = sys.stdout) -> None:
        self.sim = sim
        self.out = out
        self.user = "member"
        self.channel = "general"
        self.last_with_components: Message | None = None
        self.last: Message | None = None
        self._seen: dict[int, int] = {}
        sim.watchers.append(self._show)

    def _show(self, message: Message) -> None:
        edited = message.id in self._seen
        self._seen[message.id] = self._seen.get(message.id, 0) + 1
        self.last = message
        if message.buttons() or message.selects():
            self.last_with_components = message
        text = message_as_text(message.content, message.embeds, message.components,
                               ephemeral=message.ephemeral, edited=edited, names=self._names())
        self.print(text + "\n")

    def _names(self) -> dict[int, str]:
        """Who and what mentions point at in the simulated server, to show them as Discord does."""
        names = {user.id: name for name, user in self.sim.users.items()}
        names.update({channel.id: name for name, channel in self.sim.channels.items()})
        names.update({role.id: role.name for role in self.sim.guild.roles})
        return names

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def run_line(self, line: str) -> bool:
        """Run one line; False means quit."""
        line = line.strip()
        if not line:
            return True
        before = asyncio.all_tasks()
        try:
            if line.startswith(":"):
                return await self._meta(line)
            if line.startswith("/"):
                path, options = parse_command(self.sim.bot.tree, line, sim=self.sim)
                await self.sim.command(" ".join(path), user=self.user, channel=self.channel, **options)
                return True
            self.print("Commands start with / (slash commands) or : (console). Try :help")
        except ConsoleError as exc:
            self.print(f"! {exc}")
        finally:  # what the line set going shows before the next line (a game's first question)
            await self.sim.settle(since=before)
        return True

    async def _meta(self, line: str) -> bool:
        word, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if word in ("quit", "exit", "q"):
            return False
        if word == "help":
            self.print(HELP)
        elif word == "as":
            if rest not in self.sim.users:
                raise ConsoleError(f"unknown user; choose one of {', '.join(self.sim.users)}")
            self.user = rest
            self.print(f"You are now {rest}.")
        elif word == "channel":
            name = rest.lstrip("#")
            if not name:
                raise ConsoleError("which channel?")
            if name not in self.sim.channels:
                self.sim.add_channel(name)
            self.channel = name
            self.print(f"You are now in #{name}.")
        elif word == "press":
            parts = rest.split()
            if not parts or not parts[0].isdigit():
                raise ConsoleError("usage: :press N [as USER]")
            user = parts[2] if len(parts) == 3 and parts[1] == "as" else self.user
            message = self.last_with_components
            if message is None or not message.buttons():
                raise ConsoleError("no message with buttons yet")
            index = int(parts[0])
            if not 1 <= index <= len(message.buttons()):
                raise ConsoleError(f"there are {len(message.buttons())} buttons")
            await self.sim.press(message, index, user=user)
        elif word == "choose":
            message = self.last_with_components
            if message is None or not message.selects():
                raise ConsoleError("no menu to choose from")
            options = message.selects()[0].get("options", [])
            match = [o["value"] for o in options if o["label"].casefold() == rest.casefold() or o["value"] == rest]
            if not match:
                raise ConsoleError(f"no option {rest!r}")
            await self.sim.choose(message, match[:1], user=self.user)
        elif word == "say":
            await self.sim.post(rest, user=self.user, channel=self.channel)
        elif word == "complete":
            path, options = parse_command(self.sim.bot.tree, rest, partial=True)
            if not options:
                raise ConsoleError("usage: :complete /command option:partial")
            focused = list(options)[-1]
            value = str(options.pop(focused))
            reply = await self.sim.autocomplete(" ".join(path), focused, value, user=self.user,
                                                channel=self.channel, **options)
            self.print("\n".join(f"  {c['name']}" for c in reply.choices) or "  (no suggestions)")
        elif word == "reveal":
            if self.last is None:
                raise ConsoleError("nothing to reveal yet")
            m = self.last
            self.print(message_as_text(m.content, m.embeds, m.components, ephemeral=m.ephemeral, reveal=True,
                                       names=self._names()))
        elif word == "commands":
            for command in sorted(walk_commands(self.sim.bot.tree), key=lambda c: c.qualified_name):
                self.print(f"  /{command.qualified_name} — {command.description}")
        else:
            raise ConsoleError(f"unknown console command :{word} (try :help)")
        return True


class ConsoleError(Exception):
    pass


def walk_commands(tree: app_commands.CommandTree) -> list[app_commands.Command[Any, ..., Any]]:
    found: list[app_commands.Command[Any, ..., Any]] = []
    stack: list[Any] = list(tree.get_commands())
    while stack:
        item = stack.pop()
        if isinstance(item, app_commands.Group):
            stack.extend(item.commands)
        elif isinstance(item, app_commands.Command):
            found.append(item)
    return found


def parse_command(tree: app_commands.CommandTree, line: str, partial: bool = False,
                  sim: SimulatedServer | None = None) -> tuple[list[str], dict[str, Any]]:
    """`/trivia start questions:3 category:plot` -> (["trivia", "start"], {"questions": 3, ...})."""
    # Plain words, not shell quoting: a value may hold apostrophes and quotes ("Baek's father").
    tokens = line.strip().lstrip("/").split()
    if not tokens:
        raise ConsoleError("which command?")
    path: list[str] = []
    found: Any = tree.get_command(tokens[0])
    if found is None:
        raise ConsoleError(f"no command /{tokens[0]} (try :commands)")
    path.append(tokens.pop(0))
    while isinstance(found, app_commands.Group):
        if not tokens or tokens[0] not in {c.name for c in found.commands}:
            names = ", ".join(c.name for c in found.commands)
            raise ConsoleError(f"/{' '.join(path)} needs a subcommand: {names}")
        found = found.get_command(tokens[0])
        path.append(tokens.pop(0))
    options: dict[str, Any] = {}
    current: str | None = None
    for token in tokens:
        name, sep, value = token.partition(":")
        if sep and found.get_parameter(name) is not None:
            current = name
            options[name] = value
        elif current is not None:
            options[current] += " " + token
        else:
            raise ConsoleError(f"expected name:value, got {token!r}; options: "
                               + ", ".join(p.name for p in found.parameters))
    return path, {name: _convert(found, name, value, partial, sim) for name, value in options.items()}


def _convert(command: app_commands.Command[Any, ..., Any], name: str, value: str, partial: bool,
             sim: SimulatedServer | None = None) -> Any:
    parameter = command.get_parameter(name)
    assert parameter is not None
    kind = parameter.type
    if partial:
        return value
    if sim is not None and kind is AppCommandOptionType.role and not value.isdigit():
        role = discord.utils.find(lambda r: r.name.casefold() == value.lstrip("@").casefold(), sim.guild.roles)
        if role is None:
            raise ConsoleError(f"no role {value!r}; roles: {', '.join(r.name for r in sim.guild.roles)}")
        return str(role.id)
    if sim is not None and kind in (AppCommandOptionType.user, AppCommandOptionType.mentionable):
        if value.lstrip("@") not in sim.users:
            raise ConsoleError(f"no member {value!r}; members: {', '.join(sim.users)}")
        return value.lstrip("@")  # the fake client sends the member as Discord would
    if sim is not None and kind is AppCommandOptionType.channel:
        channel = sim.channels.get(value.lstrip("#"))
        if channel is None:
            raise ConsoleError(f"no channel {value!r}; channels: {', '.join(sim.channels)}")
        return str(channel.id)
    if kind is AppCommandOptionType.integer:
        try:
            return int(value)
        except ValueError:
            raise ConsoleError(f"{name} must be a whole number") from None
    if kind is AppCommandOptionType.number:
        try:
            return float(value)
        except ValueError:
            raise ConsoleError(f"{name} must be a number") from None
    if kind is AppCommandOptionType.boolean:
        if value.lower() not in ("true", "false", "yes", "no"):
            raise ConsoleError(f"{name} must be true or false")
        return value.lower() in ("true", "yes")
    return value


async def run_console(sim: SimulatedServer, commands: list[str] | None, out: TextIO = sys.stdout,
                      read: Callable[[str], str] = input) -> int:
    console = Console(sim, out)
    if commands:
        for line in commands:
            console.print(f"> {line}")
            if not await console.run_line(line):
                break
        return 0
    console.print("Golden Hour offline console — a simulated server, no Discord needed. :help for help.\n")
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, read, f"{console.user}@#{console.channel}> ")
        except (EOFError, KeyboardInterrupt):
            console.print("")
            return 0
        if not await console.run_line(line):
            return 0
