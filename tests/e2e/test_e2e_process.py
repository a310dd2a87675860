"""`goldenhour run`'s own start-up and shutdown (bot/runtime.py `run_bot`) against the loopback Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

import discord
import pytest
import yarl

from bot.runtime import run_bot
from bot.settings import ConfigError
from bot.simulator.fake_discord import GUILD_ID, TOKEN, FakeDiscord
from tests import discord_rules
from tests.conftest import make_settings


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    server = await FakeDiscord(**discord_rules.HOOKS).start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    yield server
    await server.close()


async def test_a_rejected_token_is_one_clear_error(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, token="not-the-token", dev_guild_id=GUILD_ID)
    with pytest.raises(ConfigError, match="Discord rejected DISCORD_TOKEN"):
        await run_bot(settings, sync_only=False)


async def test_first_start_seeds_then_sigterm_shuts_down_cleanly(fake: FakeDiscord, tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    settings = make_settings(tmp_path, token=TOKEN, dev_guild_id=GUILD_ID, database=database)
    running = asyncio.create_task(run_bot(settings, sync_only=False))
    # Identified on the gateway means logged in, so the signal handlers are in place (a SIGTERM before
    # that would end the test run itself).
    await asyncio.wait({running, asyncio.create_task(fake.ready.wait())}, timeout=10,
                       return_when=asyncio.FIRST_COMPLETED)
    assert fake.ready.is_set() and not running.done(), running.exception() if running.done() else "not ready"
    assert any(r.method == "PUT" and r.path.endswith("/commands") for r in fake.requests)
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(running, 10) == 0
    assert _closed_and_seeded(database)


def _closed_and_seeded(database: Path) -> bool:
    # A closed store has folded its write-ahead log back into the database and removed it.
    closed = not os.path.exists(f"{database}-wal")
    connection = sqlite3.connect(database)
    try:
        seeded = connection.execute("SELECT COUNT(*) FROM questions").fetchone()[0] > 0  # on first start
    finally:
        connection.close()
    return closed and seeded
