"""Quotes, search results and paged reviews as Discord embeds and views.

Quotes are verbatim, so the only things we add are markdown around them: bold for matched words, a
block-quote marker, spoiler tags. The quote's own characters are escaped so that a `*` or `_` in a
review stays a character and never becomes formatting.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.common.embeds import Limits, escape, source_footer, truncate
from bot.common.embeds import embed as house_embed
from bot.pack.ingest import split_sentences
from bot.policy import SpoilerRules, Treatment, mask
from bot.policy.rules import withheld_note
from bot.quotes import Attribution, Quote, Review, ReviewSummary, SearchResult

QUOTE_CHARS = 700  # one quote's rendered length at most (the longest in the pack is under 300)
HEADLINE_CHARS = 200
PAGE_CHARS = 1800  # a review page's body: a comfortable read, far inside the 4096 description limit
QUERY_ECHO_CHARS = 80


# -- markdown ----------------------------------------------------------------------------------------

_BOLD_OPEN, _BOLD_CLOSE, _PIPE = "\x02", "\x03", "\x00"  # placeholders no document contains


def _escaped(text: str, treatment: Treatment) -> str:
    """Escape markdown and mentions. When the text will be masked, leave `|` to mask(), which escapes
    pipes itself (escaping twice would show a stray backslash)."""
    if treatment is not Treatment.MASK:
        return escape(text)
    return escape(text.replace("|", _PIPE)).replace(_PIPE, "|")


def shown(segments: Sequence[tuple[str, bool]], episode: int | None, rules: SpoilerRules,
          limit: int | None) -> str:
    """Verbatim text (matched runs in bold) as these rules allow: plain, masked, or withheld.

    The whole sentence is escaped in one go, with placeholders where the bold goes, so escaping sees
    real line starts (a matched word in mid-line never makes the next piece look like a list item)."""
    treatment = rules.treatment(episode)
    if treatment is Treatment.HIDE:
        return withheld_note(episode)
    marked = "".join([f"{_BOLD_OPEN}{piece}{_BOLD_CLOSE}" if matched else piece for piece, matched in segments])
    text = _escaped(marked, treatment).replace(_BOLD_OPEN, "**").replace(_BOLD_CLOSE, "**")
    if treatment is Treatment.MASK:
        return mask(text, limit)
    if limit is not None and len(text) > limit:  # never cut inside the bold markers: drop them
        text = truncate(escape("".join(piece for piece, _ in segments)), limit)
    return text


def shown_text(text: str, episode: int | None, rules: SpoilerRules, limit: int | None) -> str:
    """Text with no matched words, as these rules allow (`shown`, with a short way for plain text: a
    search reply shows a headline under every quote)."""
    if rules.treatment(episode) is not Treatment.PLAIN:
        return shown(((text, False),), episode, rules, limit)
    text = escape(text)
    return text if limit is None or len(text) <= limit else truncate(text, limit)


def quote_block(quote: Quote, rules: SpoilerRules) -> str:
    """The quote as a block quote, with its attribution line below."""
    body = shown(quote.segments, quote.episode, rules, QUOTE_CHARS)
    return f"> {body}\n{attribution_line(quote.attribution, rules)}"


def attribution_line(attribution: Attribution, rules: SpoilerRules) -> str:
    headline = shown_text(attribution.headline, attribution.headline_episode, rules, HEADLINE_CHARS)
    if attribution.review_number is None:  # an article: its title is the headline
        return f"— *{headline}*"
    if not _self_quoted(attribution.headline):  # a reviewer who put their headline in quotes keeps theirs
        headline = f"“{headline}”"
    return f"— {headline}, review {attribution.review_number} · *{escape(attribution.source_title)}*"


def _self_quoted(headline: str) -> bool:
    text = headline.strip()
    return len(text) > 1 and text[0] in "\"“" and text[-1] in "\"”"


def _echo(text: str) -> str:
    return escape(truncate(" ".join(text.split()), QUERY_ECHO_CHARS))


# -- search and random ---------------------------------------------------------------------------------

def search_embed(result: SearchResult, text: str, rules: SpoilerRules) -> discord.Embed:
    blocks: list[str] = []
    used = 0
    for quote in result.quotes:
        block = quote_block(quote, rules)
        if used + len(block) + 2 > Limits.EMBED_DESCRIPTION:
            break
        blocks.append(block)
        used += len(block) + 2
    topic = f"“{_echo(text)}”" if rules.allows(result.query_episode) else "your search (it names a spoiler)"
    card = house_embed(f"Quotes matching {topic}")
    card.description = "\n\n".join(blocks)
    shown_count = len(blocks)
    count = f"{result.total} match" + ("" if result.total == 1 else "es")
    if shown_count < result.total:
        count += f", the best {shown_count} shown"
    titles = [q.attribution.source_title for q in result.quotes[:shown_count]]
    card.set_footer(text=truncate(f"{count} · {source_footer(titles)}", Limits.FOOTER))
    return card


def no_match_message(text: str) -> str:
    return (f"No quotes match “{_echo(text)}”. Try fewer words, or the start of a word: "
            "`heli` finds “helicopter”.")


def random_embed(quote: Quote, rules: SpoilerRules, about: str | None, about_episode: int | None) -> discord.Embed:
    """A titled quote; a topic that is itself a spoiler here stays out of the title (titles can't be
    spoiler-tagged)."""
    if not about:
        title = "A quote from the reviews"
    elif rules.allows(about_episode):
        title = f"A quote about {escape(truncate(about, QUERY_ECHO_CHARS))}"
    else:
        title = "A quote about a spoiler"
    card = house_embed(title, quote_block(quote, rules))
    card.set_footer(text=source_footer([quote.attribution.source_title]))
    return card


def no_random_message(about: str | None, withheld: bool) -> str:
    if withheld:
        return "Every quote that fits is past this channel's spoiler horizon, so none can be shown here."
    if about:
        return (f"No quotes mention “{_echo(about)}”. Try another name or word, or `/quote search` "
                "for the start of a word.")
    return "There are no quotes yet: the data pack has not been seeded."


# -- reviews ---------------------------------------------------------------------------------------------

def review_choice_name(review: ReviewSummary, rules: SpoilerRules) -> str:
    """An autocomplete label (choices can't be spoiler-tagged, so a spoiling headline is left out)."""
    headline = review.headline if rules.allows(review.headline_episode) else "headline withheld: spoiler"
    flag = " (may contain spoilers)" if review.spoiler_flag else ""
    return truncate(f"{review.number}. {headline}{flag}", Limits.CHOICE_NAME)


def review_pages(review: Review, rules: SpoilerRules, page_chars: int = PAGE_CHARS) -> list[str]:
    """The review's body as pages of at most `page_chars`, never splitting a spoiler span: each
    paragraph (or, when a paragraph is too long, each run of sentences) is rendered on its own and
    pages are filled with whole pieces."""
    pieces: list[str] = []
    for paragraph, episode in review.paragraphs:
        for chunk in _chunks(paragraph, episode, rules, page_chars):
            if pieces and chunk == pieces[-1] == withheld_note(episode):
                continue  # one note for a run of withheld paragraphs
            pieces.append(chunk)
    pages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n\n{piece}" if current else piece
        if current and len(candidate) > page_chars:
            pages.append(current)
            candidate = piece
        current = candidate
    if current or not pages:
        pages.append(current or "*(This review has no text.)*")
    return pages


def _chunks(paragraph: str, episode: int | None, rules: SpoilerRules, limit: int) -> list[str]:
    whole = shown_text(paragraph, episode, rules, None)
    if len(whole) <= limit:
        return [whole]
    chunks: list[str] = []
    run: list[str] = []
    for sentence in split_sentences(paragraph):
        candidate = shown_text(" ".join([*run, sentence]), episode, rules, None)
        if run and len(candidate) > limit:
            chunks.append(shown_text(" ".join(run), episode, rules, limit))
            run = []
        run.append(sentence)
    if run:
        chunks.append(shown_text(" ".join(run), episode, rules, limit))
    return chunks


def review_embed(review: Review, pages: list[str], index: int, rules: SpoilerRules) -> discord.Embed:
    summary = review.summary
    headline = shown_text(summary.headline, summary.headline_episode, rules, HEADLINE_CHARS)
    card = house_embed(f"Review {summary.number} of {review.count}")
    card.description = f"**{headline}**\n\n{pages[index]}"
    footer = source_footer([summary.source_title])
    if len(pages) > 1:
        footer = f"Page {index + 1} of {len(pages)} · {footer}"
    if summary.spoiler_flag:
        footer += " · The review site marks this review “may contain spoilers”."
    card.set_footer(text=truncate(footer, Limits.FOOTER))
    return card


def no_review_message(selector: str, count: int) -> str:
    return (f"No review matches “{_echo(selector)}”. Pick one from the list, or give a number from 1 to "
            f"{count}.")
