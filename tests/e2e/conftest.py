"""The real GoldenHourBot, logged in to a fake Discord on loopback, on a seeded temporary database."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import discord.gateway
import discord.http
import pytest
import yarl

from bot.runtime import GoldenHourBot
from bot.simulator.fake_discord import GUILD_ID, TOKEN, FakeDiscord
from bot.store import Store
from tests.conftest import make_settings

# discord.py waits this long after the last GUILD_CREATE before on_ready (2 s by default); the fake
# sends its one guild straight after READY, so a short wait loses nothing.
GUILD_READY_TIMEOUT = 0.05


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e_settings(**values): Settings overrides for the e2e bot")


class Running:
    """A fake Discord with a connected bot."""

    def __init__(self, discord_: FakeDiscord, bot: GoldenHourBot) -> None:
        self.discord = discord_
        self.bot = bot


@pytest.fixture
async def e2e(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    """Start the fake Discord and the real bot (login, command sync to the dev guild, gateway, READY).

    `@pytest.mark.e2e_settings(spoiler_guard=True)` on a test changes the bot's settings.

    Tears both down cleanly and fails the test if any payload the bot sent broke one of Discord's
    limits or went to a route Discord doesn't have.
    """
    fake = await FakeDiscord().start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    database = tmp_path / "e2e.db"
    shutil.copyfile(seeded_template, database)
    store = await Store.open(database)
    marker = request.node.get_closest_marker("e2e_settings")
    overrides = marker.kwargs if marker else {}
    settings = make_settings(tmp_path, database=database, dev_guild_id=GUILD_ID, token=TOKEN, **overrides)
    bot = GoldenHourBot(settings=settings, store=store, sync_commands=True)
    bot._connection.guild_ready_timeout = GUILD_READY_TIMEOUT
    connection: asyncio.Task[None] | None = None
    try:
        await bot.login(TOKEN)
        connection = asyncio.create_task(bot.connect(reconnect=False), name="e2e-bot-connection")
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({ready, connection}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            if connection.done():
                connection.result()  # re-raise why the bot could not connect
            raise AssertionError("the bot did not become ready within 10 s")
        yield Running(fake, bot)
    finally:
        await bot.close()
        if connection is not None:
            await asyncio.wait_for(connection, 5)
        await store.close()
        await fake.close()
    problems = fake.all_problems()
    assert not problems, "\n".join(problems)


@pytest.fixture
def fake(e2e: Running) -> FakeDiscord:
    return e2e.discord
