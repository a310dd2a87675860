"""The character service: the matcher over the store, plus the details a card needs. Discord-free.

The index and every card's details are loaded once (`reload`, called from the cog's `cog_load`) and
again when the content changes underneath them (a `goldenhour seed` while the bot runs): `refresh`
compares a cheap content stamp before each command. Matching and cards never wait on the database;
autocomplete runs on every keystroke.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.characters.matcher import CharacterIndex, Figure, Resolution, Suggestion, Visibility
from bot.policy import SpoilerRules, Treatment
from bot.store import Store
from bot.store.characters import FigureDetailRows


@dataclass(frozen=True, slots=True)
class AliasInfo:
    name: str
    kind: str
    episode: int | None
    source: str


@dataclass(frozen=True, slots=True)
class RelationInfo:
    to_id: str
    to_name: str
    to_kind: str
    relation: str
    episode: int | None
    source: str


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class FigureDetails:
    """One figure's card content beyond the index, as loaded at the last seed."""

    bio: str
    bio_source: str
    actor_source: str | None
    aliases: tuple[AliasInfo, ...]
    relationships: tuple[RelationInfo, ...]
    facts: tuple[FactInfo, ...]


def _details_by_figure(rows: FigureDetailRows) -> dict[str, FigureDetails]:
    aliases: dict[str, list[AliasInfo]] = defaultdict(list)
    for a in rows.aliases:
        aliases[a["figure_id"]].append(AliasInfo(a["name"], a["kind"], a["episode"], a["source"]))
    relationships: dict[str, list[RelationInfo]] = defaultdict(list)
    for r in rows.relationships:  # naming someone whose very existence is a later reveal spoils that episode too
        relationships[r["figure_id"]].append(RelationInfo(r["to_id"], r["to_name"], r["to_kind"], r["relation"],
                                                          _latest(r["episode"], r["to_episode"]), r["source"]))
    facts: dict[str, list[FactInfo]] = defaultdict(list)
    for f in rows.facts:
        facts[f["figure_id"]].append(FactInfo(f["text"], f["episode"], f["source"]))
    return {
        row["id"]: FigureDetails(row["bio"], row["source"], row["actor_source"], tuple(aliases[row["id"]]),
                                 tuple(relationships[row["id"]]), tuple(facts[row["id"]]))
        for row in rows.figures
    }


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
        self._details: dict[str, FigureDetails] = {}
        self._source_titles: Mapping[str, str] = {}
        self._building = asyncio.Lock()
        self._built = False

    async def reload(self) -> CharacterIndex:
        """Rebuild the in-memory name index, and the card details kept beside it, from the store (safe
        to call any time; swaps atomically)."""
        stamp = await self.store.content_stamp()
        index = CharacterIndex.from_rows(await self.store.figure_rows(), await self.store.figure_alias_rows())
        details = _details_by_figure(await self.store.figure_details())
        titles = await self.store.source_titles()
        self.index, self._details, self._source_titles, self._stamp = index, details, titles, stamp
        self._built = True
        return index

    async def refresh(self) -> None:
        """Rebuild only if the content was reseeded since the last build (one build at a time: the
        first commands after a start or a seed wait for the same one)."""
        async with self._building:
            self._checked_at = self._clock()
            if not self._built or await self.store.content_stamp() != self._stamp:
                await self.reload()

    async def refresh_if_due(self) -> None:
        """For autocomplete, which runs per keystroke: look at the store only every so often."""
        if not self._built or self._clock() - self._checked_at >= AUTOCOMPLETE_REFRESH_SECONDS:
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
        "withheld" notes; masked ones stay, for the renderer to mask)."""
        await self.refresh()
        cast, uncast = self.cast(), self.uncast()
        if rules is not None:
            cast = [f for f in cast if rules.treatment(f.episode) is not Treatment.HIDE]
            uncast = [f for f in uncast if rules.treatment(f.episode) is not Treatment.HIDE]
        credited = {f.actor_source for f in cast if f.actor_source}
        titles = [title for sid, title in self._source_titles.items() if sid in credited]
        return CastListing(cast, uncast, titles)

    async def card(self, figure_id: str) -> FigureCard | None:
        await self.refresh()
        figure, details = self.index.figures.get(figure_id), self._details.get(figure_id)
        if figure is None or details is None:
            return None
        cited = {details.bio_source, *(a.source for a in details.aliases),
                 *(r.source for r in details.relationships), *(f.source for f in details.facts)}
        if details.actor_source:
            cited.add(details.actor_source)
        return FigureCard(
            figure=figure, bio=details.bio, bio_source=details.bio_source, actor_source=details.actor_source,
            aliases=list(details.aliases), relationships=list(details.relationships), facts=list(details.facts),
            source_titles={sid: title for sid, title in self._source_titles.items() if sid in cited},
        )
