"""Benchmark /quote search: latency over the real pack and over synthetic corpora of 1k–100k quotes.

    python -m bench.quotes                      # 1k, 10k, 100k quotes, 30 runs per query
    python -m bench.quotes --sizes 1000 5000 --runs 10

Not a test: nothing here passes or fails, it reports. Each corpus is built in a temporary SQLite file
through the real migrations and the real seeding path (`Store.replace_content`, which rebuilds the FTS5
index), from the real pack's manifest plus synthetic reviews. Synthetic sentences draw their words
from the real documents with the real word frequencies and sentence lengths, so common words stay
common (the costly case for ranking) and rare ones rare. Searches go through `QuoteService.search`,
exactly what /quote search runs: sanitising, bm25-ranked FTS5 query with highlight(), attribution
joins and the match count.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from bot.pack.ingest import Passage, Sentence, ingest
from bot.pack.model import Pack, load_pack
from bot.policy import Mode, SpoilerRules
from bot.quotes import QuoteService, words
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
REAL_PACK = ROOT / "data" / "trauma-code"
SENTENCES_PER_REVIEW = 10
LONG_QUERY = ("There’s no room to get bored or feel like it’s dragging, instead you’re glued to the screen "
              "eager for the next case, and the trauma team under Baek keeps running to save lives in the "
              "golden hour while the hospital directors fight over the helicopter budget and the rookie "
              "surgeon learns to curse with gusto at the bureaucrats who never visit the operating room at all")[:300]
QUERIES: dict[str, str] = {
    "prefix (heli)": "heli",
    "two words": "trauma surgeon",
    "common word (the)": "the",
    "name (Baek)": "Baek",
    "Hangul": "이국종",
    "no match": "zzyzx",
    "300 characters": LONG_QUERY,
}


def synthetic_corpus(pack: Pack, size: int, seed: int = 2025) -> tuple[list[Passage], list[Sentence]]:
    """`size` sentences in reviews of ten, worded like the real documents."""
    rng = random.Random(seed)
    _, real = ingest(pack)
    vocabulary = [word for sentence in real for word in words(sentence.text)]
    lengths = [len(words(sentence.text)) for sentence in real]
    source = next(s.id for s in pack.manifest.sources if s.format == "reviews")
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for review in range(1, size // SENTENCES_PER_REVIEW + 2):
        count = min(SENTENCES_PER_REVIEW, size - len(sentences))
        if count <= 0:
            break
        texts = []
        for _ in range(count):
            picked = rng.choices(vocabulary, k=rng.choice(lengths))
            texts.append(" ".join(picked).capitalize() + ".")
        passages.append(Passage(source, review, f"Synthetic review {review}", rng.random() < 0.4,
                                (" ".join(texts),)))
        sentences += [Sentence(source, review, i + 1, text) for i, text in enumerate(texts)]
    return passages, sentences


def _size(quotes: int) -> str:
    return f"{quotes // 1000}k" if quotes % 1000 == 0 else str(quotes)


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(store: Store, runs: int) -> dict[str, list[float]]:
    """Milliseconds per call, per query (plus /quote random), after one warm-up call each."""
    service = QuoteService(store)
    timings: dict[str, list[float]] = {}
    calls = {label: (lambda text=text: service.search(text)) for label, text in QUERIES.items()}
    rules = SpoilerRules(Mode.MASK, 0)
    calls["random (no topic)"] = lambda: service.random(rules, channel_id=1)
    for label, call in calls.items():
        await call()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            await call()
            samples.append((time.perf_counter() - start) * 1000)
        timings[label] = samples
    return timings


async def build(path: Path, pack: Pack, size: int | None) -> tuple[Store, float, int]:
    store = await Store.open(path)
    passages, sentences = ingest(pack) if size is None else synthetic_corpus(pack, size)
    start = time.perf_counter()
    counts = await store.replace_content(pack, passages, sentences)
    return store, time.perf_counter() - start, counts["quotes"]


def report(name: str, quotes: int, seconds: float, timings: dict[str, list[float]]) -> float:
    everything = [ms for label, samples in timings.items() if label in QUERIES for ms in samples]
    print(f"\n{name}: {quotes:,} quotes (seeded and indexed in {seconds:.1f} s)")
    print(f"  {'query':<20} {'p50 ms':>8} {'p99 ms':>8}")
    for label, samples in timings.items():
        print(f"  {label:<20} {statistics.median(samples):8.2f} {percentile(samples, 0.99):8.2f}")
    overall = statistics.median(everything)
    print(f"  {'all searches':<20} {overall:8.2f} {percentile(everything, 0.99):8.2f}")
    return overall


async def main(sizes: list[int], runs: int) -> None:
    loaded = load_pack(REAL_PACK)
    if loaded.pack is None or not loaded.ok:
        raise SystemExit(f"The pack at {REAL_PACK} does not load: {loaded.problems[:3]}")
    pack = loaded.pack
    medians: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for index, size in enumerate([None, *sizes]):
            store, seconds, quotes = await build(Path(folder) / f"bench-{index}.db", pack, size)
            try:
                timings = await measure(store, runs)
            finally:
                await store.close()
            report("Real pack" if size is None else f"Synthetic corpus {size:,}", quotes, seconds, timings)
            if size is not None:
                medians[size] = {label: statistics.median(samples) for label, samples in timings.items()}
    if len(medians) > 1:
        ordered = sorted(medians)
        print("\nGrowth of the median latency (×) between corpus sizes:")
        header = "".join(f"{f'{_size(a)}→{_size(b)}':>12}" for a, b in pairwise(ordered))
        print(f"  {'query':<20}{header}")
        for label in medians[ordered[0]]:
            ratios = "".join(f"{medians[b][label] / medians[a][label]:12.1f}"
                             for a, b in pairwise(ordered))
            print(f"  {label:<20}{ratios}")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                        help="synthetic corpus sizes, in quotes")
    parser.add_argument("--runs", type=int, default=30, help="timed calls per query and size")
    args = parser.parse_args()
    asyncio.run(main(args.sizes, args.runs))


if __name__ == "__main__":
    cli()
