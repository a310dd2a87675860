"""The in-memory name index behind `/character` and its autocomplete. Discord-free, store-free.

Every figure (character or real person) contributes entries: its canonical name, each alias, and for
characters the actor's name. An alias that is itself a reveal (a code name revealed in episode 7)
carries that episode, and is invisible wherever the spoiler rules don't allow that episode in the
clear: it neither appears in autocomplete nor matches, so looking a name up can't spoil it.

Resolving a typed name goes from strict to loose and stops at the first tier that finds anything:
the figure id (what autocomplete submits), the exact name, the name without titles, the name with
romanization folded, then fuzzy matching (rapidfuzz) for typos and surnames. Two figures matching
about equally well is reported as ambiguous rather than guessed.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from bot.characters.normalize import Keys, keys
from bot.characters.normalize import sound as fold

AUTOCOMPLETE_LIMIT = 25
MATCH_CUTOFF = 80.0  # fuzzy score a name needs to count as "this one"
AMBIGUITY_MARGIN = 3.0  # figures within this many points of the best are "about equally" good
TOKEN_SCORE = 90.0  # the query is one whole word of the name (a surname, a given name)
TITLE_BONUS = 5.0  # `Minister Kang`: the figure known by that title wins over another Kang
SUGGESTION_CUTOFF = 50.0
SUGGESTION_LIMIT = 5
MAX_QUERY = 100

_T = TypeVar("_T")
Visibility = Callable[[int | None], bool]  # SpoilerRules.allows: may content of this episode be shown?


class EntryKind(enum.StrEnum):
    NAME = "name"
    ALIAS = "alias"
    ACTOR = "actor"


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    kind: str  # "character" | "person"
    name: str
    role: str
    actor: str | None = None
    unnamed: bool = False
    position: int = 0
    actor_source: str | None = None
    episode: int | None = None  # the figure's very existence is a reveal of this episode

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass(frozen=True, slots=True)
class Entry:
    figure_id: str
    text: str
    kind: EntryKind
    episode: int | None
    full: str
    bare: str
    sound: str
    tokens: tuple[str, ...]
    keys: Keys


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One autocomplete row: the figure and the entry that matched (shown when it isn't the name)."""

    figure: Figure
    matched: str
    kind: EntryKind
    score: float


class Outcome(enum.Enum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not found"
    EMPTY = "empty"
    TOO_LONG = "too long"


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    figures: list[Figure] = field(default_factory=list)  # FOUND: one; AMBIGUOUS: candidates; NOT_FOUND: closest

    @property
    def figure(self) -> Figure:
        assert self.outcome is Outcome.FOUND
        return self.figures[0]


PREFIX_SCAN = 60  # entries a prefix search offers, at most: an exact key sorts first, and a two-letter
# prefix over a big pack matches hundreds that are all about as good
FUZZY_SCAN = 1000  # entries the typo pass of autocomplete scores, at most (about 35 ns each in rapidfuzz)
FOLD_STARTS = "oeh"  # a last letter that may begin a folded pair: `se` on its way to `seo`, `c` to `ch`
WORD_SCORE = 120.0  # a word of a multi-word name starts with the query: always below a whole-name prefix
_LAST_CHAR = chr(0x10FFFF)


@dataclass
class _View:
    """The entries visible under one set of allowed episodes: a list for rapidfuzz, and the same keys
    sorted for prefix searches (whole names, and each word of multi-word names)."""

    entries: list[Entry]
    sounds: list[str]
    sorted_sounds: list[str] = field(default_factory=list)
    sorted_entries: list[Entry] = field(default_factory=list)
    sorted_tokens: list[str] = field(default_factory=list)
    token_entries: list[Entry] = field(default_factory=list)

    @classmethod
    def of(cls, entries: list[Entry]) -> _View:
        by_sound = sorted(entries, key=lambda e: e.sound)
        tokens = sorted(((t, e) for e in entries if len(e.tokens) > 1 for t in set(e.tokens)), key=lambda p: p[0])
        return cls(entries, [e.sound for e in entries], [e.sound for e in by_sound], by_sound,
                   [t for t, _ in tokens], [e for _, e in tokens])


def _prefixed(keys_: list[str], entries: list[_T], prefix: str) -> list[_T]:
    """Entries whose key starts with `prefix` (at most PREFIX_SCAN, in key order), by binary search over
    the sorted keys: the keys that start with `prefix` are those from `prefix` up to its successor."""
    start = bisect.bisect_left(keys_, prefix)
    stop = min(start + PREFIX_SCAN, len(keys_))
    if prefix[-1] == _LAST_CHAR:  # no successor: step through
        end = start
        while end < stop and keys_[end].startswith(prefix):
            end += 1
    else:
        end = bisect.bisect_left(keys_, prefix[:-1] + chr(ord(prefix[-1]) + 1), start, stop)
    return entries[start:end]


def _typed_prefixes(bare: str, folded: str) -> list[str]:
    """`folded`, plus what it becomes when the member's last letter is the first of a pair that folds:
    `Se` is on its way to `Seo` (folded `su`), `Yo` to `Yoon` (`yun`), `C` to `Choi` (`joi`), and
    without this none of them would prefix-match the names they are the start of."""
    prefixes = [folded]
    for letter in FOLD_STARTS:
        longer = fold(bare + letter)
        if not longer.startswith(folded) and longer not in prefixes:
            prefixes.append(longer)
    return prefixes


def _near_misses(view: _View, sound: str, limit: int) -> list[tuple[Entry, float]]:
    """Entries a typo or two away from `sound`, for autocomplete.

    Only entries sharing its first letter are scored (a slip comes after the first letter far more
    often than on it), and of those at most FUZZY_SCAN, the nearest to `sound` in sorted order, so a
    keystroke costs the same however big the pack.
    """
    keys_ = view.sorted_sounds
    low = bisect.bisect_left(keys_, sound[0])
    high = bisect.bisect_left(keys_, chr(ord(sound[0]) + 1), low)
    at = bisect.bisect_left(keys_, sound, low, high)
    start = max(low, min(at - FUZZY_SCAN // 2, high - FUZZY_SCAN))
    end = min(high, start + FUZZY_SCAN)
    hits = process.extract(sound, keys_[start:end], scorer=fuzz.ratio, processor=None, limit=limit,
                           score_cutoff=SUGGESTION_CUTOFF + 10)
    return [(view.sorted_entries[start + index], score) for _, score, index in hits]


class CharacterIndex:
    """Build with `CharacterIndex(figures, aliases)`; immutable afterwards (rebuild to refresh)."""

    def __init__(self, figures: Iterable[Figure], aliases: Iterable[tuple[str, str, int | None]]) -> None:
        self.figures: dict[str, Figure] = {f.id: f for f in figures}
        entries: list[Entry] = []
        for figure in self.figures.values():
            entries.append(_entry(figure.id, figure.name, EntryKind.NAME, figure.episode))
            if figure.actor:
                entries.append(_entry(figure.id, figure.actor, EntryKind.ACTOR, figure.episode))
        for figure_id, name, episode in aliases:
            if figure_id in self.figures:
                gate = max((e for e in (episode, self.figures[figure_id].episode) if e is not None), default=None)
                entries.append(_entry(figure_id, name, EntryKind.ALIAS, gate))
        self.entries = [e for e in entries if e.sound]
        # every episode visibility can turn on: an entry's gate, or a figure's own (the nothing-typed list)
        self._gated_episodes = sorted({e.episode for e in self.entries if e.episode is not None}
                                      | {f.episode for f in self.figures.values() if f.episode is not None})
        self._by_full = _group(self.entries, lambda e: e.full)
        self._by_bare = _group(self.entries, lambda e: e.bare)
        self._by_sound = _group(self.entries, lambda e: e.sound)
        self._by_token: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if len(entry.tokens) > 1:
                for token in set(entry.tokens):
                    self._by_token.setdefault(token, []).append(entry)
        self._views: dict[frozenset[int], _View] = {}
        self._ordered = sorted(self.figures.values(), key=lambda f: (f.is_person, f.position))
        ranks = {key: n for n, key in enumerate(sorted({(f.is_person, f.position) for f in self._ordered}))}
        self._rank = {f.id: ranks[f.is_person, f.position] for f in self._ordered}  # equal places, equal rank
        self._cast = [f for f in self._ordered if not f.is_person and f.actor]

    @classmethod
    def from_rows(cls, figure_rows: Iterable[dict[str, Any]], alias_rows: Iterable[dict[str, Any]]) -> CharacterIndex:
        figures = [
            Figure(id=r["id"], kind=r["kind"], name=r["name"], role=r["role"], actor=r.get("actor"),
                   unnamed=bool(r.get("unnamed")), position=int(r.get("position") or 0),
                   actor_source=r.get("actor_source"), episode=r.get("episode"))
            for r in figure_rows
        ]
        return cls(figures, [(r["figure_id"], r["name"], r["episode"]) for r in alias_rows])

    # -- visibility -----------------------------------------------------------------------------------

    def _allowed(self, allows: Visibility) -> frozenset[int]:
        """The episodes `allows` lets through, of those anything here is gated at: all that visibility
        means to this index."""
        return frozenset(e for e in self._gated_episodes if allows(e))

    def _view(self, allows: Visibility, allowed: frozenset[int] | None = None) -> _View:
        """Entries visible under `allows`; cached per distinct set of allowed episodes (at most N+1)."""
        if allowed is None:
            allowed = self._allowed(allows)
        view = self._views.get(allowed)
        if view is None:
            visible = [e for e in self.entries if e.episode is None or e.episode in allowed]
            view = _View.of(visible)
            self._views[allowed] = view
        return view

    @staticmethod
    def _visible(entries: Iterable[Entry], allows: Visibility) -> list[Entry]:
        return [e for e in entries if e.episode is None or allows(e.episode)]

    # -- autocomplete ---------------------------------------------------------------------------------

    def complete(self, query: str, allows: Visibility, limit: int = AUTOCOMPLETE_LIMIT) -> list[Suggestion]:
        """Up to `limit` figures for what the member has typed so far, best first: names that start
        with it (found by binary search over sorted keys), then names with a word that does, then, while
        there is room, near-misses for typos (one rapidfuzz pass)."""
        typed = keys(query[:MAX_QUERY])
        if not typed.sound:  # nothing typed yet: everyone whose very existence these rules allow
            shown = [f for f in self._ordered if f.episode is None or allows(f.episode)]
            return [Suggestion(f, f.name, EntryKind.NAME, 0.0) for f in shown[:limit]]
        view = self._view(allows)
        # figure id -> (-score, rank, arrival, is the figure's own name, entry): `rank` orders characters
        # before people, each in pack order; `arrival` breaks the remaining ties in the order found.
        best: dict[str, tuple[float, int, int, bool, Entry]] = {}

        def offer(entry: Entry, score: float) -> None:
            is_name = entry.kind is EntryKind.NAME
            current = best.get(entry.figure_id)
            if current is None:
                best[entry.figure_id] = (-score, self._rank[entry.figure_id], len(best), is_name, entry)
            elif -score < current[0] or (-score == current[0] and is_name and not current[3]):
                best[entry.figure_id] = (-score, current[1], current[2], is_name, entry)

        prefixes = _typed_prefixes(typed.bare, typed.sound)
        for prefix in prefixes:
            for entry in _prefixed(view.sorted_sounds, view.sorted_entries, prefix):
                # spelled as typed (title included) beats a variant spelling or another title
                literal = (5.0 if entry.full.startswith(typed.full)
                           else 3.0 if entry.bare.startswith(typed.bare) else 0.0)
                offer(entry, (200.0 if entry.sound == typed.sound else 150.0) + literal - len(entry.sound) / 100)
        for prefix in prefixes:
            for entry in _prefixed(view.sorted_tokens, view.token_entries, prefix):
                offer(entry, WORD_SCORE - len(entry.sound) / 100)
        if len(best) < limit:
            for entry, score in _near_misses(view, typed.sound, limit * 4):
                offer(entry, score)
        return [Suggestion(self.figures[entry.figure_id], entry.text, entry.kind, -negative)
                for negative, _, _, _, entry in sorted(best.values())[:limit]]

    # -- resolving a submitted name -------------------------------------------------------------------

    def resolve(self, query: str, allows: Visibility) -> Resolution:
        text = query.strip()
        if len(text) > MAX_QUERY:
            return Resolution(Outcome.TOO_LONG)
        figure = self.figures.get(text)
        if figure is not None and (figure.episode is None or allows(figure.episode)):
            return Resolution(Outcome.FOUND, [figure])  # the value autocomplete submits
        typed = keys(text)
        if not typed.sound:
            return Resolution(Outcome.EMPTY)
        for table, key in ((self._by_full, typed.full), (self._by_bare, typed.bare), (self._by_sound, typed.sound)):
            entries = [e for e in self._visible(table.get(key, ()), allows) if not typed.title_conflicts(e.keys)]
            found = self._figures_of(entries)
            if found:
                return Resolution(Outcome.FOUND if len(found) == 1 else Outcome.AMBIGUOUS, found)
        scores = self._fuzzy_scores(typed, allows)
        if scores:
            top = max(scores.values())
            if top >= MATCH_CUTOFF:
                close = [fid for fid, s in scores.items() if s >= top - AMBIGUITY_MARGIN]
                found = self._sorted(close, scores)[:AUTOCOMPLETE_LIMIT]
                return Resolution(Outcome.FOUND if len(found) == 1 else Outcome.AMBIGUOUS, found)
        return Resolution(Outcome.NOT_FOUND, self.suggest(typed.sound, allows))

    def suggest(self, typed_sound: str, allows: Visibility, limit: int = SUGGESTION_LIMIT) -> list[Figure]:
        """The closest figures to a name that matched nothing, for the "did you mean" line."""
        view = self._view(allows)
        hits = process.extract(typed_sound, view.sounds, scorer=fuzz.WRatio, processor=None,
                               limit=limit * 6, score_cutoff=SUGGESTION_CUTOFF)
        seen: dict[str, float] = {}
        for _, score, index in hits:
            figure_id = view.entries[index].figure_id
            seen[figure_id] = max(score, seen.get(figure_id, 0.0))
        return self._sorted(list(seen), seen)[:limit]

    def _fuzzy_scores(self, typed: Keys, allows: Visibility) -> dict[str, float]:
        """Best score per figure: whole-name similarity (typos), or a whole word of a longer name; a
        figure known by the title the member typed gets a small bonus."""
        view = self._view(allows)
        scores: dict[str, float] = {}
        for _, score, index in process.extract(typed.sound, view.sounds, scorer=fuzz.ratio, processor=None,
                                               limit=50, score_cutoff=MATCH_CUTOFF - AMBIGUITY_MARGIN):
            entry = view.entries[index]
            if not typed.title_conflicts(entry.keys):
                scores[entry.figure_id] = max(score, scores.get(entry.figure_id, 0.0))
        if len(typed.tokens) == 1:
            for entry in self._visible(self._by_token.get(typed.sound, ()), allows):
                scores[entry.figure_id] = max(TOKEN_SCORE, scores.get(entry.figure_id, 0.0))
        if typed.title:
            titled = {e.figure_id for e in view.entries if e.keys.title == typed.title}
            for figure_id in titled & scores.keys():
                scores[figure_id] += TITLE_BONUS
        return scores

    def _figures_of(self, entries: Iterable[Entry]) -> list[Figure]:
        ids = list(dict.fromkeys(e.figure_id for e in entries))
        return [self.figures[i] for i in ids]

    def _sorted(self, ids: list[str], scores: dict[str, float]) -> list[Figure]:
        figures = [self.figures[i] for i in ids]
        return sorted(figures, key=lambda f: (-scores[f.id], f.is_person, f.position))

    # -- listings -------------------------------------------------------------------------------------

    def ordered(self) -> list[Figure]:
        """Characters then people, in pack order."""
        return list(self._ordered)

    def cast(self) -> list[Figure]:
        """Characters with a named actor, in pack order."""
        return list(self._cast)


def _entry(figure_id: str, text: str, kind: EntryKind, episode: int | None) -> Entry:
    k = keys(text)
    return Entry(figure_id, text, kind, episode, k.full, k.bare, k.sound, k.tokens, k)


def _group(entries: list[Entry], key: Callable[[Entry], str]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(key(entry), []).append(entry)
    return groups

