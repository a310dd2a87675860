"""Wrap text in Discord spoiler tags so that Discord really hides it.

Discord hides `||…||` spans inline, but a span can't open a list item or a block quote (the marker must
start the line), and a literal `|` pair inside the text would close the span early. So each line is
masked on its own, after its block marker, with pipes escaped; a cut to fit a length limit always
closes the span it is in, so the rest of a spoiler never leaks.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_BLOCK_MARKER = re.compile(r"^(\s*(?:>>>\s|>\s|[-*+]\s|\d+[.)]\s|#{1,3}\s)?)(.*)$")


def _escape_pipes(text: str) -> str:
    return text.replace("\\|", "\\\\|").replace("|", "\\|")


def _unescape_pipes(text: str) -> str:
    return re.sub(r"\\(\\?)\|", lambda m: m.group(1) + "|", text)


def mask(text: str, limit: int | None = None) -> str:
    """`text` with every non-blank line spoiler-tagged, at most `limit` characters long."""
    out: list[str] = []
    used = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        separator = 1 if index else 0
        marker, body = _BLOCK_MARKER.match(line).groups()  # type: ignore[union-attr]
        piece = f"{marker}||{_escape_pipes(body)}||" if body.strip() else line
        if limit is None or used + separator + len(piece) <= limit:
            out.append(piece)
            used += separator + len(piece)
            continue
        room = limit - used - separator - len(marker) - 4 - len(ELLIPSIS)
        if body.strip() and room > 0:
            out.append(f"{marker}||{_cut_escaped(body, room)}{ELLIPSIS}||")
        elif out and used + len(ELLIPSIS) <= limit:
            out[-1] = out[-1] + ELLIPSIS if not out[-1].endswith("||") else out[-1]
        break
    return "\n".join(out)


def _cut_escaped(body: str, room: int) -> str:
    """The longest escaped prefix of `body` that fits `room`, never ending in half an escape."""
    escaped = ""
    for char in body:
        piece = _escape_pipes(char) if char != "\\" else "\\"
        if len(escaped) + len(piece) > room:
            break
        escaped += piece
    return escaped.rstrip("\\")


def unmask(masked: str) -> str:
    """Inverse of `mask` (for untruncated text): what a member reads after clicking every spoiler."""
    lines = []
    for line in masked.split("\n"):
        marker, body = _BLOCK_MARKER.match(line).groups()  # type: ignore[union-attr]
        if body.startswith("||") and body.endswith("||") and len(body) >= 4:
            body = _unescape_pipes(body[2:-2])
        lines.append(marker + body)
    return "\n".join(lines)
