"""The quote service: search, random picks that don't repeat, and whole reviews. Discord-free.

It returns data (quotes with attribution, highlighted segments, paragraphs with the episode each can
spoil); deciding how a spoiler is shown is the renderer's job, through the caller's SpoilerRules.
"""

from __future__ import annotations

import random
import re
from collections import OrderedDict, deque
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

    async def _about(self, about: str, rules: SpoilerRules) -> tuple[str, str, int | None]:
        """`about_expression`, plus the episode the figure's very existence spoils (None for a topic):
        the label is echoed in a public title, and "Baek's father" gives the finale away by itself."""
        wanted = _norm(about)
        names: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        existence: dict[str, int | None] = {}
        for row in await self.store.quote_figures():
            labels[row["id"]] = row["name"]
            existence[row["id"]] = row["episode"]
            spellings = names.setdefault(row["id"], [row["name"]])
            if row["alias"] and rules.allows(row["alias_episode"]):
                spellings.append(row["alias"])
        for figure_id, spellings in names.items():
            if wanted and any(_norm(name) == wanted for name in spellings):
                phrases = dict.fromkeys(p for p in map(phrase_expression, spellings) if p)
                return " OR ".join(phrases), labels[figure_id], existence[figure_id]
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

    async def about_suggestions(self, typed: str, rules: SpoilerRules) -> list[str]:
        """Character and people names for autocomplete, leaving out any name that itself gives away an
        episode past `rules` (autocomplete can't be spoiler-tagged)."""
        context = await self._context()
        wanted = _norm(typed)
        suggestions: dict[str, None] = {}
        for row in await self.store.quote_figures():
            name = row["name"]
            if not rules.allows(row["episode"]) or not rules.allows(context.episode_of(name)):
                continue  # a figure whose existence is a reveal, or whose name is a spoiler keyword
            spellings = [name]
            if row["alias"] and rules.allows(row["alias_episode"]):
                spellings.append(row["alias"])
            if not wanted or any(wanted in _norm(s) for s in spellings):
                suggestions[name] = None
        return list(suggestions)

    # -- reviews ---------------------------------------------------------------------------------------

    async def reviews(self) -> list[ReviewSummary]:
        context = await self._context()
        return [
            ReviewSummary(row["review_number"], row["id"], row["headline"], context.episode_of(row["headline"]),
                          row["source_title"], bool(row["spoiler_flag"]))
            for row in await self.store.review_list()
        ]

    async def review_choices(self, typed: str) -> list[ReviewSummary]:
        """Reviews for autocomplete: by number prefix, headline substring, then fuzzy headline."""
        reviews = await self.reviews()
        typed = typed.strip()
        if not typed:
            return reviews
        if typed.isdigit():
            return [r for r in reviews if str(r.number).startswith(typed)]
        wanted = typed.casefold()
        found = [r for r in reviews if wanted in r.headline.casefold()]
        if found:
            return found
        ranked = process.extract(wanted, {r.number: r.headline.casefold() for r in reviews},
                                 scorer=fuzz.WRatio, score_cutoff=REVIEW_MATCH_CUTOFF, limit=None)
        by_number = {r.number: r for r in reviews}
        return [by_number[key] for _, _, key in ranked]

    async def review(self, selector: str) -> Review | None:
        """The review `selector` names: its number ("3", "#3") or its headline (forgiving spelling)."""
        reviews = await self.reviews()
        wanted = selector.strip().lstrip("#").strip()
        chosen: ReviewSummary | None = None
        if wanted.isdigit():
            chosen = next((r for r in reviews if r.number == int(wanted)), None)
        elif wanted:
            chosen = next((r for r in reviews if r.headline.casefold() == wanted.casefold()), None)
            if chosen is None:
                candidates = await self.review_choices(wanted)
                chosen = candidates[0] if candidates else None
        if chosen is None:
            return None
        body = await self.store.passage_body(chosen.passage_id) or ""
        context = await self._context()
        paragraphs = tuple(
            (paragraph, context.episode_of(paragraph, chosen.spoiler_flag))
            for paragraph in body.split("\n\n") if paragraph.strip()
        )
        return Review(chosen, len(reviews), paragraphs)
