"""The `goldenhour` command: operate the bot and its data from one place.

Every failure an operator can cause (no token, bad pack, unwritable database) ends in one readable
line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bot import __version__
from bot.seeding import InvalidPack, open_seeded_store, open_store
from bot.settings import ConfigError, Settings, setup_logging

log = logging.getLogger("goldenhour")

PERMISSIONS_INTEGER = 274878000128
"""View Channels, Send Messages, Send Messages in Threads, Manage Messages, Embed Links,
Read Message History (Manage Messages only matters for the optional spoiler guard's repost)."""

TOKEN_HELP = """\
DISCORD_TOKEN is not set, so the bot can't connect to Discord.

To get a token:
  1. Open https://discord.com/developers/applications and create an application.
  2. Under "Bot", reset and copy the token; put it in a file named .env here:
       DISCORD_TOKEN=your-token-here
     (see .env.example for every setting).
  3. Under "OAuth2 > URL Generator", tick the scopes `bot` and `applications.commands`,
     give it the permissions integer {permissions}, and open the URL to invite the bot.
  4. Run this command again.

To try everything offline, without a token:
  {cli} console          (an interactive simulated server; type /about, /character baek, ...)
  {cli} stats            (what the data pack holds)
"""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if getattr(args, "pack", None):
            settings = _replace(settings, data_pack=Path(args.pack))
        if getattr(args, "database", None):
            settings = _replace(settings, database=Path(args.database))
        setup_logging(settings.log_level)
        return int(args.handler(settings, args) or 0)
    except ConfigError as exc:
        if isinstance(exc, InvalidPack):
            _print_problems(exc.problems)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _replace(settings: Settings, **changes: Any) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="goldenhour", description="Golden Hour: spoiler-safe fan-server bot.")
    parser.add_argument("--version", action="version", version=f"goldenhour {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--pack", help="data pack folder (default: GOLDENHOUR_DATA_PACK)")
        p.add_argument("--database", help="SQLite file (default: GOLDENHOUR_DATABASE)")
        p.set_defaults(handler=handler)
        return p

    command("run", cmd_run, "run the bot (seeds an empty database first)")
    command("seed", cmd_seed, "validate the data pack, then load it in one transaction")
    command("validate", cmd_validate, "check the data pack without writing anything")
    command("stats", cmd_stats, "show what the database holds")
    backup = command("backup", cmd_backup, "copy the database with SQLite's online backup")
    backup.add_argument("path", help="where to write the copy")
    command("sync", cmd_sync, "register the slash commands with Discord now")
    console = command("console", cmd_console, "try the bot offline in a simulated server (no token needed)")
    console.add_argument("-c", dest="commands", action="append", metavar="LINE",
                         help="run this line and exit (repeatable), e.g. -c '/recap episode:3'")
    return parser


def _run(coro: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coro)


def _print_problems(problems: list[Any]) -> None:
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(f"{len(problems)} problem(s) in the data pack.", file=sys.stderr)


def cmd_validate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.pack.ingest import ingest
    from bot.pack.load import load_pack

    result = load_pack(settings.data_pack)
    if not result.ok or result.pack is None:
        _print_problems(result.problems)
        return 1
    pack = result.pack
    passages, sentences = ingest(pack)
    print(
        f"{pack.manifest.title}: OK — {len(pack.characters)} characters, {len(pack.people)} people, "
        f"{len(pack.episodes)} episodes, {len(pack.questions)} trivia questions, "
        f"{len(passages)} passages, {len(sentences)} quotable sentences."
    )
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    from bot.seeding import seed

    async def go() -> int:
        store = await open_store(settings)
        try:
            result = await seed(store, settings.data_pack)
        finally:
            await store.close()
        if not result.ok:
            _print_problems(result.problems)
            print("Nothing was changed: the previous content is still in place.", file=sys.stderr)
            return 1
        print(f"Seeded {settings.database} from {settings.data_pack}:")
        _print_counts(result.counts)
        return 0

    return _run(go())


def _print_counts(counts: dict[str, int]) -> None:
    width = max(map(len, counts), default=0)
    for label, value in counts.items():
        print(f"  {label:<{width}}  {value}")


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        store = await open_seeded_store(settings)
        try:
            info = await store.pack_info()
            counts = await store.content_counts()
            version = await store.schema_version()
        finally:
            await store.close()
        print(f"{info.get('title', '?')} ({info.get('platform', '?')}), seeded {info.get('seeded_at', '?')}")
        print(f"database {settings.database}, schema version {version}")
        _print_counts(counts)
        return 0

    return _run(go())


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    target = Path(args.path)
    if target.exists():
        raise ConfigError(f"{target} already exists; choose a new file for the backup.")
    if not target.parent.is_dir():
        raise ConfigError(f"The folder {target.parent} does not exist.")

    async def go() -> int:
        store = await open_store(settings)
        try:
            await store.backup(target)
        finally:
            await store.close()
        print(f"Backed up {settings.database} to {target}")
        return 0

    return _run(go())


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    return _start_bot(settings, sync_only=False)


def cmd_sync(settings: Settings, args: argparse.Namespace) -> int:
    return _start_bot(settings, sync_only=True)


def _invocation() -> str:
    """How the operator started us, so the advice can be pasted as is (`.venv/bin/goldenhour`)."""
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) == "goldenhour":
        relative = os.path.relpath(program)
        return relative if not relative.startswith("..") and os.sep in relative else "goldenhour"
    return f"{os.path.basename(sys.executable)} -m bot"


def _start_bot(settings: Settings, *, sync_only: bool) -> int:
    if not settings.token:
        print(TOKEN_HELP.format(cli=_invocation(), permissions=PERMISSIONS_INTEGER), file=sys.stderr)
        return 2
    from bot.runtime import run_bot

    return _run(run_bot(settings, sync_only=sync_only))


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.runtime import GoldenHourBot
    from bot.simulator.console import run_console
    from bot.simulator.session import SimulatedServer

    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))  # keep the screen for the bot
    logging.getLogger("discord").setLevel(logging.ERROR)

    async def go() -> int:
        store = await open_seeded_store(settings)
        try:
            # a fake Discord on 127.0.0.1 sends its one server straight after READY: no need to wait 2 s
            bot = GoldenHourBot(settings=settings, store=store, sync_commands=False, guild_ready_timeout=0.0)
            sim = await SimulatedServer.start(bot)
            try:
                return await run_console(sim, args.commands)
            finally:
                await sim.close()
        finally:
            await store.close()

    return _run(go())
