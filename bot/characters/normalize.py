"""Keys that make two ways of writing a name compare equal.

Members type names the way they remember them: any case, with or without hyphens and spaces
(`kang hyuk`, `Kanghyuk`), with a title (`Dr. Baek`), in another romanization of the Korean
(`Gang-hyeok` for `Kang-hyuk`, `Myeong` for `Myung`). Each name therefore gets three keys, from strict to
loose:

- `full`: casefolded letters and digits only (spaces, hyphens, dots, quotes dropped);
- `bare`: the same without leading titles (`Dr.`, `Director`, `Minister`, `Nurse`, ...);
- `sound`: `bare` with the common romanization variants folded together (g/k, b/p, d/t, r/l, j/ch,
  eo/u, oo/u, ee/i, doubled letters), which is also what fuzzy matching compares.

The titles are generic English honorifics, not this show's names: a data pack for another show
needs nothing here.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass

TITLES = frozenset({
    "dr", "doctor", "director", "minister", "nurse", "professor", "prof", "captain", "capt",
    "mr", "mrs", "ms", "miss", "sir", "madam", "the",
})
# Spellings of one title, so `Doctor Baek` and `Dr. Baek` carry the same title.
_TITLE_SYNONYMS = {"doctor": "dr", "prof": "professor", "capt": "captain"}

_NON_WORD = re.compile(r"[\W_]+")
_DOUBLED = re.compile(r"(.)\1+")
_FIRST_GROUP = operator.methodcaller("group", 1)  # as `r"\1"`, without re's per-call template handling
# In ASCII text, what `words` drops from each word: everything but letters, digits and whitespace.
_ASCII_NON_WORD = str.maketrans("", "", "".join(c for c in map(chr, range(128)) if not c.isalnum() and not c.isspace()))
_VOWEL_FOLDS = (("eo", "u"), ("ou", "u"), ("oo", "u"), ("ee", "i"))
_CONSONANT_FOLDS = (("ch", "j"), ("sh", "s"))
_CONSONANT_TABLE = str.maketrans({"g": "k", "b": "p", "d": "t", "r": "l"})


@dataclass(frozen=True, slots=True)
class Keys:
    full: str
    bare: str
    sound: str
    tokens: tuple[str, ...]  # `sound` of each whitespace-separated word of `bare` (surname, given name)
    title: str = ""  # the leading title, canonical spelling (`dr`, `director`), "" when none

    def title_conflicts(self, other: Keys) -> bool:
        """`Captain Lee` is not `Director Lee`; `Lee` or `Doctor Baek` may be either."""
        return bool(self.title and other.title and self.title != other.title)


def _fold_accents(text: str) -> str:
    """`é` -> `e`, full-width -> ASCII; Hangul syllables survive (NFC recomposes them)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def words(text: str) -> list[str]:
    """Casefolded words with punctuation removed inside each (`Dr.` -> `dr`, `Han's` -> `hans`)."""
    if text.isascii():  # what members type, every keystroke: nothing to fold, and no regex needed
        return text.lower().translate(_ASCII_NON_WORD).split()
    cleaned = (_NON_WORD.sub("", w) for w in _fold_accents(text).casefold().split())
    return [w for w in cleaned if w]


def spelling_key(text: str) -> str:
    """`keys(text).full` alone, without the romanization folds the matcher needs: `Kang-hyuk` and
    `Kang-Hyuk` give the same key, `Gang-hyeok` another (a card lists each way of writing once)."""
    return "".join(words(text))


def strip_titles(parts: list[str]) -> list[str]:
    """Drop leading titles, never the last word (`The Chief` keeps `chief`, `Dr.` alone stays `dr`)."""
    index = 0
    while index < len(parts) - 1 and parts[index] in TITLES:
        index += 1
    return parts[index:]


def sound(compact: str) -> str:
    """Fold romanization variants so `ganghyeok` and `kanghyuk` become the same string."""
    for old, new in _VOWEL_FOLDS:
        compact = compact.replace(old, new)
    for old, new in _CONSONANT_FOLDS:
        compact = compact.replace(old, new)
    return _DOUBLED.sub(_FIRST_GROUP, compact.translate(_CONSONANT_TABLE))


def keys(text: str) -> Keys:
    parts = words(text)
    bare_parts = strip_titles(parts)
    bare = "".join(bare_parts)
    titles = [_TITLE_SYNONYMS.get(w, w) for w in parts[: len(parts) - len(bare_parts)] if w != "the"]
    return Keys(full="".join(parts), bare=bare, sound=sound(bare), tokens=tuple(sound(w) for w in bare_parts),
                title=titles[0] if titles else "")
