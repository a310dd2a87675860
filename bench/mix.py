"""The commands of the mixed run, each with the varied arguments members type or pick.

Arguments a member would pick from a list (character names, reviews, episodes) are taken from the
bot's own autocomplete, the way a member gets them, so the same mix serves any pack.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.simulator.fake_discord import Exchange, FakeDiscord

Call = Callable[["FakeDiscord"], Awaitable["Exchange"]]
Maker = Callable[[random.Random], Call]

MEMBERS = ("member", "helper")
NAME_PREFIXES = ("", "b", "ba", "baek", "kang", "dr", "ch", "yang j", "hyuk", "ju ji", "kim", "seo")
TYPED_NAMES = ("Dr. Baek", "baek kang hyuk", "Choi", "yang jae-won", "Ju Ji-hoon", "cheon jang mi", "Kang",
               "Hyuk", "nurse", "director")
SEARCHES = {
    "word": ("trauma", "helicopter", "surgeon", "hospital", "emergency", "netflix", "webtoon", "director"),
    "two words": ("trauma center", "medical drama", "helicopter surgeon", "south korea", "emergency surgery"),
    "prefix": ("he", "co", "st", "tra", "sur", "em", "ba"),
    "Hangul": ("교수", "이국종", "백강혁"),
}


# Registered, but not in the mix: a trivia game posts timed messages for minutes; the rest change a
# server's settings or delete a member's data, which a latency run shouldn't do a few hundred times.
LEFT_OUT = ("/trivia start", "/trivia stop", "/trivia settings", "/mydata delete", "/mydata leaderboard",
            "/progress clear", "/spoilers mode", "/spoilers horizon", "/spoilers channel", "/spoilers reset",
            "/spoilers modrole", "/spoilers guard", "/spoilers audit")


def command(line: str, user: str = "member", **options: Any) -> Call:
    return lambda fake: fake.command(line, user=user, **options)


def autocomplete(line: str, option: str, typed: str, user: str = "member") -> Call:
    return lambda fake: fake.autocomplete(line, option, typed, user=user)


async def choices(fake: FakeDiscord, line: str, option: str, typed: tuple[str, ...]) -> list[Any]:
    """Every value the bot's autocomplete offers for these beginnings."""
    found: dict[str, Any] = {}
    for text in typed:
        exchange = await autocomplete(line, option, text)(fake)
        found.update((str(c["value"]), c["value"]) for c in exchange.choices)
    if not found:
        raise RuntimeError(f"{line} {option}: the autocomplete offered nothing")
    return list(found.values())


def bare_mix() -> dict[str, Maker]:
    return {"/ping": lambda r: command("/ping")}


async def golden_mix(fake: FakeDiscord) -> dict[str, Maker]:
    """Every slash command a member or host uses day to day but those in LEFT_OUT, keyed by the row it
    gets in the table."""
    names = [*await choices(fake, "/character", "name", NAME_PREFIXES), *TYPED_NAMES]
    about = [*await choices(fake, "/quote random", "about", ("", "b", "h", "k")), "helicopter", "surgery"]
    reviews = await choices(fake, "/quote review", "review", ("", "1", "2", "3"))
    episodes = [int(v) for v in await choices(fake, "/recap", "episode", ("",))]
    watched = [int(v) for v in await choices(fake, "/progress set", "episode", ("",))]

    def who(r: random.Random) -> str:
        return r.choice(MEMBERS)

    def search(kind: str) -> Maker:
        return lambda r: command("/quote search", who(r), text=r.choice(SEARCHES[kind]))

    return {
        "/about": lambda r: command("/about", who(r)),
        "/character name:": lambda r: command("/character", who(r), name=r.choice(names)),
        "/character autocomplete": lambda r: autocomplete("/character", "name", r.choice(NAME_PREFIXES), who(r)),
        "/cast": lambda r: command("/cast", who(r)),
        "/recap episode:": lambda r: command("/recap", who(r), episode=r.choice(episodes)),
        "/episodes": lambda r: command("/episodes", who(r)),
        **{f"/quote search ({kind})": search(kind) for kind in SEARCHES},
        "/quote random": lambda r: command("/quote random", who(r)),
        "/quote random about:": lambda r: command("/quote random", who(r), about=r.choice(about)),
        "/quote review review:": lambda r: command("/quote review", who(r), review=str(r.choice(reviews))),
        "/progress set episode:": lambda r: command("/progress set", who(r), episode=r.choice(watched)),
        "/progress show": lambda r: command("/progress show", who(r)),
        "/spoilers show": lambda r: command("/spoilers show", "moderator"),
        "/trivia leaderboard": lambda r: command("/trivia leaderboard", who(r),
                                                 period=r.choice(["all-time", "this month"])),
        "/trivia stats": lambda r: command("/trivia stats", who(r)),
        "/mydata show": lambda r: command("/mydata show", who(r)),
    }


def unmeasured(fake: FakeDiscord, mix: dict[str, Maker]) -> list[str]:
    """Registered slash commands that no row of the mix uses and LEFT_OUT doesn't name."""
    def leaves(prefix: str, options: list[dict[str, Any]]) -> list[str]:
        groups = [o for o in options if o["type"] in (1, 2)]
        return [leaf for o in groups for leaf in leaves(f"{prefix} {o['name']}", o.get("options") or [])] or [prefix]

    registered = [leaf for commands in fake.registered.values() for c in commands if c.get("type", 1) == 1
                  for leaf in leaves(f"/{c['name']}", c.get("options") or [])]
    return [leaf for leaf in registered if leaf not in LEFT_OUT and not any(
        label == leaf or label.startswith(f"{leaf} ") for label in mix)]
