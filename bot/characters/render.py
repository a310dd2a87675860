"""Character cards, the cast list, and the texts around a lookup (choices, "which one?", "not found").

Everything that carries an episode goes through the `SpoilerRules` of the reply: facts, relationships
and aliases past the horizon are masked or withheld. Member-typed text is only ever echoed through
`escape()`. Discord's limits are respected here (field values split across fields, 25 options).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import discord

from bot import limits
from bot.characters import EntryKind, Figure, FigureCard, Suggestion, spelling_key
from bot.common.embeds import add_field, embed, escape, source_footer, truncate
from bot.policy import SpoilerRules, Treatment

PERSON_COLOUR = discord.Colour.from_rgb(120, 144, 156)  # real people look different from characters
QUERY_ECHO = 60  # characters of a member's query we echo back (escaped)


# -- autocomplete ---------------------------------------------------------------------------------------

def choice_name(suggestion: Suggestion) -> str:
    """What the member sees in the autocomplete list: the name, and why it matched when that was an
    alias or the actor (so `Gang-hyeok` visibly leads to Baek Kang-hyuk)."""
    figure = suggestion.figure
    label = figure.name
    if suggestion.kind is EntryKind.ALIAS and suggestion.matched != figure.name:
        label = f"{figure.name} ({suggestion.matched})"
    elif suggestion.kind is EntryKind.ACTOR:
        label = f"{figure.name} (played by {suggestion.matched})"
    if figure.is_person:
        label += " · real person"
    return truncate(label, limits.CHOICE_NAME)


# -- the card -------------------------------------------------------------------------------------------

def figure_embed(card: FigureCard, rules: SpoilerRules) -> discord.Embed:
    """A character card, or a person card for a real person (author, director, ...), never mixed up."""
    figure = card.figure
    if figure.is_person:
        result = embed(figure.name, f"**Real person** — {figure.role}\n\n{card.bio}")
        result.colour = PERSON_COLOUR
        result.set_author(name="Real person (not a character of the show)")
    else:
        result = embed(figure.name, f"*{figure.role}*\n\n{card.bio}")
        result.set_author(name="Character")
        if figure.actor:
            add_field(result, "Played by", figure.actor, inline=True)
        elif not figure.unnamed:
            add_field(result, "Played by", "The documents don't say.", inline=True)
    known_as = _known_as(card, rules)
    if known_as:
        add_field(result, "Known as", known_as)
    relations = _lines_in_fields(_relationship_lines(card, rules))
    for index, value in enumerate(relations):
        add_field(result, "Relationships" if index == 0 else "Relationships (cont.)", value)
    for title, lines in _fact_groups(card, rules):
        for index, value in enumerate(_lines_in_fields(lines)):
            if not add_field(result, title if index == 0 else f"{title} (cont.)", value):
                break
    result.set_footer(text=truncate(f"{source_footer(card.sources_cited())}\n{rules.describe()}", limits.FOOTER))
    return result


def _known_as(card: FigureCard, rules: SpoilerRules) -> str:
    """Each way of writing the name once: `Kang-hyuk` and `Kang-Hyuk`, or `Baek Gang-hyeok` and
    `Baek Gang Hyeok`, are the same to a reader (the documents' variants stay in the data's notes)."""
    shown: list[str] = []
    notes: list[str] = []
    seen = {spelling_key(card.figure.name)}
    for alias in card.aliases:
        key = spelling_key(alias.name)
        if key in seen:
            continue
        seen.add(key)
        treatment = rules.treatment(alias.episode)
        if treatment is Treatment.HIDE:
            notes.append(rules.render(alias.name, alias.episode))
        else:
            shown.append(rules.render(alias.name, alias.episode))
    return "\n".join([" · ".join(dict.fromkeys(shown)), *dict.fromkeys(notes)]).strip()


def _relationship_lines(card: FigureCard, rules: SpoilerRules) -> list[str]:
    lines = []
    for relation in card.relationships:
        person = " (real person)" if relation.to_kind == "person" else ""
        lines.append(rules.render(f"- {relation.relation} **{relation.to_name}**{person}", relation.episode,
                                  limits.FIELD_VALUE))
    return _dedupe(lines)


def _fact_groups(card: FigureCard, rules: SpoilerRules) -> list[tuple[str, list[str]]]:
    """Facts that spoil nothing first, then one group per episode, in episode order."""
    groups: dict[int | None, list[str]] = {}
    for fact in card.facts:
        groups.setdefault(fact.episode, []).append(rules.render(f"- {fact.text}", fact.episode, limits.FIELD_VALUE))
    ordered = sorted(groups, key=lambda e: -1 if e is None else e)
    return [("Facts" if episode is None else f"Episode {episode}", _dedupe(groups[episode])) for episode in ordered]


def _dedupe(lines: Iterable[str]) -> list[str]:
    """Hidden items all render to the same one-line note; say it once."""
    return list(dict.fromkeys(lines))


def _lines_in_fields(lines: list[str], limit: int = limits.FIELD_VALUE) -> list[str]:
    """Pack whole lines into field values of at most `limit` characters (a line is never split)."""
    values: list[str] = []
    current = ""
    for line in lines:
        line = truncate(line, limit) if len(line) > limit else line
        if current and len(current) + 1 + len(line) > limit:
            values.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        values.append(current)
    return values


def related_options(card: FigureCard, rules: SpoilerRules) -> list[discord.SelectOption]:
    """Who the member can look up next: relationships shown in the clear only (a masked relationship's
    target would give the spoiler away in a menu, where nothing can be spoiler-tagged)."""
    options: dict[str, discord.SelectOption] = {}
    for relation in card.relationships:
        if relation.to_id in options or not rules.allows(relation.episode):
            continue
        options[relation.to_id] = discord.SelectOption(
            label=truncate(relation.to_name, 100), value=relation.to_id,
            description=truncate(relation.relation, 100),
        )
    return list(options.values())[: limits.SELECT_OPTIONS]


# -- "which one?" and "not found" ---------------------------------------------------------------------------

def echo(query: str) -> str:
    """A member's query, safe to show: escaped (no markdown, no pings), one line, cut short."""
    return escape(truncate(" ".join(query.split()), QUERY_ECHO))


def ambiguity_prompt(query: str) -> str:
    return f"Several figures match “{echo(query)}”. Which one did you mean?"


def pick_options(figures: list[Figure]) -> list[discord.SelectOption]:
    options = []
    for figure in figures[: limits.SELECT_OPTIONS]:
        description = f"Real person · {figure.role}" if figure.is_person else figure.role
        options.append(discord.SelectOption(label=truncate(figure.name, 100), value=figure.id,
                                            description=truncate(description, 100)))
    return options


def not_found_message(query: str, suggestions: list[Figure]) -> str:
    text = f"No character or person matches “{echo(query)}”."
    if suggestions:
        text += " Closest: " + ", ".join(f"**{f.name}**" for f in suggestions) + "."
    return text + " `/cast` lists everyone with an actor."


EMPTY_QUERY = "Type a character's name (or a nickname, a title like “Dr. Baek”, or the actor's name)."
TOO_LONG = "That's longer than any name: keep it under 100 characters."
GONE = "That character is no longer in the data pack; try `/character` again."
PAST_HORIZON = ("Who that is would give away a later episode under the spoiler rules here. Once you have "
                "seen it, look them up with `private:True` (after `/progress set`) or in a spoiler channel.")


# -- /cast ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CastPage:
    embed: discord.Embed
    page: int  # 1-based, clamped
    pages: int


def cast_page(cast: list[Figure], uncast: list[Figure], source_titles: list[str], page: int,
              per_page: int, rules: SpoilerRules) -> CastPage:
    """One page of the actor → character list; the last page also names the characters whose actor the
    documents never give (said plainly rather than guessed).

    A character whose very existence is a reveal (`episode:` on the figure) goes through the rules
    like any other spoiler: masked here; under `hide` the service already left it out (a list of names
    has no room for notes)."""
    pages = max(1, -(-len(cast) // per_page))
    page = min(max(page, 1), pages)
    lines = [
        rules.render(f"**{figure.actor}** as {figure.name} — {truncate(figure.role, 80)}", figure.episode)
        for figure in cast[(page - 1) * per_page: page * per_page]
    ]
    if not cast:
        lines.append("The documents name no actors.")
    if page == pages and uncast:
        names = ", ".join(rules.render(f.name, f.episode) for f in uncast)
        lines.append(f"\nNo actor named in the documents for: {names}.")
    description = truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    result = embed("Cast", description)
    footer = source_footer(source_titles)
    if pages > 1:
        footer = f"{footer}\nPage {page}/{pages}".strip()
    if footer:
        result.set_footer(text=truncate(footer, limits.FOOTER))
    return CastPage(result, page, pages)
