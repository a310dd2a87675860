"""Validate a pack, ingest its documents and load both into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.ingest import ingest
from bot.pack import Problem, load_pack
from bot.store import Store


@dataclass
class SeedResult:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


async def seed(store: Store, pack_path: Path) -> SeedResult:
    """Replace the content with the pack's; a pack with any problem changes nothing."""
    loaded = load_pack(pack_path)
    if not loaded.ok or loaded.pack is None:
        return SeedResult(problems=loaded.problems)
    passages, sentences = ingest(loaded.pack)
    counts = await store.replace_content(loaded.pack, passages, sentences)
    return SeedResult(counts=counts)


async def ensure_seeded(store: Store, pack_path: Path) -> SeedResult | None:
    """Seed an empty database (first start); leave seeded content alone. None when nothing was done."""
    if await store.is_seeded():
        return None
    return await seed(store, pack_path)
