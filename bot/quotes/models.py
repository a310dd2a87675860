"""What the quote service hands the renderer: quotes with their attribution, search results, reviews."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.quotes.query import SearchQuery


@dataclass(frozen=True, slots=True)
class Attribution:
    """Where a quote comes from. `headline` is the review's headline (or the article's title); it is
    shown plainly unless it names a spoiler keyword itself (`headline_episode`)."""

    passage_id: int
    headline: str
    headline_episode: int | None
    source_id: str
    source_title: str
    review_number: int | None  # None for an article
    spoiler_flag: bool  # the review site's "may contain spoilers" banner


@dataclass(frozen=True, slots=True)
class Quote:
    """One verbatim sentence. `segments` is the same text cut into (piece, matched) runs for
    highlighting; joined, the pieces are exactly `text`."""

    id: int
    text: str
    episode: int | None
    attribution: Attribution
    segments: tuple[tuple[str, bool], ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.segments:
            object.__setattr__(self, "segments", ((self.text, False),))


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    total: int  # every matching quote, of which `quotes` are the best few
    quotes: tuple[Quote, ...]
    query_episode: int | None = None  # the member's words can name a spoiler too (echoed in public)


@dataclass(frozen=True)
class ReviewSummary:
    """A review as offered for choosing: number and headline."""

    number: int
    passage_id: int
    headline: str
    headline_episode: int | None
    source_title: str
    spoiler_flag: bool


@dataclass(frozen=True)
class Review:
    """A whole review, paragraph by paragraph, each with the episode it can spoil."""

    summary: ReviewSummary
    count: int  # how many reviews there are, for "review 3 of 12"
    paragraphs: tuple[tuple[str, int | None], ...]
