"""Turn the source documents into passages (reviews, articles) and quotable sentences.

Quotes must be verbatim, so every passage and sentence produced here is an exact substring of its
document: we only cut, never rewrite. Boilerplate (the review site's "helpful?" footer and spoiler
banner, embed captions) is cut away and repeated paragraphs are kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models need pydantic, which the running bot doesn't load (quotes render uses this module)
    from bot.pack.model import Pack, Source

REVIEW_SEPARATOR = "Was this review helpful to you?"
SPOILER_BANNER = "This review may contain spoilers"
BOILERPLATE_LINES = {"view this post on instagram", REVIEW_SEPARATOR.casefold(), SPOILER_BANNER.casefold()}
MIN_QUOTE_WORDS = 4
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "jr", "sr", "no", "ep", "eg", "e.g", "i.e",
                 "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


@dataclass(frozen=True)
class Passage:
    """One review of a review document, or one whole article."""

    source: str
    position: int  # 1-based within its document
    headline: str  # the review's headline, or the article's title
    spoiler_flag: bool  # the review site's "may contain spoilers" banner
    paragraphs: tuple[str, ...]
    spoils_episode: int | None = None  # what paragraphs from `spoilers_from` on can spoil (articles)
    spoilers_from: int = 0

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Sentence:
    source: str
    passage_position: int
    position: int  # 1-based within the passage
    text: str
    spoils: int | None = None  # the episode its place in the document gives away (see Source.spoils_episode)


def ingest(pack: Pack) -> tuple[list[Passage], list[Sentence]]:
    passages: list[Passage] = []
    for source in pack.manifest.sources:
        text = pack.documents.get(source.id)
        if text is None:
            continue
        if source.format == "reviews":
            passages.extend(split_reviews(source.id, text))
        else:
            passages.append(article_passage(source, text))
    sentences = [s for passage in passages for s in passage_sentences(passage)]
    return passages, sentences


def split_reviews(source_id: str, text: str) -> list[Passage]:
    reviews: list[Passage] = []
    for chunk in text.split(REVIEW_SEPARATOR):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        flagged = False
        if lines and lines[0].casefold() == SPOILER_BANNER.casefold():
            flagged = True
            lines = lines[1:]
        if len(lines) < 2:  # the tail after the last separator, or a headline with no body
            continue
        headline, body = lines[0], _paragraphs(lines[1:])
        if body:
            reviews.append(Passage(source_id, len(reviews) + 1, headline, flagged, tuple(body)))
    return reviews


def article_passage(source: Source, text: str) -> Passage:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    paragraphs = tuple(_paragraphs(lines))
    spoilers_from = 0
    if source.spoilers_after:
        marker = source.spoilers_after.casefold()
        spoilers_from = next((i for i, p in enumerate(paragraphs) if marker in p.casefold()), len(paragraphs))
    return Passage(source.id, 1, source.title, False, paragraphs, source.spoils_episode, spoilers_from)


def _paragraphs(lines: list[str]) -> list[str]:
    """Drop boilerplate, lines with no words, and any paragraph already seen in this passage."""
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        key = line.casefold()
        if key in BOILERPLATE_LINES or not re.search(r"\w", line) or key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return kept


# A sentence ends at . ! ? … (plus closing quotes/brackets) followed by space, or glued straight to the
# next capitalised word (the review site often loses the space: "more.The plot").
_BOUNDARY = re.compile(r"""(?<=[.!?…])["”’)]*(?:\s+|(?=[A-Z][a-z]))""")


def split_sentences(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        candidate = paragraph[start : match.start()]
        last_word = re.findall(r"[\w.]+(?=[.!?…][\"”’)]*$)", candidate)
        if last_word and last_word[-1].casefold().rstrip(".") in ABBREVIATIONS:
            continue
        if match.end() >= len(paragraph):
            break
        sentences.append(paragraph[start : match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def is_heading(paragraph: str) -> bool:
    """Section headings and list items read as fragments when quoted alone."""
    unpunctuated = not re.search(r"[.!?…\"”’)]$", paragraph) and len(re.findall(r"\w+", paragraph)) < 25
    return unpunctuated or paragraph.startswith(("- ", "• "))


def is_quotable(sentence: str) -> bool:
    return len(re.findall(r"\w+", sentence)) >= MIN_QUOTE_WORDS


def passage_sentences(passage: Passage) -> list[Sentence]:
    sentences: list[Sentence] = []
    seen: set[str] = set()
    for index, paragraph in enumerate(passage.paragraphs):
        if is_heading(paragraph):
            continue
        spoils = passage.spoils_episode if index >= passage.spoilers_from else None
        for text in split_sentences(paragraph):
            if is_quotable(text) and text.casefold() not in seen:
                seen.add(text.casefold())
                sentences.append(Sentence(passage.source, passage.position, len(sentences) + 1, text, spoils))
    return sentences
