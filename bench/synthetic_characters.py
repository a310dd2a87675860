"""A generated cast of thousands, to measure and test the matcher at a scale no real pack reaches.

Names are built from Korean-style syllables (so romanization folding and fuzzy matching work as hard
as on real names), each figure with a few aliases (a given name, a titled surname, a nickname, and for
some a code name gated at a random episode) and, for most, an actor. Deterministic for a given seed.
"""

from __future__ import annotations

import random

from bot.characters.matcher import CharacterIndex, Figure

SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
            "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Baek", "Cheon", "Yang", "Moon", "Bae"]
SYLLABLES = ["ji", "hoon", "min", "seo", "yeon", "woo", "jae", "won", "hyuk", "kang", "young", "soo", "hee",
             "jin", "ho", "eun", "sung", "hyun", "jun", "yu", "rim", "myung", "gyeong", "tae", "nak", "do",
             "ha", "na", "bin", "chan", "dong", "gun", "il", "mi", "ra", "sol"]
TITLES = ["Dr.", "Director", "Nurse", "Professor", "Captain", "Minister"]
NICK_WORDS = ["Hawk", "Needle", "Storm", "Ghost", "Anchor", "Lantern", "Scalpel", "Raven", "Comet", "Blade"]


def _given(rng: random.Random) -> str:
    return f"{rng.choice(SYLLABLES).capitalize()}-{rng.choice(SYLLABLES)}"


def synthetic_index(count: int = 5000, *, seed: int = 7, episodes: int = 8) -> CharacterIndex:
    rng = random.Random(seed)
    figures: list[Figure] = []
    aliases: list[tuple[str, str, int | None]] = []
    used: set[str] = set()
    while len(figures) < count:
        surname, given = rng.choice(SURNAMES), _given(rng)
        name = f"{surname} {given}"
        if name.casefold() in used:
            continue
        used.add(name.casefold())
        figure_id = f"synthetic-{len(figures)}"
        actor = f"{rng.choice(SURNAMES)} {_given(rng)}" if rng.random() < 0.8 else None
        figures.append(Figure(id=figure_id, kind="character", name=name, role="Generated character", actor=actor,
                              position=len(figures)))
        aliases.append((figure_id, given, None))
        aliases.append((figure_id, f"{rng.choice(TITLES)} {surname}", None))
        aliases.append((figure_id, f"the {rng.choice(NICK_WORDS)} {len(figures)}", None))
        if rng.random() < 0.2:
            aliases.append((figure_id, f"{rng.choice(NICK_WORDS)}-{len(figures)}", rng.randint(1, episodes)))
    return CharacterIndex(figures, aliases)
