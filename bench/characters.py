"""Autocomplete latency of the character matcher: the real pack vs a synthetic 5,000-character pack.

Run: `python -m bench.characters` (or `python bench/characters.py`). Not a test: timings depend on
the machine, so nothing here passes or fails; it prints p50/p99 per keystroke and the ratio.

Each query is replayed keystroke by keystroke ("b", "ba", "bae", ...), the way Discord calls
autocomplete, with the default public rules (mask past episode 0).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/characters.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_characters import synthetic_index
from bot.characters import CharacterIndex, CharacterService
from bot.policy import Mode, SpoilerRules
from bot.seeding import seed
from bot.store import Store

REAL_PACK = Path(__file__).resolve().parent.parent / "data" / "trauma-code"
RULES = SpoilerRules(Mode.MASK, 0)


async def real_index() -> CharacterIndex:
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.db")
        try:
            result = await seed(store, REAL_PACK)
            if not result.ok:
                raise SystemExit("\n".join(str(p) for p in result.problems))
            service = CharacterService(store)
            return await service.reload()
        finally:
            await store.close()


def queries_for(index: CharacterIndex, sample: int) -> list[str]:
    """Names, aliases and actors from the index itself, plus typos and misses."""
    texts = [e.text for e in index.entries if e.episode is None]
    step = max(1, len(texts) // sample)
    chosen = texts[::step][:sample]
    chosen += ["kang hyuk", "Dr. Baek", "Baek Kanghyk", "jaewom", "zzzz", "Minister Kang"]
    return chosen


def keystrokes(query: str) -> list[str]:
    return [query[:n] for n in range(1, len(query) + 1)]


def measure(index: CharacterIndex, queries: list[str], repeat: int) -> list[float]:
    index.complete("warm up", RULES.allows)  # builds the cached view for these rules
    samples = []
    for _ in range(repeat):
        for query in queries:
            for typed in keystrokes(query):
                start = time.perf_counter()
                index.complete(typed, RULES.allows)
                samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def report(label: str, index: CharacterIndex, samples: list[float]) -> tuple[float, float]:
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    print(f"{label:<28} {len(index.figures):>6} figures {len(index.entries):>7} entries  "
          f"{len(samples):>6} keystrokes  p50 {fmt(p50):>9}  p99 {fmt(p99):>9}  mean {fmt(statistics.mean(samples))}")
    return p50, p99


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="figures in the synthetic pack")
    parser.add_argument("--repeat", type=int, default=5, help="times each keystroke sequence is replayed")
    parser.add_argument("--sample", type=int, default=60, help="queries drawn from each index")
    args = parser.parse_args(argv)

    real = asyncio.run(real_index())
    start = time.perf_counter()
    synthetic = synthetic_index(args.size)
    build = time.perf_counter() - start
    print(f"synthetic index built in {build:.2f} s")
    real_p50, real_p99 = report("real pack (trauma-code)", real, measure(real, queries_for(real, args.sample),
                                                                         args.repeat))
    syn_p50, syn_p99 = report(f"synthetic ({args.size})", synthetic,
                              measure(synthetic, queries_for(synthetic, args.sample), args.repeat))
    print(f"ratio synthetic/real: p50 ×{syn_p50 / real_p50:.1f}, p99 ×{syn_p99 / real_p99:.1f}")


if __name__ == "__main__":
    main()
