"""The quote service: search, random picks that don't repeat, and whole reviews. Discord-free.

It returns data (quotes with attribution, highlighted segments, paragraphs with the episode each can
spoil); deciding how a spoiler is shown is the renderer's job, through the caller's SpoilerRules.
"""

from __future__ import annotations

import random
import re
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bot.policy import SpoilerRules
from bot.policy.keywords import SpoilerKeyword, quote_episode
from bot.quotes.models import Attribution, Quote, Review, ReviewSummary, SearchResult
from bot.quotes.query import SearchQuery, parse_query, phrase_expression
from bot.store import Store
from bot.store.quotes import MARK_CLOSE, MARK_OPEN

SEARCH_LIMIT = 5  # results per search: the best few, readable in one embed
RECENT_SIZE = 5  # a channel's random picks don't repeat any of its last this-many quotes
RECENT_CHANNELS = 10_000  # channels remembered (least recently used forgotten first): bounded memory
REVIEW_MATCH_CUTOFF = 70  # rapidfuzz score for a typed headline to count as naming a review


class RecentQuotes:
    """The last few quotes shown in each channel, in memory (a restart forgets, which is harmless)."""

    def __init__(self, size: int = RECENT_SIZE, channels: int = RECENT_CHANNELS) -> None:
        self.size = size
        self.channels = channels
        self._shown: OrderedDict[int, deque[int]] = OrderedDict()

    def recent(self, channel_id: int) -> list[int]:
        """Oldest first."""
        return list(self._shown.get(channel_id, ()))

    def remember(self, channel_id: int, quote_id: int) -> None:
        shown = self._shown.setdefault(channel_id, deque(maxlen=self.size))
        if quote_id in shown:
            shown.remove(quote_id)
        shown.append(quote_id)
        self._shown.move_to_end(channel_id)
        while len(self._shown) > self.channels:
            self._shown.popitem(last=False)


@dataclass(frozen=True)
class RandomResult:
    quote: Quote | None
    about: str | None  # the figure's name when `about` named one, else the member's text
    withheld: bool  # nothing showable, but quotes exist that this channel's `hide` rule withholds
    about_episode: int | None = None  # what `about` itself gives away (it is echoed in public)


@dataclass(frozen=True)
class _FigureName:
    id: str
    name: str
    episode: int | None  # the figure's very existence spoils this episode
    spellings: tuple[tuple[str, int | None], ...]  # its name and aliases, each with the episode it reveals
    keys: tuple[str, ...]  # each spelling as `_norm` compares it


@dataclass(frozen=True)
class _FigureNames:
    stamp: str | None
    figures: tuple[_FigureName, ...]
    by_key: dict[str, list[_FigureName]]

    @classmethod
    def build(cls, stamp: str | None, rows: Iterable[Mapping[str, Any]]) -> _FigureNames:
        grouped: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(row["id"], []).append(row)
        figures = []
        for figure_id, own in grouped.items():
            spellings = ((own[0]["name"], None), *((r["alias"], r["alias_episode"]) for r in own if r["alias"]))
            figures.append(_FigureName(figure_id, own[0]["name"], own[0]["episode"], spellings,
                                       tuple(_norm(text) for text, _ in spellings)))
        by_key: dict[str, list[_FigureName]] = {}
        for figure in figures:
            for key in dict.fromkeys(figure.keys):
                by_key.setdefault(key, []).append(figure)
        return cls(stamp, tuple(figures), by_key)


@dataclass(frozen=True)
class _Context:
    """What attribution needs from the content: spoiler keywords and the episode count."""

    keywords: list[SpoilerKeyword]
    episode_count: int

    def episode_of(self, text: str, flagged: bool = False) -> int | None:
        return quote_episode(text, flagged, self.keywords, self.episode_count)


def _norm(name: str) -> str:
    """Names compared loosely: case, spaces, dots and hyphens ignored ("dr baek" = "Dr. Baek")."""
    return re.sub(r"[\W_]+", "", name.casefold())


def split_marked(marked: str, text: str) -> tuple[tuple[str, bool], ...]:
    """FTS5 highlight() output → (piece, matched) runs. Falls back to the plain text if the pieces
    don't rebuild it exactly, so a quote is always shown verbatim."""
    segments: list[tuple[str, bool]] = []
    for index, piece in enumerate(re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", marked)):
        if piece:
            segments.append((piece, index % 2 == 1))
    if "".join(piece for piece, _ in segments) != text:
        return ((text, False),)
    return tuple(segments)


class QuoteService:
    def __init__(self, store: Store, *, recent: RecentQuotes | None = None,
                 rng: random.Random | None = None) -> None:
        self.store = store
        self.recent = recent or RecentQuotes()
        self.rng = rng or random.Random()
        self._figure_names: _FigureNames | None = None

    async def _context(self) -> _Context:
        return _Context(await self.store.spoiler_keywords(), await self.store.episode_count())

    @staticmethod
    def _attribution(row: dict[str, Any], context: _Context) -> Attribution:
        return Attribution(
            passage_id=row["passage_id"], headline=row["headline"],
            headline_episode=context.episode_of(row["headline"]), source_id=row["source"],
            source_title=row["source_title"], review_number=row["review_number"],
            spoiler_flag=bool(row["spoiler_flag"]),
        )

    def _quote(self, row: dict[str, Any], context: _Context) -> Quote:
        segments = split_marked(row["marked"], row["text"]) if row.get("marked") else ()
        return Quote(row["id"], row["text"], row["episode"], self._attribution(row, context), segments)

    # -- search ----------------------------------------------------------------------------------------

    async def search(self, text: str, *, limit: int = SEARCH_LIMIT) -> SearchResult:
        """The best quotes for a member's free text (UserError when it holds no searchable word)."""
        query = parse_query(text)
        return await self.search_query(query, limit=limit)

    async def search_query(self, query: SearchQuery, *, limit: int = SEARCH_LIMIT) -> SearchResult:
        """Whole words first, prefixes only when they don't fill the page: a complete word ranks the
        quotes that contain it as written, and a prefix is kept for what a member may still be typing
        (`heli` → helicopter)."""
        hits = await self.store.search_quotes([match for match, _ in query.variants()], limit=limit)
        if not hits.rows:
            return SearchResult(query, 0, ())
        context = await self._context()
        return SearchResult(query, hits.total, tuple(self._quote(row, context) for row in hits.rows),
                            context.episode_of(query.text))

    # -- random ----------------------------------------------------------------------------------------

    async def about_expression(self, about: str, rules: SpoilerRules) -> tuple[str, str]:
        """(MATCH expression, label) for `about`: a character or person named by any spelling the
        documents use becomes "any of their names" (only names this reply may show); anything else is
        searched like /quote search."""
        match, label, _ = await self._about(about, rules)
        return match, label

    async def _names(self) -> _FigureNames:
        """Every figure's spellings, normalised, for the content as it is now. Kept between calls and
        rebuilt after a seed: looking a name up among 5,000 figures' spellings took 70 ms per command."""
        stamp = await self.store.content_stamp()
        if self._figure_names is None or self._figure_names.stamp != stamp:
            self._figure_names = _FigureNames.build(stamp, await self.store.quote_figures())
        return self._figure_names

    async def _about(self, about: str, rules: SpoilerRules) -> tuple[str, str, int | None]:
        """`about_expression`, plus the episode the figure's very existence spoils (None for a topic):
        the label is echoed in a public title, and "Baek's father" gives the finale away by itself."""
        wanted = _norm(about)
        for figure in (await self._names()).by_key.get(wanted, []) if wanted else []:
            spellings = [text for text, gate in figure.spellings if rules.allows(gate)]
            if any(_norm(text) == wanted for text in spellings):
                phrases = dict.fromkeys(p for p in map(phrase_expression, spellings) if p)
                return " OR ".join(phrases), figure.name, figure.episode
        return parse_query(about).match, about, None

    async def random(self, rules: SpoilerRules, *, channel_id: int | None,
                     about: str | None = None) -> RandomResult:
        """A random quote (about someone or something), not one of the channel's last few; the pick is
        close to uniform (see `Store.random_quote`)."""
        match: str | None = None
        label: str | None = None
        existence: int | None = None
        if about is not None:
            match, label, existence = await self._about(about, rules)
        hide = rules.withheld_after
        channel = channel_id or 0
        recent = self.recent.recent(channel)
        row = await self.store.random_quote(match=match, exclude=recent, hidden_after=hide)
        if row is None and recent:
            # Every candidate was shown lately: repeat the one shown longest ago.
            still = set(await self.store.quote_ids_among(recent, match=match, hidden_after=hide))
            oldest = next((quote_id for quote_id in recent if quote_id in still), None)
            row = await self.store.quote_by_id(oldest) if oldest is not None else None
        if row is None:
            withheld = hide is not None and await self.store.random_quote(match=match) is not None
            return RandomResult(None, label, withheld)
        self.recent.remember(channel, row["id"])
        context = await self._context()
        about_episode = context.episode_of(label) if label else None
        if existence is not None:
            about_episode = max(existence, about_episode or 0)
        return RandomResult(self._quote(row, context), label, False, about_episode)

    async def about_suggestions(self, typed: str, rules: SpoilerRules, limit: int = 25) -> list[str]:
        """Character and people names for autocomplete, leaving out any name that itself gives away an
        episode past `rules` (autocomplete can't be spoiler-tagged)."""
        context = await self._context()
        wanted = _norm(typed)
        suggestions: list[str] = []
        for figure in (await self._names()).figures:
            if len(suggestions) >= limit:
                break
            if not any(wanted in key for (_, gate), key in zip(figure.spellings, figure.keys, strict=True)
                       if rules.allows(gate)):
                continue
            if rules.allows(figure.episode) and rules.allows(context.episode_of(figure.name)):
                suggestions.append(figure.name)  # not a reveal itself, nor a name that is a spoiler keyword
        return suggestions

    # -- reviews ---------------------------------------------------------------------------------------

    def _summary(self, row: dict[str, Any], context: _Context) -> ReviewSummary:
        return ReviewSummary(row["review_number"], row["id"], row["headline"], context.episode_of(row["headline"]),
                             row["source_title"], bool(row["spoiler_flag"]))

    async def review_count(self) -> int:
        return await self.store.review_count()

    async def review_choices(self, typed: str, limit: int = 25) -> list[ReviewSummary]:
        """Reviews for autocomplete: by number prefix, headline substring, then fuzzy headline."""
        context = await self._context()
        typed = typed.strip().lstrip("#").strip()
        if typed.isdigit():
            count = await self.store.review_count()
            numbers = [n for n in range(1, count + 1) if str(n).startswith(typed)][:limit]
            found = [await self.store.review_by_number(n) for n in numbers]
            return [self._summary(row, context) for row in found if row]
        rows = await self.store.review_list(like=typed or None, limit=limit)
        if not rows and typed:
            everything = await self.store.review_list()
            ranked = process.extract(typed.casefold(), [row["headline"].casefold() for row in everything],
                                     scorer=fuzz.WRatio, score_cutoff=REVIEW_MATCH_CUTOFF, limit=limit)
            rows = [everything[index] for _, _, index in ranked]
        return [self._summary(row, context) for row in rows]

    async def review(self, selector: str) -> Review | None:
        """The review `selector` names: its number ("3", "#3") or its headline (forgiving spelling)."""
        wanted = selector.strip().lstrip("#").strip()
        if not wanted:
            return None
        context = await self._context()
        if wanted.isdigit():
            row = await self.store.review_by_number(int(wanted))
            chosen = self._summary(row, context) if row else None
        else:
            candidates = await self.review_choices(wanted)
            exact = [r for r in candidates if r.headline.casefold() == wanted.casefold()]
            chosen = (exact or candidates or [None])[0]
        if chosen is None:
            return None
        body = await self.store.passage_body(chosen.passage_id) or ""
        paragraphs = tuple(
            (paragraph, context.episode_of(paragraph, chosen.spoiler_flag))
            for paragraph in body.split("\n\n") if paragraph.strip()
        )
        return Review(chosen, await self.store.review_count(), paragraphs)
