"""Benchmark: the real bot process against a bare discord.py bot, end to end, in the same run.

    python -m bench.e2e [--quick]

The fake Discord (bot/simulator) serves REST and the gateway on 127.0.0.1 in this process; each bot is
a child process (bench/launch.py) logged in to it: Golden Hour through its CLI (`goldenhour run`), and
a bare `commands.Bot` with one `/ping`. For the real pack and for a synthetic pack of 100,000 quotes,
5,000 characters and 10,000 questions it reports, bare bot next to Golden Hour:

- start to READY: from spawning the process to the callback of its first interaction (sent as soon as
  the gateway has seen IDENTIFY, which follows the command sync), median of several starts;
- RSS (VmRSS) of the bot process after start, and after the mixed run;
- each command's p50/p99, INTERACTION_CREATE sent → interaction callback received, one in flight;
- throughput of the mixed load with 20 interactions in flight.

It is not a test: it prints figures, checks them against the targets, and exits 1 if one fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.mix import Maker, bare_mix, command, golden_mix, unmeasured
from bot.runtime import APOLOGY  # the bot's answer to a bug
from bot.simulator.fake_discord import GUILD_ID, TOKEN, FakeDiscord
from tests import discord_rules

if TYPE_CHECKING:
    from bot.simulator.fake_discord import Exchange

ROOT = Path(__file__).resolve().parent.parent
REAL_PACK = ROOT / "data" / "trauma-code"
KINDS = ("bare", "golden")
FIRST = {"bare": "/ping", "golden": "/about"}  # the first interaction, whose answer marks READY
IN_FLIGHT = 20
TARGET_RSS_MIB, TARGET_START_RATIO, TARGET_P99_MS = 55.0, 1.25, 50.0
REAL, SYNTHETIC = "real pack", "100k synthetic"
TITLES = {REAL: "real pack (data/trauma-code)",
          SYNTHETIC: "100k synthetic pack (100,000 quotes, 5,000 characters, 10,000 questions)"}


@dataclass
class Plan:
    starts: int  # measured starts per bot
    warmup: bool  # one start first, not counted: bytecode and the disk cache are warm after it
    samples: int  # per command, one in flight
    load: int  # interactions in the throughput run


@dataclass
class Figures:
    starts: list[float] = field(default_factory=list)
    rss_start: list[float] = field(default_factory=list)
    rss_after: float = 0.0
    latency: dict[str, list[float]] = field(default_factory=dict)
    throughput: float = 0.0
    problems: list[str] = field(default_factory=list)
    unmeasured: list[str] = field(default_factory=list)


class BotProcess:
    """One bot process and its own fresh fake Discord."""

    def __init__(self, kind: str, database: Path, log: Path) -> None:
        self.kind, self.database, self.log = kind, database, log
        self.fake = FakeDiscord(**discord_rules.HOOKS)  # Discord's rules, as in the tests
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> float:
        """Spawn, wait for IDENTIFY, answer one interaction; seconds from spawn to that answer."""
        fake = await self.fake.start()
        args = [fake.api_base, fake.gateway_url] + ([str(self.database)] if self.kind == "golden" else [])
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "GOLDENHOUR_DEV_GUILD_ID": str(GUILD_ID),
               "GOLDENHOUR_DATABASE": str(self.database), "GOLDENHOUR_DATA_PACK": str(REAL_PACK),
               "GOLDENHOUR_LOG_LEVEL": "WARNING", "GOLDENHOUR_SPOILER_GUARD": "off"}
        with self.log.open("ab") as log:
            began = time.monotonic()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.launch", self.kind, *args, cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT)
        waits = {asyncio.ensure_future(fake.ready.wait()), asyncio.ensure_future(self.proc.wait())}
        await asyncio.wait(waits, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        if not fake.ready.is_set():
            raise RuntimeError(f"the {self.kind} bot never identified (exit {self.proc.returncode})")
        first = checked(await command(FIRST[self.kind])(fake), FIRST[self.kind])
        return first.callback.at - began

    def rss_mib(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    async def stop(self) -> None:
        """SIGTERM, as a host's service manager stops it; the bot must exit 0 within 15 s."""
        exit_code = self.proc.returncode if self.proc is not None else 0
        if self.proc is not None and exit_code is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                exit_code = await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                exit_code = await self.proc.wait()
        await self.fake.close()
        if exit_code != 0:
            raise RuntimeError(f"the {self.kind} bot exited with {exit_code} after SIGTERM")


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def checked(exchange: Exchange, label: str) -> Exchange:
    body = exchange.callback.body or {}
    if APOLOGY in str((body.get("data") or {}).get("content", "")):
        raise RuntimeError(f"{label}: the bot answered with its apology for a bug")
    return exchange


async def latencies(bot: BotProcess, mix: dict[str, Maker], samples: int, rng: random.Random) -> dict[str, list]:
    """Round by round, every command once a round, so a slow moment of the machine hits them alike."""
    found: dict[str, list[float]] = {label: [] for label in mix}
    for _ in range(samples):
        for label, make in mix.items():
            exchange = checked(await make(rng)(bot.fake), label)
            found[label].append(exchange.answered_in)
    return found


async def throughput(bot: BotProcess, mix: dict[str, Maker], total: int, rng: random.Random) -> float:
    calls = iter([(label, make(rng)) for label, make in rng.choices(list(mix.items()), k=total)])

    async def worker() -> None:
        for label, call in calls:
            checked(await call(bot.fake), label)

    began = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return total / (time.monotonic() - began)


async def measure(title: str, database: Path, plan: Plan, log: Path) -> dict[str, Figures]:
    figures = {kind: Figures() for kind in KINDS}
    alive: list[BotProcess] = []
    try:
        say(f"{title}: {plan.starts} starts of each bot" + (" after a warm-up start" if plan.warmup else ""))
        for round_ in range(0 if plan.warmup else 1, plan.starts + 1):  # round 0: the warm-up, not counted
            for kind in KINDS:
                alive.append(bot := BotProcess(kind, database, log))
                seconds = await bot.start()
                if round_:
                    figures[kind].starts.append(seconds)
                    figures[kind].rss_start.append(bot.rss_mib())
                if round_ < plan.starts:  # the last start of each bot serves the mixed run
                    alive.remove(bot)
                    await bot.stop()
        rng = random.Random(7)
        for bot in list(alive):
            mix = bare_mix() if bot.kind == "bare" else await golden_mix(bot.fake)
            say(f"{title}: {bot.kind} bot, {plan.samples} x {len(mix)} commands, then {plan.load} under load")
            found = figures[bot.kind]
            gc.disable()  # the harness's own collections are not the bot's latency
            try:
                found.latency = await latencies(bot, mix, plan.samples, rng)
                found.throughput = await throughput(bot, mix, plan.load, rng)
            finally:
                gc.enable()
            found.rss_after = bot.rss_mib()
            found.problems = discord_rules.problems(bot.fake)
            found.unmeasured = unmeasured(bot.fake, mix)
            alive.remove(bot)
            await bot.stop()
    finally:
        for bot in alive:  # after a failure: stop the rest, whatever they say
            with contextlib.suppress(Exception):
                await bot.stop()
    return figures


def report(title: str, figures: dict[str, Figures], *, real: bool) -> list[str]:
    """Print one table, bare bot next to Golden Hour; return the targets that failed."""
    bare, golden = figures["bare"], figures["golden"]
    failed: list[str] = []

    def row(name: str, b: str, g: str, target: tuple[bool, str] | None = None) -> None:
        verdict = f"{target[1]}: {'PASS' if target[0] else 'FAIL'}" if target else ""
        print(f"  {name:<30}{b:>10}{g:>13}   {verdict}".rstrip())
        if target and not target[0]:
            failed.append(f"{title}: {name} {g}, target {target[1]}")

    start_b, start_g = statistics.median(bare.starts) * 1000, statistics.median(golden.starts) * 1000
    rss_g = statistics.median(golden.rss_start)
    ratio = start_g / start_b
    print(f"\n== {TITLES[title]} ==\n  {'':<30}{'bare bot':>10}{'Golden Hour':>13}   target")
    row("start to READY, median (ms)", f"{start_b:.0f}", f"{start_g:.0f}",
        (ratio <= TARGET_START_RATIO, f"≤ {TARGET_START_RATIO}x bare ({ratio:.2f}x)"))
    row("RSS after start (MiB)", f"{statistics.median(bare.rss_start):.1f}", f"{rss_g:.1f}",
        (rss_g <= TARGET_RSS_MIB, f"≤ {TARGET_RSS_MIB:.0f} MiB") if real else None)
    row("RSS after mixed run (MiB)", f"{bare.rss_after:.1f}", f"{golden.rss_after:.1f}")
    row(f"throughput, {IN_FLIGHT} in flight (/s)", f"{bare.throughput:.0f}", f"{golden.throughput:.0f}")
    print(f"\n  {'command, one in flight':<30}{'p50 ms':>10}{'p99 ms':>13}")
    for label, samples in (("/ping (bare bot)", bare.latency["/ping"]), *golden.latency.items()):
        p99 = percentile(samples, 0.99) * 1000
        target = None if real or label.endswith("(bare bot)") else (p99 < TARGET_P99_MS, f"< {TARGET_P99_MS:.0f} ms")
        row(label, f"{percentile(samples, 0.5) * 1000:.1f}", f"{p99:.1f}", target)
    if golden.unmeasured:
        print(f"  not in the mix: {', '.join(golden.unmeasured)}")
    for kind in KINDS:
        for problem in figures[kind].problems[:5]:
            print(f"  problem ({kind}): {problem}")
        if figures[kind].problems:
            failed.append(f"{title}: {len(figures[kind].problems)} problem(s) Discord would refuse ({kind} bot)")
    return failed


def run_child(args: list[str], log: Path) -> None:
    with log.open("ab") as out:
        if subprocess.run([sys.executable, *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode:
            raise RuntimeError(f"{' '.join(args)} failed")


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer starts and samples, for a smoke run")
    args = parser.parse_args(argv)
    plan = Plan(3, False, 10, 100) if args.quick else Plan(5, True, 200, 1000)
    tmp = Path(tempfile.mkdtemp(prefix="goldenhour-bench-"))
    log = tmp / "bots.log"
    began = time.monotonic()
    try:
        real_db, synthetic_db = tmp / "real.db", tmp / "synthetic.db"
        # Byte-compiled first, as `pip install .` leaves an installed bot (and discord.py here): with
        # PYTHONDONTWRITEBYTECODE set, every start would otherwise compile the bot's source again.
        run_child(["-m", "compileall", "-q", "bot", "bench"], log)
        say("seeding the real pack, building the synthetic one")
        run_child(["-m", "bot", "seed", "--pack", str(REAL_PACK), "--database", str(real_db)], log)
        run_child(["-m", "bench.launch", "synthetic", str(synthetic_db)], log)
        real = await measure(REAL, real_db, plan, log)
        synthetic = await measure(SYNTHETIC, synthetic_db, plan, log)
    except (RuntimeError, AssertionError, TimeoutError) as exc:
        print(f"{log.read_text()[-3000:]}\nbench.e2e stopped: {exc}\n(the bots' output: {log})", file=sys.stderr)
        return 2
    import discord  # only for its version: the bots are the children

    print(f"Python {sys.version.split()[0]}, discord.py {discord.__version__}, {os.cpu_count()} CPUs "
          f"(5-minute load average {os.getloadavg()[1]:.2f}); {plan.starts} starts, {plan.samples} samples "
          f"per command, {plan.load} interactions under load")
    failed = report(REAL, real, real=True) + report(SYNTHETIC, synthetic, real=False)
    shutil.rmtree(tmp)
    print(f"\n{len(failed)} target(s) failed" + "".join(f"\n  {f}" for f in failed) if failed else "\nall targets met")
    print(f"(run time {time.monotonic() - began:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
