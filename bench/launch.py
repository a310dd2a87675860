"""Start one bot process pointed at a fake Discord; bench/e2e.py runs it as a child process.

    python -m bench.launch golden API_BASE GATEWAY_URL DATABASE   # the real CLI: goldenhour run
    python -m bench.launch bare API_BASE GATEWAY_URL              # a bare discord.py bot with /ping
    python -m bench.launch synthetic DATABASE                     # write the synthetic pack into DATABASE

Both bots read DISCORD_TOKEN and GOLDENHOUR_DEV_GUILD_ID from the environment, sync their commands to
that guild before connecting, and stop cleanly on SIGTERM.
"""

from __future__ import annotations

import sys


def point_at(api_base: str, gateway_url: str) -> None:
    """What tests/e2e does with monkeypatch: discord.py's REST base and gateway URL are class attributes."""
    import discord.gateway
    import discord.http
    import yarl

    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def run_golden(database: str) -> int:
    from bot.cli import main

    return main(["run", "--database", database])


def run_bare() -> int:
    import asyncio
    import os
    import signal

    import discord
    from discord.ext import commands

    guild = discord.Object(int(os.environ["GOLDENHOUR_DEV_GUILD_ID"]))
    intents = discord.Intents.none()
    intents.guilds = True

    class Bare(commands.Bot):
        async def setup_hook(self) -> None:
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(self.close()))

    bot = Bare(command_prefix=commands.when_mentioned, intents=intents, help_command=None,
               allowed_mentions=discord.AllowedMentions.none())

    @bot.tree.command(name="ping", description="Answers pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    bot.run(os.environ["DISCORD_TOKEN"], log_handler=None)
    return 0


def build_synthetic(database: str) -> int:
    """The synthetic pack straight into the store, as seeding would: pydantic, the pack and the builder's
    memory stay in this process, never in a measured one."""
    import asyncio

    from bench.synthetic import synthetic_pack
    from bot.policy.keywords import quote_episodes
    from bot.store import Store

    async def go() -> None:
        store = await Store.open(database)
        try:
            pack, passages, sentences = synthetic_pack()
            await store.replace_content(pack, passages, sentences, quote_episodes(pack, passages, sentences))
        finally:
            await store.close()

    asyncio.run(go())
    return 0


def main(argv: list[str]) -> int:
    match argv:
        case ["golden", api_base, gateway_url, database]:
            point_at(api_base, gateway_url)
            return run_golden(database)
        case ["bare", api_base, gateway_url]:
            point_at(api_base, gateway_url)
            return run_bare()
        case ["synthetic", database]:
            return build_synthetic(database)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
