"""Wrap text in Discord spoiler tags so that Discord really hides it.

Discord hides an inline `||…||` span: it ends at the first `||` that follows, escapes or not, and
block markup (a list item, a quote, a heading) only works at the start of a line. So the text is
masked one *unit* at a time, where a unit is a line or a whole fenced code block:

- block markers and indentation stay outside the span (`- ||item||`, `> ||quote||`), so lists,
  quotes and headings still render; a fenced code block is wrapped whole (`||```…```||`);
- inside a span no two pipes ever touch: a pipe that is part of a run, or that would touch the
  span's own delimiters, is escaped with a backslash (and backslashes right before it doubled), so
  the encoding can be undone exactly; a lone pipe in the middle (a URL, a table cell) stays as it is;
- a span never ends in a pipe, a backslash or a bare URL: a space goes before the closing `||`
  there, so neither an escape nor a link can swallow the delimiter (and a span whose text ends in
  a space gets one more, so a final space is always that padding);
- a cut to fit a length limit ends inside the span it is in (`||the cut tex…||`), so the rest of
  a spoiler never leaks, and the output is never longer than the limit.

One thing can't be had: inside code, Discord shows a backslash literally, so a `||` within code
shows as `\\|\\|` once revealed (the alternative would end the spoiler early and leak the rest).

`unmask(mask(text)) == text` for every text; the tests check it, the limits and the span structure
with hypothesis.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ELLIPSIS = "…"
FENCE = "```"
# Block markup Discord honours at the start of a line, possibly nested (`> - item`), with indentation.
_LEAD = re.compile(r"(?:[^\S\n]*(?:>>>|>|-#|[-*+]|\d{1,3}[.)]|#{1,3})(?=[^\S\n]))*[^\S\n]*")
_PIPE_GROUP = re.compile(r"(\\*)(\|+)")  # a pipe run and the backslashes right before it
_ENCODED_PIPE = re.compile(r"(\\*)\|")
_LAST_TOKEN = re.compile(r"\S*$")
_WORD_BREAK_WINDOW = 25  # a cut backs up to the last space within this many characters


class _Unit(NamedTuple):
    """One line, or the lines of one fenced code block: `lead` + hidden `body` + `tail`."""

    lead: str  # markers and indentation, shown
    body: str  # what the span hides; "" for a blank line; never starts or ends with whitespace
    tail: str  # trailing whitespace, shown
    fenced: bool = False

    @property
    def source(self) -> str:
        return self.lead + self.body + self.tail


def _unit(text: str, fenced: bool = False) -> _Unit:
    lead = _LEAD.match(text).group(0)  # type: ignore[union-attr]  # always matches (may be empty)
    rest = text[len(lead):]
    body = rest.rstrip()
    return _Unit(lead, body, rest[len(body):], fenced)


def _units(text: str) -> list[_Unit]:
    """Split into lines, keeping a fenced code block (an odd number of ``` until it closes) together."""
    lines = text.split("\n")
    units: list[_Unit] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.count(FENCE) % 2 == 1:
            fences = line.count(FENCE)
            for end in range(index + 1, len(lines)):
                fences += lines[end].count(FENCE)
                if fences % 2 == 0:
                    units.append(_unit("\n".join(lines[index:end + 1]), fenced=True))
                    index = end + 1
                    break
            else:  # never closed: Discord shows the backticks literally, so do lines one by one
                units.append(_unit(line))
                index += 1
            continue
        units.append(_unit(line))
        index += 1
    return units


def _encode(body: str) -> str:
    """`body` made safe inside one `||…||` span (see the module docstring); reversible by `_decode`."""

    def escape(match: re.Match[str]) -> str:
        backslashes, pipes = match.groups()
        lone = not backslashes and len(pipes) == 1 and match.start() > 0 and match.end() < len(body)
        return pipes if lone else backslashes * 2 + "\\|" * len(pipes)

    encoded = _PIPE_GROUP.sub(escape, body) if "|" in body else body  # most text has no pipe to escape
    if (not encoded or encoded[-1] in "|\\" or encoded[-1].isspace()
            or ("://" in encoded and "://" in _LAST_TOKEN.search(encoded).group(0))):  # type: ignore[union-attr]
        encoded += " "  # so a trailing space is always padding, and `_decode` can take it off
    return encoded


def _decode(encoded: str) -> str:
    if encoded.endswith(" "):  # `_encode` pads whenever the result would end in a space
        encoded = encoded[:-1]

    def unescape(match: re.Match[str]) -> str:
        count = len(match.group(1))
        return "\\" * ((count - 1) // 2) + "|" if count % 2 else match.group(0)

    return _ENCODED_PIPE.sub(unescape, encoded)


def _mask_unit(unit: _Unit) -> str:
    if not unit.body:
        return unit.source
    return f"{unit.lead}||{_encode(unit.body)}||{unit.tail}"


def _cut_unit(unit: _Unit, room: int) -> str | None:
    """The unit cut to fit `room`, ending with an ellipsis inside its span; None when nothing fits."""
    budget = room - len(unit.lead) - 4  # the two delimiters
    if not unit.body or budget < 1 + len(ELLIPSIS):
        return None
    end = min(len(unit.body), budget)
    while end > 0:
        kept = unit.body[:end].rstrip()
        over = len(_encode(kept + ELLIPSIS)) - budget if kept else 0
        if kept and over <= 0:
            break
        end -= max(1, over // 2)
    if end <= 0:
        return None
    kept = unit.body[:end].rstrip()
    space = kept.rfind(" ", max(0, len(kept) - _WORD_BREAK_WINDOW))
    if space > 0 and end < len(unit.body) and not unit.body[end].isspace():
        at_word = kept[:space].rstrip()
        if at_word and len(_encode(at_word + ELLIPSIS)) <= budget:
            kept = at_word
    return f"{unit.lead}||{_encode(kept + ELLIPSIS)}||"


def _lines_of(unit: _Unit) -> list[_Unit]:
    return [_unit(line) for line in unit.source.split("\n")]


def mask(text: str, limit: int | None = None) -> str:
    """`text` with every non-blank line (or fenced code block) spoiler-tagged, at most `limit` long.

    When it has to be cut, the cut ends with an ellipsis inside the span it falls in, or with an
    ellipsis on a line of its own; either way every span is closed.
    """
    units = _units(text)
    full = "\n".join(_mask_unit(u) for u in units)
    if limit is None or len(full) <= limit:
        return full
    if limit < len(ELLIPSIS):
        return ""
    parts: list[str] = []
    used = 0
    queue = list(units)
    while queue:
        unit = queue.pop(0)
        piece = _mask_unit(unit)
        separator = 1 if parts else 0
        reserve = 1 + len(ELLIPSIS) if queue else 0  # room to say that something was left out
        if used + separator + len(piece) + reserve <= limit:
            parts.append(piece)
            used += separator + len(piece)
            continue
        if unit.fenced:  # too long to keep whole: cut it as plain lines rather than drop it
            queue[:0] = _lines_of(unit)
            continue
        cut = _cut_unit(unit, limit - used - separator)
        if cut is not None:
            parts.append(cut)
        elif used + separator + len(ELLIPSIS) <= limit:
            parts.append(ELLIPSIS)
        break
    return "\n".join(parts)


def mask_chunks(text: str, limit: int, *, first_limit: int | None = None) -> list[str]:
    """All of `text`, masked, in pieces of at most `limit` characters (the first at most `first_limit`).

    For reposting a member's message: nothing is cut away, so `"".join(unmask(c) for c in chunks)`
    is `text` again. Pieces break between lines where they can (the newline ends the earlier piece)
    and inside a line only when the line alone is too long.
    """
    if limit < 8 or (first_limit is not None and first_limit < 8):
        raise ValueError("a piece must have room for at least a few characters")
    chunks: list[str] = []
    current = ""

    def room() -> int:
        return first_limit if first_limit is not None and not chunks else limit

    queue = _units(text)
    while queue:
        unit = queue.pop(0)
        newline = "\n" if queue else ""
        piece = _mask_unit(unit) + newline
        if len(current) + len(piece) <= room():
            current += piece
            continue
        if current:
            chunks.append(current)
            current = ""
            if len(piece) <= room():
                current = piece
                continue
        if unit.fenced:
            queue[:0] = _lines_of(unit)
            continue
        if not unit.body:  # only markup and whitespace, which hide nothing: cut it anywhere
            while len(piece) > (size := room()):  # measured once: a new piece may have another room
                chunks.append(piece[:size])
                piece = piece[size:]
            current = piece
            continue
        # One line longer than a whole piece: split its body, every part in a span of its own.
        lead, body = unit.lead, unit.body
        while (size := room()) - len(lead) - 4 < 4:  # absurd indentation: out on its own (it hides nothing)
            chunks.append(lead[:size])
            lead = lead[size:]
        while True:
            part = _longest_part(body, room() - len(lead) - 4)
            chunks.append(f"{lead}||{_encode(body[:part])}||")
            lead, body = "", body[part:]
            if not body:
                break
        current = unit.tail + newline  # only whitespace: it may go out in pieces of its own
        while len(current) > (size := room()):
            chunks.append(current[:size])
            current = current[size:]
    if current:
        chunks.append(current)
    return chunks


def _longest_part(body: str, budget: int) -> int:
    """How much of `body` fits `budget` once encoded, breaking before a space if one is near."""
    if len(_encode(body)) <= budget:
        return len(body)
    end = min(len(body), budget)
    while end > 1 and len(_encode(body[:end])) > budget:
        end -= 1
    space = body.rfind(" ", max(1, end - _WORD_BREAK_WINDOW), end)
    if space > 0 and not body[space - 1].isspace() and len(_encode(body[:space])) <= budget:
        end = space
    return max(end, 1)


def unmask(masked: str) -> str:
    """Inverse of `mask` (for uncut text): what a member reads after clicking every spoiler."""
    out: list[str] = []
    index = 0
    while index < len(masked):
        if masked.startswith("||", index):
            close = masked.find("||", index + 3)
            if close != -1:
                out.append(_decode(masked[index + 2:close]))
                index = close + 2
                continue
        out.append(masked[index])
        index += 1
    return "".join(out)
