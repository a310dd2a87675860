"""Shared fixtures: a fresh database per test, the real pack, and the real bot logged in to a fake Discord
on loopback (bot/simulator/session.py) that checks everything against Discord's rules (tests/discord_rules)."""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.runtime import GoldenHourBot
from bot.seeding import seed
from bot.settings import Settings
from bot.simulator.session import SimulatedServer
from bot.store import Store
from bot.trivia.clock import ManualClock
from bot.trivia.engine import TriviaEngine
from tests import discord_rules

ROOT = Path(__file__).resolve().parent.parent
REAL_PACK = ROOT / "data" / "trauma-code"
MINI_PACK = Path(__file__).resolve().parent / "fixtures" / "mini-pack"

# discord.py holds READY back this long after the last GUILD_CREATE (2 s by default); the fake sends
# every guild straight after READY and the simulator waits for them itself, so nothing is lost.
GUILD_READY_TIMEOUT = 0.0


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "token": None, "database": tmp_path / "test.db", "data_pack": REAL_PACK, "dev_guild_id": None,
        "log_level": "WARNING", "spoiler_guard": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "test.db")
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pack seeded once per run; each test gets its own copy (seeding costs ~0.5 s)."""

    path = tmp_path_factory.mktemp("template") / "seeded.db"

    async def build() -> None:
        template = await Store.open(path)
        result = await seed(template, REAL_PACK)
        assert result.ok, result.problems
        await template.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await template.close()

    with ThreadPoolExecutor(1) as pool:  # asyncio.run in a thread of its own, away from pytest-asyncio's loop
        pool.submit(asyncio.run, build()).result()
    return path


@pytest.fixture
async def seeded_store(seeded_template: Path, tmp_path: Path) -> AsyncIterator[Store]:
    path = tmp_path / "test.db"
    shutil.copyfile(seeded_template, path)
    opened = await Store.open(path)
    yield opened
    await opened.close()


def trivia_engine(sim: SimulatedServer) -> TriviaEngine:
    """The running bot's trivia engine (tests swap its clock and random source)."""
    cog = sim.bot.get_cog("Trivia")
    assert cog is not None
    return cog.engine  # type: ignore[attr-defined, no-any-return]


def on_manual_clock(sim: SimulatedServer, seed: int) -> SimulatedServer:
    """`sim` with trivia on a clock the test moves and a question order fixed by `seed`."""
    trivia_engine(sim).clock = ManualClock()
    trivia_engine(sim).rng = random.Random(seed)
    return sim


def make_bot(store: Store, tmp_path: Path, *, sync_commands: bool = False, **settings: object) -> GoldenHourBot:
    return GoldenHourBot(settings=make_settings(tmp_path, **settings), store=store, sync_commands=sync_commands,
                         guild_ready_timeout=GUILD_READY_TIMEOUT)


async def start_sim(store: Store, tmp_path: Path, **settings: object) -> SimulatedServer:
    """The real bot on `store`, logged in to the fake Discord (the running one, if a test has one: a
    restart), which holds it to Discord's rules. Close it with `await sim.close()`."""
    return await SimulatedServer.start(make_bot(store, tmp_path, **settings), **discord_rules.HOOKS)



@pytest.fixture
async def sim(seeded_store: Store, tmp_path: Path) -> AsyncIterator[SimulatedServer]:
    """The real bot, cogs loaded, on a seeded database, logged in to a fake Discord on loopback.

    Fails the test if anything the bot sent would have been refused by Discord or noticed by members
    (see `discord_rules.problems`)."""
    simulated = await start_sim(seeded_store, tmp_path)
    try:
        yield simulated
    finally:
        await simulated.close()
    problems = discord_rules.problems(simulated.discord)
    assert not problems, "\n".join(problems)
