"""Shared rendering pieces: escaping member text, Discord's limits, the house embed style."""

from __future__ import annotations

import discord

EMBED_COLOUR = discord.Colour.from_rgb(232, 168, 56)  # golden hour


class Limits:
    """Discord's documented limits; a request over any of them fails with 400."""

    CONTENT = 2000
    EMBED_TITLE = 256
    EMBED_DESCRIPTION = 4096
    EMBED_FIELDS = 25
    FIELD_NAME = 256
    FIELD_VALUE = 1024
    FOOTER = 2048
    EMBED_TOTAL = 6000
    BUTTON_LABEL = 80
    SELECT_OPTIONS = 25
    CUSTOM_ID = 100
    CHOICES = 25
    CHOICE_NAME = 100


def escape(text: str) -> str:
    """Member-written text, made inert: no markdown, no pings (even if allowed_mentions were lost)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(
        title=truncate(title, Limits.EMBED_TITLE),
        description=truncate(description, Limits.EMBED_DESCRIPTION) if description else None,
        colour=EMBED_COLOUR,
    )


def add_field(target: discord.Embed, name: str, value: str, *, inline: bool = False) -> bool:
    """Add a field within the limits; returns False (adding nothing) when the embed is full."""
    value = truncate(value, Limits.FIELD_VALUE) or "—"
    name = truncate(name, Limits.FIELD_NAME) or "—"
    if len(target.fields) >= Limits.EMBED_FIELDS or len(target) + len(name) + len(value) > Limits.EMBED_TOTAL:
        return False
    target.add_field(name=name, value=value, inline=inline)
    return True


def source_footer(titles: list[str]) -> str:
    unique = list(dict.fromkeys(titles))
    return truncate("Sources: " + "; ".join(unique), Limits.FOOTER) if unique else ""
