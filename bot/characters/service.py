"""The character service: the matcher over the store, plus the details a card needs. Discord-free.

The index is built once (`reload`, called from the cog's `cog_load`) and rebuilt when the content
changes underneath it (a `goldenhour seed` while the bot runs): `refresh` compares a cheap content
stamp before each command. Autocomplete never touches the database for matching: it runs on every
keystroke.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.characters.matcher import CharacterIndex, Figure, Resolution, Suggestion, Visibility
from bot.spoilers import SpoilerRules, Treatment
from bot.store import Store


@dataclass(frozen=True)
class AliasInfo:
    name: str
    kind: str
    episode: int | None
    source: str


@dataclass(frozen=True)
class RelationInfo:
    to_id: str
    to_name: str
    to_kind: str
    relation: str
    episode: int | None
    source: str


@dataclass(frozen=True)
class FactInfo:
    text: str
    episode: int | None
    source: str


@dataclass(frozen=True)
class FigureCard:
    """Everything the data says about one figure, unfiltered: the renderer applies the spoiler rules."""

    figure: Figure
    bio: str
    bio_source: str
    actor_source: str | None
    aliases: list[AliasInfo] = field(default_factory=list)
    relationships: list[RelationInfo] = field(default_factory=list)
    facts: list[FactInfo] = field(default_factory=list)
    source_titles: dict[str, str] = field(default_factory=dict)  # id -> title, for every source cited

    def sources_cited(self) -> list[str]:
        """Titles of the cited documents, in manifest order."""
        return list(self.source_titles.values())


@dataclass(frozen=True)
class CastListing:
    cast: list[Figure]  # characters with a named actor, in pack order
    uncast: list[Figure]  # named characters whose actor no document gives
    source_titles: list[str]  # documents the actor credits come from


def _latest(*episodes: int | None) -> int | None:
    return max((e for e in episodes if e is not None), default=None)


AUTOCOMPLETE_REFRESH_SECONDS = 30.0  # autocomplete checks for a reseed at most this often


class CharacterService:
    def __init__(self, store: Store, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.index = CharacterIndex([], [])
        self._stamp: str | None = None
        self._clock = clock
        self._checked_at = clock()
        self._listings: dict[tuple[int, int | None], CastListing] = {}

    async def reload(self) -> CharacterIndex:
        """Rebuild the in-memory index from the store (safe to call any time; swaps atomically)."""
        stamp = await self.store.content_stamp()
        index = CharacterIndex.from_rows(await self.store.figure_rows(), await self.store.figure_alias_rows())
        self.index, self._stamp = index, stamp
        self._listings = {}
        return index

    async def refresh(self) -> None:
        """Rebuild only if the content was reseeded since the last build."""
        self._checked_at = self._clock()
        if await self.store.content_stamp() != self._stamp:
            await self.reload()

    async def refresh_if_due(self) -> None:
        """For autocomplete, which runs per keystroke: look at the store only every so often."""
        if self._clock() - self._checked_at >= AUTOCOMPLETE_REFRESH_SECONDS:
            await self.refresh()

    def complete(self, query: str, allows: Visibility) -> list[Suggestion]:
        return self.index.complete(query, allows)

    async def resolve(self, query: str, allows: Visibility) -> Resolution:
        await self.refresh()
        return self.index.resolve(query, allows)

    def figure(self, figure_id: str) -> Figure | None:
        return self.index.figures.get(figure_id)

    def cast(self) -> list[Figure]:
        return self.index.cast()

    def uncast(self) -> list[Figure]:
        """Named characters the documents give no actor for (the cast list says so instead of guessing)."""
        return [f for f in self.index.ordered() if not f.is_person and not f.actor and not f.unnamed]

    async def cast_listing(self, rules: SpoilerRules | None = None) -> CastListing:
        """The cast list, without the figures `rules` would hide (a list of names has no room for
        "withheld" notes; masked ones stay, for the renderer to mask).

        Built once per index and per horizon that hides anything: at 5,000 characters, filtering and
        sorting on every /cast took most of its time."""
        await self.refresh()
        hides = rules is not None and rules.treatment(self.index.latest_reveal) is Treatment.HIDE
        key = (id(self.index), rules.horizon if rules is not None and hides else None)
        listing = self._listings.get(key)
        if listing is None:
            cast, uncast = self.cast(), self.uncast()
            if hides:
                assert rules is not None
                cast = [f for f in cast if rules.treatment(f.episode) is not Treatment.HIDE]
                uncast = [f for f in uncast if rules.treatment(f.episode) is not Treatment.HIDE]
            credited = {f.actor_source for f in cast if f.actor_source}
            titles = {sid: title for sid, title in (await self.store.source_titles()).items() if sid in credited}
            listing = self._listings[key] = CastListing(cast, uncast, list(titles.values()))
        return listing

    async def card(self, figure_id: str) -> FigureCard | None:
        rows = await self.store.figure_card_rows(figure_id)
        figure = self.index.figures.get(figure_id)
        if rows is None or figure is None:
            return None
        row = rows["figure"]
        aliases = [AliasInfo(a["name"], a["kind"], a["episode"], a["source"]) for a in rows["aliases"]]
        relationships = [  # naming someone whose very existence is a later reveal spoils that episode too
            RelationInfo(r["to_id"], r["to_name"], r["to_kind"], r["relation"],
                         _latest(r["episode"], r["to_episode"]), r["source"])
            for r in rows["relationships"]
        ]
        facts = [FactInfo(f["text"], f["episode"], f["source"]) for f in rows["facts"]]
        cited = {row["source"], *(a.source for a in aliases), *(r.source for r in relationships),
                 *(f.source for f in facts)}
        if row["actor_source"]:
            cited.add(row["actor_source"])
        titles = await self.store.source_titles()
        return FigureCard(
            figure=figure, bio=row["bio"], bio_source=row["source"], actor_source=row["actor_source"],
            aliases=aliases, relationships=relationships, facts=facts,
            source_titles={sid: title for sid, title in titles.items() if sid in cited},
        )
