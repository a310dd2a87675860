"""Validate a pack, ingest its documents and load both into the store."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.policy.keywords import quote_episodes
from bot.settings import ConfigError, Settings
from bot.store import Store, StoreError

if TYPE_CHECKING:
    from bot.pack.model import Problem

log = logging.getLogger(__name__)


class InvalidPack(ConfigError):
    """The data pack has problems; the operator sees each of them, then this message."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("The data pack is invalid; fix it (goldenhour validate) and start again.")
        self.problems = problems


@dataclass
class SeedResult:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


async def seed(store: Store, pack_path: Path) -> SeedResult:
    """Replace the content with the pack's; a pack with any problem changes nothing."""
    from bot.pack.ingest import ingest  # pydantic and the validator: loaded only when seeding
    from bot.pack.load import load_pack

    loaded = load_pack(pack_path)
    if not loaded.ok or loaded.pack is None:
        return SeedResult(problems=loaded.problems)
    passages, sentences = ingest(loaded.pack)
    episodes = quote_episodes(loaded.pack, passages, sentences)
    counts = await store.replace_content(loaded.pack, passages, sentences, episodes)
    return SeedResult(counts=dict(counts))


async def ensure_seeded(store: Store, pack_path: Path) -> SeedResult | None:
    """Seed an empty database (first start); leave seeded content alone. None when nothing was done."""
    if await store.is_seeded():
        return None
    return await seed(store, pack_path)


async def open_store(settings: Settings) -> Store:
    """The configured store, migrated; an unusable path or file is a one-line ConfigError."""
    settings.check_database_path()
    try:
        return await Store.open(settings.database)
    except StoreError as exc:
        raise ConfigError(str(exc)) from exc


async def open_seeded_store(settings: Settings) -> Store:
    """The store, seeded first if it is empty: a first start needs no separate seed step."""
    store = await open_store(settings)
    try:
        seeded = await ensure_seeded(store, settings.data_pack)
    except BaseException:
        await store.close()
        raise
    if seeded is not None and not seeded.ok:
        await store.close()
        raise InvalidPack(seeded.problems)
    if seeded is not None:
        log.info("Seeded the empty database from %s", settings.data_pack)
    return store
