"""`goldenhour console`: the real bot logged in to the fake Discord (session.py), without a token. Slash
commands are typed as a member would, `:` lines drive the simulation, and each message the bot sends or
edits is printed as a member would read it."""

from __future__ import annotations

import asyncio
import functools
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

from discord import app_commands

from bot.simulator import wire
from bot.simulator.models import Message
from bot.simulator.session import SimulatedServer

HELP = """\
Type slash commands as on Discord, options as name:value, e.g. /about, /character name:baek,
/recap episode:3 private:true, /trivia start questions:3, /spoilers mode mode:off (as a moderator).
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
SPOILER, MENTION = re.compile(r"\|\|(.+?)\|\|", re.S), re.compile(r"<(@&|@!?|#)(\d+)>")


class ConsoleError(Exception):
    pass


def as_text(message: Message, names: dict[int, str], *, reveal: bool = False, edited: bool = False) -> str:
    """What a member sees: spoilers masked (▒▒▒) until revealed, mentions as names, buttons numbered."""

    def show(text: str) -> str:
        if reveal:
            return SPOILER.sub(lambda m: f"[{m[1]}]", text)
        return SPOILER.sub(lambda m: "▒" * min(12, max(3, len(m[1]) // 4)) + " (spoiler)", text)

    header = [word for word, on in (("only you can see this", message.ephemeral), ("edited", edited)) if on]
    lines = ([f"({', '.join(header)})"] if header else []) + ([show(message.content)] if message.content else [])
    for embed in message.embeds:
        lines += [f"┃ {show(embed['title'])}"] if embed.get("title") else []
        lines += [f"┃ {line}" for line in show(embed.get("description") or "").splitlines()]
        for item in embed.get("fields", []):
            lines += [f"┃ ▸ {show(item['name'])}", *(f"┃   {line}" for line in show(item["value"]).splitlines())]
        lines += [f"┃ — {embed['footer']['text']}"] if embed.get("footer", {}).get("text") else []
    number = 0
    for row in message.components:
        cells = []
        for item in row.get("components", [row]):
            if item.get("type") == wire.BUTTON:
                number += 1
                state = " (disabled)" if item.get("disabled") else ""
                cells.append(f"[{number}] {item.get('label') or item.get('emoji', {}).get('name', '?')}{state}")
            elif item.get("type") == wire.STRING_SELECT:
                cells.append(f"[menu: {', '.join(o['label'] for o in item.get('options', []))}] (:choose <label>)")
        lines += ["   ".join(cells)] if cells else []
    return MENTION.sub(lambda m: ("#" if m[1] == "#" else "@") + names.get(int(m[2]), m[2]), "\n".join(lines))


class Console:
    def __init__(self, sim: SimulatedServer, out: TextIO = sys.stdout) -> None:
        self.sim, self.user, self.channel = sim, "member", "general"
        self.print = functools.partial(print, file=out, flush=True)
        self.last: Message | None = None
        self.last_with_components: Message | None = None
        self._seen: set[int] = set()
        sim.discord.watchers.append(self._show)

    def _show(self, message: Message) -> None:
        edited, self.last = message.id in self._seen, message
        self._seen.add(message.id)
        if message.buttons() or message.selects():
            self.last_with_components = message
        self.print(as_text(message, self._names(), edited=edited) + "\n")

    def _names(self) -> dict[int, str]:
        """Who and what mentions point at in the simulated server, to show them as Discord does."""
        names = {user.id: name for name, user in self.sim.users.items()}
        names |= {channel.id: name for name, channel in self.sim.channels.items()}
        return names | {role.id: role.name for role in self.sim.guild.roles}

    async def run_line(self, line: str) -> bool:
        """Run one line; False means quit."""
        line, before = line.strip(), asyncio.all_tasks()
        try:
            if line.startswith(":"):
                word, _, rest = line[1:].partition(" ")
                return await self._meta(word, rest.strip())
            if line.startswith("/"):
                path, options = parse_command(self.sim.bot.tree, line)
                await self.sim.command(path, user=self.user, channel=self.channel, **options)
            elif line:
                self.print("Commands start with / (slash commands) or : (console). Try :help")
        except (ConsoleError, AssertionError) as exc:  # AssertionError: what the member's client refuses
            self.print(f"! {exc}")
        finally:  # what the line set going shows before the next line (a game's first question)
            await self.sim.settle(since=before)
        return True

    async def _meta(self, word: str, rest: str) -> bool:
        message = self.last_with_components
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
            if not (name := rest.lstrip("#")):
                raise ConsoleError("which channel?")
            if name not in self.sim.channels:
                self.sim.add_channel(name)
            self.channel = name
            self.print(f"You are now in #{name}.")
        elif word == "press":
            number, _, user = rest.partition(" as ")
            if not number.isdigit():
                raise ConsoleError("usage: :press N [as USER]")
            if message is None or not message.buttons():
                raise ConsoleError("no message with buttons yet")
            if not 1 <= int(number) <= len(message.buttons()):
                raise ConsoleError(f"there are {len(message.buttons())} buttons")
            await self.sim.press(message, int(number), user=user.strip() or self.user)
        elif word == "choose":
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
            reply = await self.sim.autocomplete(path, focused, options.pop(focused), user=self.user,
                                                channel=self.channel, **options)
            self.print("\n".join(f"  {c['name']}" for c in reply.choices) or "  (no suggestions)")
        elif word == "reveal":
            if self.last is None:
                raise ConsoleError("nothing to reveal yet")
            self.print(as_text(self.last, self._names(), reveal=True))
        elif word == "commands":
            for command in sorted(self.sim.bot.tree.walk_commands(), key=lambda c: c.qualified_name):
                if isinstance(command, app_commands.Command):
                    self.print(f"  /{command.qualified_name} — {command.description}")
        else:
            raise ConsoleError(f"unknown console command :{word} (try :help)")
        return True


def parse_command(tree: app_commands.CommandTree, line: str, partial: bool = False) -> tuple[str, dict[str, str]]:
    """`/trivia start questions:3` -> ("trivia start", {"questions": "3"}): the client types the values."""
    # Plain words, not shell quoting: a value may hold apostrophes and quotes ("Baek's father").
    tokens = line.strip().lstrip("/").split()
    found: Any = tree.get_command(tokens[0]) if tokens else None
    if found is None:
        raise ConsoleError(f"no command /{tokens[0]} (try :commands)" if tokens else "which command?")
    path = [tokens.pop(0)]
    while isinstance(found, app_commands.Group):
        if not tokens or found.get_command(tokens[0]) is None:
            raise ConsoleError(f"/{' '.join(path)} needs a subcommand: {', '.join(c.name for c in found.commands)}")
        found = found.get_command(tokens[0])
        path.append(tokens.pop(0))
    options: dict[str, str] = {}
    current: str | None = None
    for token in tokens:
        name, sep, value = token.partition(":")
        if sep and found.get_parameter(name) is not None:
            current, options[name] = name, value
        elif current is not None:
            options[current] += " " + token
        else:
            raise ConsoleError(f"expected name:value, got {token!r}; options: "
                               + ", ".join(p.name for p in found.parameters))
    if missing := [p.name for p in found.parameters if p.required and p.name not in options and not partial]:
        raise ConsoleError(f"/{' '.join(path)} needs {', '.join(f'{name}:' for name in missing)}")
    return " ".join(path), options


async def run_console(sim: SimulatedServer, commands: list[str] | None, out: TextIO = sys.stdout,
                      read: Callable[[str], str] = input) -> int:
    console = Console(sim, out)
    for line in commands or ():
        console.print(f"> {line}")
        if not await console.run_line(line):
            break
    if commands:
        return 0
    console.print("Golden Hour offline console — a simulated server, no Discord needed. :help for help.\n")
    while True:
        try:
            line = await asyncio.get_running_loop().run_in_executor(None, read, f"{console.user}@#{console.channel}> ")
        except (EOFError, KeyboardInterrupt):
            console.print("")
            return 0
        if not await console.run_line(line):
            return 0
