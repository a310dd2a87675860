"""The real GoldenHourBot as `goldenhour run` starts it (command sync to a dev guild included), logged in
to the fake Discord on loopback, on a seeded temporary database."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.simulator.fake_discord import GUILD_ID, TOKEN, FakeDiscord
from bot.simulator.session import SimulatedServer
from bot.store import Store
from tests import discord_rules
from tests.conftest import make_bot


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e_settings(**values): Settings overrides for the e2e bot")


@pytest.fixture
async def e2e(seeded_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[SimulatedServer]:
    """Start the fake Discord and the real bot (login, command sync to the dev guild, gateway, READY).

    `@pytest.mark.e2e_settings(spoiler_guard=True)` on a test changes the bot's settings.

    Tears both down cleanly and fails the test if any payload the bot sent broke one of Discord's
    rules or went to a route Discord doesn't have (see `discord_rules.problems`).
    """
    database = tmp_path / "e2e.db"
    shutil.copyfile(seeded_template, database)
    store = await Store.open(database)
    marker = request.node.get_closest_marker("e2e_settings")
    overrides = marker.kwargs if marker else {}
    bot = make_bot(store, tmp_path, sync_commands=True, database=database, dev_guild_id=GUILD_ID, token=TOKEN,
                   **overrides)
    try:
        server = await SimulatedServer.start(bot, **discord_rules.HOOKS)
        try:
            yield server
        finally:
            await server.close()
    finally:
        await store.close()
    problems = discord_rules.problems(server.discord)
    assert not problems, "\n".join(problems)


@pytest.fixture
def fake(e2e: SimulatedServer) -> FakeDiscord:
    return e2e.discord
