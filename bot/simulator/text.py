"""Messages as plain text, for the offline console: what a member would see on Discord."""

from __future__ import annotations

import re
from typing import Any

SPOILER = re.compile(r"\|\|(.+?)\|\|", re.S)
MENTION = re.compile(r"<(@&|@!?|#)(\d+)>")


def show_mentions(text: str, names: dict[int, str]) -> str:
    """`<@id>`, `<@&id>`, `<#id>` as Discord displays them: the member's, role's or channel's name."""

    def name(match: re.Match[str]) -> str:
        sigil = "#" if match.group(1) == "#" else "@"
        return sigil + names.get(int(match.group(2)), match.group(2))

    return MENTION.sub(name, text)


def show_spoilers(text: str, reveal: bool) -> str:
    """Masked parts look masked (▒▒▒) unless revealed, like an unclicked Discord spoiler."""
    if reveal:
        return SPOILER.sub(lambda m: f"[{m.group(1)}]", text)
    return SPOILER.sub(lambda m: "▒" * min(12, max(3, len(m.group(1)) // 4)) + " (spoiler)", text)


def message_as_text(content: str, embeds: list[dict[str, Any]], components: list[dict[str, Any]], *,
                    ephemeral: bool = False, reveal: bool = False, edited: bool = False,
                    names: dict[int, str] | None = None) -> str:
    lines: list[str] = []
    header = []
    if ephemeral:
        header.append("only you can see this")
    if edited:
        header.append("edited")
    if header:
        lines.append(f"({', '.join(header)})")
    if content:
        lines.append(show_spoilers(content, reveal))
    for embed in embeds:
        if embed.get("title"):
            lines.append(f"┃ {show_spoilers(embed['title'], reveal)}")
        if embed.get("description"):
            lines += [f"┃ {line}" for line in show_spoilers(embed["description"], reveal).splitlines()]
        for fld in embed.get("fields", []):
            lines.append(f"┃ ▸ {show_spoilers(fld['name'], reveal)}")
            lines += [f"┃   {line}" for line in show_spoilers(fld["value"], reveal).splitlines()]
        if embed.get("footer", {}).get("text"):
            lines.append(f"┃ — {embed['footer']['text']}")
    number = 0
    for row in components:
        cells = []
        for item in row.get("components", [row]):
            if item.get("type") == 2:
                number += 1
                state = " (disabled)" if item.get("disabled") else ""
                cells.append(f"[{number}] {item.get('label') or item.get('emoji', {}).get('name', '?')}{state}")
            elif item.get("type") == 3:
                options = ", ".join(o["label"] for o in item.get("options", []))
                cells.append(f"[menu: {options}] (:choose <label>)")
        if cells:
            lines.append("   ".join(cells))
    return show_mentions("\n".join(lines), names or {})
