"""FTS5's `unicode61 remove_diacritics 2` tokenizer, redone in Python for the characters where the two
provably agree: what lets a search answered from memory mark the matched words exactly as FTS5's
highlight() would, and look a member's word up in FTS5's own vocabulary.

The two disagree across much of Unicode (FTS5 drops combining marks inside a word, keeps characters
its tables don't know as letters, folds µ to μ…), so this covers only text made of ASCII, Latin-1,
Latin Extended-A, general punctuation and Hangul syllables, which is what the show's documents are
written in; `tests/test_quote_tokens.py` checks every one of those characters against FTS5 itself.
Anything else gets None, and the caller asks FTS5.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence


def _plain_ranges() -> tuple[tuple[int, int], ...]:
    return (
        (0x00, 0x7F),  # ASCII
        (0xA0, 0xB4), (0xB6, 0xFF),  # Latin-1 Supplement, but µ (FTS5 folds it to Greek μ)
        (0x100, 0x17E),  # Latin Extended-A, but ſ (FTS5 folds it to s)
        (0x2000, 0x2064),  # general punctuation (dashes, curly quotes, ellipsis), but the bidi controls
        (0xAC00, 0xD7A3),  # Hangul syllables
    )


PLAIN_RANGES = _plain_ranges()
_PLAIN = re.compile("^[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in PLAIN_RANGES) + "]*$")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's default categories L* N* (for these ranges)


def _folded(char: str) -> str:
    """What FTS5 indexes a letter as: without its diacritics (a Latin letter's base), lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)).lower()


# Hangul syllables are left alone: NFD would split them into their jamo, and FTS5 keeps them whole.
_FOLD = {code: _folded(chr(code)) for low, high in PLAIN_RANGES[:4] for code in range(low, high + 1)
         if _folded(chr(code)) != chr(code)}
assert all(len(folded) == 1 for folded in _FOLD.values())  # so a folded text lines up with the original
# Letters past ASCII that fold: text without any has only A-Z to fold, which str.lower() does in C.
_FOLDS_PAST_ASCII = re.compile("[" + "".join(re.escape(chr(code)) for code in _FOLD if code > 0x7F) + "]")


def is_plain(text: str) -> bool:
    """Whether every character of `text` is one this module tokenizes exactly as FTS5 does (ASCII is
    told by a flag the string carries, without a scan)."""
    return text.isascii() or _PLAIN.match(text) is not None


def fold(token: str) -> str:
    """A token of plain text as FTS5 stores it in its index."""
    if token.isascii() or _FOLDS_PAST_ASCII.search(token) is None:
        return token.lower()  # every other plain character is lower case already, and stays one character
    return token.translate(_FOLD)


def term(word: str) -> str | None:
    """A member's search word (one of `query.words`) as FTS5's vocabulary has it, or None when it isn't
    plain text, or isn't a single token of it."""
    if not is_plain(word):
        return None
    tokens = _TOKEN.findall(word)
    return fold(word) if tokens == [word] else None


def _spans(folded: str, term: str, prefix: bool) -> Iterator[tuple[int, int]]:
    """Where a whole token is `term` (or, as a prefix, starts with it) in folded text.

    `str.find` and a look at the characters either side, rather than a regex per term: compiling one
    took 90 µs, more than marking a whole page, and every new word of every search needed its own.
    A token character is one `str.isalnum()` accepts, which is exactly `_TOKEN`'s class."""
    size = len(folded)
    start = folded.find(term) if term else -1
    while start != -1:
        end = start + len(term)
        if start == 0 or not folded[start - 1].isalnum():
            if prefix:
                while end < size and folded[end].isalnum():
                    end += 1
                yield start, end
            elif end == size or not folded[end].isalnum():
                yield start, end
        # a term is one token, so no token starts inside this occurrence
        start = folded.find(term, end)


def mark(text: str, terms: Sequence[str], prefixes: Sequence[bool]) -> tuple[tuple[str, bool], ...] | None:
    """`text` in (piece, matched) runs, a token matched when it is one of `terms` (folded) or, where
    `prefixes` says so, starts with it: what FTS5's highlight() of that query gives, split the way
    `split_marked` splits it. None when `text` isn't plain."""
    if not is_plain(text):
        return None
    folded = fold(text)  # one character for one, so a match's place in it is its place in `text`
    pairs = zip(terms, prefixes, strict=True)
    spans = sorted({span for term, prefix in pairs for span in _spans(folded, term, prefix)})
    segments: list[tuple[str, bool]] = []
    done = 0
    for start, end in spans:  # whole tokens: two spans are the same or apart
        if start > done:
            segments.append((text[done:start], False))
        segments.append((text[start:end], True))
        done = end
    if done < len(text):
        segments.append((text[done:], False))
    return tuple(segments)
