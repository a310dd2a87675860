"""Turn a member's free text into an FTS5 MATCH expression that can't fail and means what they typed.

FTS5 has its own query language (`"phrase"`, `prefix*`, `AND`/`OR`/`NOT`, `NEAR(…)`, `-`, `^`,
parentheses, `column:` filters). A member typing any of it into /quote search means the words, not the
syntax, and a stray `"` must not turn into an error. So we never pass their text through: we pull out
the words (runs of letters and digits, Hangul included), quote each one as an FTS5 string, and join
them with spaces, which FTS5 reads as AND. Inside a string FTS5 has no operators at all, and since a
word holds no `"`, there is nothing to escape.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.errors import UserError

MAX_QUERY_CHARS = 300  # the /quote search option's max_length; longer text is refused, not cut

# Letters and digits of any script. Python's \w also takes "_", which FTS5's unicode61 tokenizer
# treats as a separator, so it goes too. Everything else (punctuation, emoji, FTS5 operators) splits.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchQuery:
    """The words we search for, and the MATCH expression built from them."""

    terms: tuple[str, ...]
    match: str
    text: str = ""  # what the member typed
    exact: str | None = None  # the same words as whole words: tried first, see QuoteService.search_query

    def variants(self) -> list[tuple[str, tuple[bool, ...]]]:
        """The MATCH expressions a search tries in turn (whole words, then prefixes), each with which of
        `terms` it takes as a prefix."""
        whole = tuple(False for _ in self.terms)
        widened = tuple(is_prefixed(term) for term in self.terms)
        if self.exact is None or self.exact == self.match:
            return [(self.match, widened)]
        return [(self.exact, whole), (self.match, widened)]


def words(text: str) -> list[str]:
    """The words of `text` as FTS5's unicode61 tokenizer would see them (compatibility-normalised,
    so full-width letters and ligatures match their plain forms)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text))


def _is_short_latin(term: str) -> bool:
    return len(term) < 2 and term.isascii()


def is_prefixed(term: str) -> bool:
    """Whether a search takes `term` as a prefix (`heli` finds `helicopter`, `이국` finds `이국종`):
    all but a single Latin letter or digit, which as a prefix would match nearly everything ("Baek's"
    gives "baek" and "s")."""
    return not _is_short_latin(term)


def term_expression(term: str) -> str:
    """One word as a quoted FTS5 string, prefix-matched where `is_prefixed` says so."""
    return f'"{term}"*' if is_prefixed(term) else f'"{term}"'


def phrase_expression(text: str) -> str | None:
    """`text` as one exact FTS5 phrase ("Dr. Baek" → "Dr Baek"), or None when it has no words."""
    found = words(text)
    return '"' + " ".join(found) + '"' if found else None


def parse_query(text: str) -> SearchQuery:
    """A safe AND-of-prefixes query for `text`; UserError (a sentence for the member) when there is
    nothing searchable in it."""
    if len(text) > MAX_QUERY_CHARS:
        raise UserError(f"That search is too long: {MAX_QUERY_CHARS} characters at most.")
    found = words(text)
    if not found:
        raise UserError(
            "Type a word or two to search for: punctuation, emoji and search operators are ignored."
        )
    if all(_is_short_latin(term) for term in found):
        raise UserError("Type at least two letters to search for, like `heli` or `trauma`.")
    unique: dict[str, str] = {}
    for term in found:  # each word once (FTS5 ignores case anyway), in the member's order
        unique.setdefault(term.lower(), term)
    terms = tuple(unique.values())
    exact = " ".join(f'"{term}"' for term in terms)
    return SearchQuery(terms, " ".join(term_expression(term) for term in terms), text, exact)
