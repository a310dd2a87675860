"""Benchmark: every command through the real app-command tree, at real and at synthetic scale.

    python -m bench.interactions [--n 1000] [--quick]

For each data set — (a) the real pack, (b) a synthetic pack of 100,000 quotes, 5,000 characters and
10,000 trivia questions — it drives N interactions of each command through discord.py's own parser
and the bot's command tree (bot/offline.py; HTTP answered in-process), and reports per command the
p50/p99 latency (INTERACTION_CREATE parsed → interaction callback sent), the throughput of a mixed
load with 1 and with 100 interactions in flight, and the peak RSS of the serving process. A no-op
command runs in the same process as the baseline, so every figure is also given as a ratio to it.

The synthetic database is built in a child process, so the serving process's RSS is the bot's own.
This is a benchmark, not a test: it prints figures and checks them against the targets, and never runs
in the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.runtime import GoldenHourBot
from bot.seeding import seed
from bot.settings import Settings
from bot.simulator.offline import OfflineDiscord
from bot.store import Store
from bot.store.quotes import QUOTE_WORDS_TABLE

REAL_PACK = Path(__file__).resolve().parent.parent / "data" / "trauma-code"
TARGET_P99_MS = 10.0
TARGET_P99_RATIO = 5.0
TARGET_THROUGHPUT = 500.0
TARGET_RSS_MB = 150.0

PayloadMaker = Callable[[OfflineDiscord, random.Random], dict[str, Any]]


@dataclass
class Words:
    names: list[str]
    prefixes: list[str]
    terms: list[str]


def scenarios(words: Words) -> dict[str, PayloadMaker]:
    """Each command with varied, realistic arguments. Commands a build lacks are skipped."""
    return {
        "noop (baseline)": lambda s, r: s.command_payload("/bench-noop"),
        "/about": lambda s, r: s.command_payload("/about"),
        "/character": lambda s, r: s.command_payload("/character", name=r.choice(words.names)),
        "/character autocomplete": lambda s, r: s.autocomplete_payload("/character", "name",
                                                                       r.choice(words.prefixes)),
        "/cast": lambda s, r: s.command_payload("/cast"),
        "/recap": lambda s, r: s.command_payload("/recap", episode=r.randint(1, 8)),
        "/episodes": lambda s, r: s.command_payload("/episodes"),
        "/quote search": lambda s, r: s.command_payload("/quote search", text=r.choice(words.terms)),
        "/quote search (two words)": lambda s, r: s.command_payload(
            "/quote search", text=" ".join(r.sample(words.terms, 2))),
        "/quote random": lambda s, r: s.command_payload("/quote random"),
        "/trivia leaderboard": lambda s, r: s.command_payload("/trivia leaderboard"),
        "/trivia stats": lambda s, r: s.command_payload("/trivia stats"),
        "/spoilers show": lambda s, r: s.command_payload("/spoilers show", user="moderator"),
        "/progress show": lambda s, r: s.command_payload("/progress show"),
    }


class Timer:
    """Times each interaction from parse to its callback request, by interaction token."""

    def __init__(self, sim: OfflineDiscord) -> None:
        self.sim = sim
        self.started: dict[str, float] = {}
        self.answered: dict[str, asyncio.Future[float]] = {}
        original = sim._handle

        async def timed(route: Any, payload: Any) -> Any:
            token = getattr(route, "webhook_token", None)
            future = self.answered.get(str(token))
            if future is not None and not future.done() and str(route.path).endswith("/callback"):
                future.set_result(time.perf_counter())
            return await original(route, payload)

        sim._handle = timed  # type: ignore[method-assign]

    def fire(self, payload: dict[str, Any]) -> asyncio.Future[float]:
        token = payload["token"]
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.answered[token] = future
        self.started[token] = time.perf_counter()
        self.sim.bot._connection.parse_interaction_create(payload)
        return future

    async def one(self, payload: dict[str, Any]) -> float:
        token = payload["token"]
        end = await asyncio.wait_for(self.fire(payload), timeout=10)
        return end - self.started.pop(token)

    def forget(self) -> None:
        """Drop what the simulation recorded, so memory reflects the bot, not the harness."""
        self.answered.clear()
        self.started.clear()
        self.sim.requests.clear()
        self.sim.messages.clear()
        self.sim._interaction_channels.clear()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def start(store: Store, tmp: Path) -> tuple[OfflineDiscord, Timer]:
    settings = Settings(token=None, database=tmp / "unused.db", data_pack=REAL_PACK, dev_guild_id=None,
                        log_level="WARNING", spoiler_guard=False)
    bot = GoldenHourBot(settings=settings, store=store, sync_commands=False)
    sim = await OfflineDiscord.start(bot)

    @app_commands.command(name="bench-noop", description="Benchmark baseline: answers at once")
    async def noop(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    bot.tree.add_command(noop)
    return sim, Timer(sim)


def available(sim: OfflineDiscord, makers: dict[str, PayloadMaker]) -> dict[str, PayloadMaker]:
    usable = {}
    rng = random.Random(0)
    for label, make in makers.items():
        try:
            make(sim, rng)
        except AssertionError:
            print(f"  (skipping {label}: not in this build)")
            continue
        usable[label] = make
    return usable


async def words_from(store: Store) -> Words:
    names = [row[0] for row in await store.fetchall("SELECT name FROM figures WHERE unnamed = 0 LIMIT 2000")]
    prefixes = [name[: random.Random(i).randint(2, 5)].lower() for i, name in enumerate(names)]
    terms = [row[0] for row in await store.fetchall(
        "SELECT term FROM temp.quotes_words WHERE length(term) > 3 ORDER BY cnt DESC LIMIT 300")]
    return Words(names or ["Baek"], prefixes or ["ba"], terms or ["helicopter"])


async def measure(label: str, store: Store, n: int, tmp: Path) -> dict[str, Any]:
    await store.in_thread(lambda conn: conn.execute(QUOTE_WORDS_TABLE))
    words = await words_from(store)
    sim, timer = await start(store, tmp)
    makers = available(sim, scenarios(words))
    rng = random.Random(42)
    for make in makers.values():  # warm caches and code paths
        for _ in range(20):
            await timer.one(make(sim, rng))
    await sim.settle()
    timer.forget()
    gc.collect()

    # Round by round, every command once per round: a slow patch of the machine (another process, a
    # frequency change) then hits every command alike, the baseline included, and the ratios hold.
    latencies: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(n):
        for name, make in makers.items():
            latencies[name].append(await timer.one(make(sim, rng)))
        await sim.settle()
        timer.forget()

    throughput: dict[int, float] = {}
    mix = list(makers.values())
    total = max(1000, n * 4)
    for concurrency in (1, 100):
        began = time.perf_counter()
        for _ in range(0, total, concurrency):  # payloads made batch by batch: the harness stays small
            batch = [rng.choice(mix)(sim, rng) for _ in range(concurrency)]
            await asyncio.gather(*(timer.fire(p) for p in batch))
        throughput[concurrency] = total / (time.perf_counter() - began)
        await sim.settle()
        timer.forget()

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    await sim.bot.close()
    return {"label": label, "latencies": latencies, "throughput": throughput, "rss_mb": rss_mb}


def report(result: dict[str, Any], scale_targets: bool) -> list[str]:
    failures: list[str] = []
    latencies = result["latencies"]
    base = latencies["noop (baseline)"]
    base_p50, base_p99 = percentile(base, 0.5) * 1000, percentile(base, 0.99) * 1000
    print(f"\n== {result['label']} ==")
    print(f"{'command':28} {'p50 ms':>8} {'p99 ms':>8} {'p50/noop':>9} {'p99/noop':>9}")
    for name, samples in latencies.items():
        p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
        flag = ""
        if scale_targets and name != "noop (baseline)" and (p99 > TARGET_P99_MS or p99 > TARGET_P99_RATIO * base_p99):
            flag = "  <-- over target"
            failures.append(f"{result['label']} {name} p99 {p99:.2f} ms ({p99 / base_p99:.1f}x noop)")
        print(f"{name:28} {p50:8.3f} {p99:8.3f} {p50 / base_p50:9.2f} {p99 / base_p99:9.2f}{flag}")
    for concurrency, rate in result["throughput"].items():
        print(f"throughput, {concurrency:>3} in flight: {rate:8.0f} interactions/s")
        if scale_targets and rate < TARGET_THROUGHPUT:
            failures.append(f"{result['label']} throughput at {concurrency} in flight {rate:.0f}/s")
    print(f"peak RSS so far: {result['rss_mb']:.1f} MB")
    if scale_targets and result["rss_mb"] > TARGET_RSS_MB:
        failures.append(f"peak RSS {result['rss_mb']:.1f} MB")
    return failures


def build_synthetic(path: str, quotes: int, characters: int, questions: int) -> None:
    """Runs in a child process: the builder's memory never counts against the bot's RSS."""
    from bench.synthetic import synthetic_pack

    async def go() -> None:
        store = await Store.open(path)
        pack, passages, sentences = synthetic_pack(characters=characters, questions=questions, quotes=quotes)
        await store.replace_content(pack, passages, sentences)
        await store.close()

    asyncio.run(go())


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000,
                        help="interactions per command (default 1000: a p99 over ten samples, not three)")
    parser.add_argument("--quick", action="store_true", help="a small synthetic pack, for a smoke run")
    args = parser.parse_args(argv)
    scale = (2_000, 200, 400) if args.quick else (100_000, 5_000, 10_000)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = await Store.open(tmp / "real.db")
        assert (await seed(store, REAL_PACK)).ok
        real = await measure("real pack", store, args.n, tmp)
        await store.close()

        synthetic_db = tmp / "synthetic.db"
        child = multiprocessing.get_context("spawn").Process(target=build_synthetic,
                                                             args=(str(synthetic_db), *scale))
        began = time.perf_counter()
        child.start()
        child.join()
        if child.exitcode != 0:
            print("building the synthetic pack failed", file=sys.stderr)
            return 1
        print(f"\nbuilt the synthetic pack ({scale[0]:,} quotes, {scale[1]:,} characters, {scale[2]:,} questions)"
              f" in {time.perf_counter() - began:.1f} s")
        store = await Store.open(synthetic_db)
        synthetic = await measure(f"synthetic pack ({scale[0]:,} quotes)", store, args.n, tmp)
        await store.close()

    print(f"\nPython {sys.version.split()[0]}, discord.py {discord.__version__}, {args.n} interactions per command")
    failures = report(real, scale_targets=False) + report(synthetic, scale_targets=not args.quick)
    print("\nratios synthetic/real p99:")
    for name, samples in synthetic["latencies"].items():
        if name in real["latencies"]:
            ratio = percentile(samples, 0.99) / percentile(real["latencies"][name], 0.99)
            print(f"  {name:28} {ratio:6.2f}x")
    if failures:
        print("\nOVER TARGET:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nAll targets met (p99 < {TARGET_P99_MS} ms and < {TARGET_P99_RATIO}x noop, "
          f">= {TARGET_THROUGHPUT:.0f}/s, RSS < {TARGET_RSS_MB:.0f} MB).")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
