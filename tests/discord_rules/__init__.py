"""Discord's rules, checked on everything the bot sends the fake Discord (bot/simulator).

The fake Discord holds what Discord holds and enforces what its plumbing enforces; the rules a payload
must follow are here, plugged in through its hooks: `check_request` refuses a request over one of
Discord's documented limits (payloads.py) or against its rules for registering commands (commands.py),
with 400 as Discord does, and `check_options` refuses to send an option value Discord's client would
not let a member send. The tests' fixtures (tests/conftest.py, tests/e2e/conftest.py) start every
fake with `HOOKS` and fail a test on any of `problems(fake)`; bench/e2e.py reports them.
"""

from __future__ import annotations

from typing import Any

from bot import limits
from bot.simulator.fake_discord import FakeDiscord
from tests.discord_rules.commands import check_commands, check_options
from tests.discord_rules.payloads import check_callback, check_message, check_no_pings, check_request

__all__ = ["HOOKS", "check_callback", "check_commands", "check_message", "check_no_pings", "check_options",
           "check_request", "problems"]

HOOKS: dict[str, Any] = {"checks": [check_request], "option_checks": [check_options]}


def problems(fake: FakeDiscord) -> list[str]:
    """Everything Discord would refuse or members would notice: requests refused by the checks or sent to
    a route Discord doesn't have, interactions answered late or never, and messages that would ping."""
    late = limits.INITIAL_RESPONSE_SECONDS
    found = [f"{r.method} {r.path}: {p}" for r in fake.requests for p in r.problems]
    found += [p for r in fake.requests for p in check_no_pings(r)]
    for token, exchange in fake.exchanges.items():
        if (seconds := exchange.answered_in) is None:
            found.append(f"interaction {token} never answered")
        elif seconds >= late:
            found.append(f"interaction {token} answered after {seconds:.2f} s (Discord allows {late:.0f})")
    return found
