"""How many points an answer is worth. Pure functions, so the rules are easy to read and to test.

A right answer earns `BASE` points, plus a speed bonus of up to `SPEED_MAX` that shrinks linearly over
the question's time, plus `STREAK_STEP` for every right answer in a row before it in the same game
(capped at `STREAK_MAX`). A wrong answer earns nothing and ends the streak; not answering leaves the
streak as it was.
"""

from __future__ import annotations

BASE = 10
SPEED_MAX = 10
STREAK_STEP = 2
STREAK_MAX = 10


def speed_bonus(elapsed: float, seconds: float) -> int:
    """SPEED_MAX for an instant answer, 0 at the buzzer."""
    if seconds <= 0:
        return 0
    left = min(max(seconds - elapsed, 0.0), seconds)
    return round(SPEED_MAX * left / seconds)


def streak_bonus(streak: int) -> int:
    """`streak` counts this answer: the first right answer in a row earns no bonus."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_MAX)


def points(correct: bool, elapsed: float, seconds: float, streak: int) -> int:
    if not correct:
        return 0
    return BASE + speed_bonus(elapsed, seconds) + streak_bonus(streak)
