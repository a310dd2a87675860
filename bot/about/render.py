"""The /about card: what the bot serves, from which documents, at which version."""

from __future__ import annotations

import discord

from bot.common.embeds import add_field, embed


def about_embed(info: dict[str, str], sources: list[dict[str, str | None]], counts: dict[str, int],
                version: str) -> discord.Embed:
    card = embed(
        f"Golden Hour — {info.get('title', 'no data pack loaded')}",
        "Spoiler-safe trivia, characters, episode recaps and review quotes. "
        "Everything comes from the documents below; where they are silent, so is the bot.",
    )
    add_field(card, "Show", f"{info.get('platform', '?')} · {info.get('episode_count', '?')} episodes · "
                            f"premiered {info.get('premiere', '?')}")
    lines = []
    for source in sources:
        line = f"• {source['title']} ({source['kind']})"
        if source.get("author"):
            line += f" by {source['author']}"
        lines.append(line)
    add_field(card, "Sources", "\n".join(lines) or "none")
    add_field(card, "Data", ", ".join(f"{value} {label}" for label, value in counts.items() if value))
    card.set_footer(text=f"Golden Hour {version} · data pack {info.get('pack_id', '?')}")
    return card
