"""Shared rendering pieces: escaping member text, cutting it to Discord's limits (bot/limits.py), the house
embed style."""

from __future__ import annotations

import discord

from bot import limits

EMBED_COLOUR = discord.Colour.from_rgb(232, 168, 56)  # golden hour


Limits = limits  # the older name, still imported by bot/quotes; new code imports bot.limits


def escape(text: str) -> str:
    """Member-written text, made inert: no markdown, no pings (even if allowed_mentions were lost)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(
        title=truncate(title, limits.EMBED_TITLE),
        description=truncate(description, limits.EMBED_DESCRIPTION) if description else None,
        colour=EMBED_COLOUR,
    )


def add_field(target: discord.Embed, name: str, value: str, *, inline: bool = False) -> bool:
    """Add a field within the limits; returns False (adding nothing) when the embed is full."""
    value = truncate(value, limits.FIELD_VALUE) or "—"
    name = truncate(name, limits.FIELD_NAME) or "—"
    if len(target.fields) >= limits.EMBED_FIELDS or len(target) + len(name) + len(value) > limits.EMBED_TOTAL:
        return False
    target.add_field(name=name, value=value, inline=inline)
    return True


def source_footer(titles: list[str]) -> str:
    unique = list(dict.fromkeys(titles))
    return truncate("Sources: " + "; ".join(unique), limits.FOOTER) if unique else ""
