"""/trivia through the real client stack: a whole game played with buttons clicked over the gateway.

The game's clock is swapped for the engine's ManualClock, so a question closes when the test says so,
not after real seconds.
"""

from __future__ import annotations

import random

import pytest

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord, Recorded
from bot.simulator.session import SimulatedServer
from bot.trivia.clock import ManualClock
from bot.trivia.engine import TriviaEngine
from tests import discord_rules

pytestmark = pytest.mark.skipif("bot.trivia.cog" not in EXTENSIONS,
                                reason="the trivia cog is not in bot.runtime.EXTENSIONS yet")

SUCCESS = 3  # button style: green


def _engine(e2e: SimulatedServer) -> TriviaEngine:
    engine = e2e.bot.get_cog("Trivia").engine  # type: ignore[union-attr]
    engine.clock = ManualClock()
    engine.rng = random.Random(8)
    return engine


def _posted_to(fake: FakeDiscord, channel: str, since: int) -> list[Recorded]:
    path = f"/channels/{fake.channels[channel].id}/messages"
    return [r for r in fake.requests[since:] if r.method == "POST" and r.path == path]


async def test_a_two_question_game_over_the_gateway(e2e: SimulatedServer) -> None:
    engine, fake = _engine(e2e), e2e.discord
    mark = len(fake.requests)
    start = await fake.command("/trivia start", questions=2)
    assert start.callback.body["type"] == 4 and not start.message.ephemeral
    await engine.settle()
    posted = _posted_to(fake, "general", mark)
    assert len(posted) == 1
    first = posted[0].message
    assert first is not None
    assert len(first.buttons()) == 4 and first.embeds

    game = engine.game_in(first.channel_id)
    correct = game.current.correct
    right = await fake.press(first, correct + 1, user="member")
    wrong = await fake.press(first, (correct + 1) % 4 + 1, user="moderator")
    assert right.message.ephemeral and right.message.content.startswith("Locked in")
    assert wrong.message.ephemeral and wrong.message.content.startswith("Locked in")
    again = await fake.press(first, 1, user="member")
    assert "already answered" in again.message.content

    await engine.advance(game.seconds)  # the first question closes, the second is posted
    assert all(b.get("disabled") for b in first.buttons())
    assert first.buttons()[correct]["style"] == SUCCESS
    # a member whose client hasn't shown the edit yet can still click
    late = await fake.press(first, 1, user="helper", force=True)
    assert "closed" in late.message.content or "ended" in late.message.content

    posted = _posted_to(fake, "general", mark)
    assert len(posted) == 2
    second = posted[1].message
    assert second is not None and len(second.buttons()) == 4
    await engine.advance(game.seconds)  # the second closes; the final scores follow
    posted = _posted_to(fake, "general", mark)
    assert len(posted) == 3 and all(b.get("disabled") for b in second.buttons())
    summary = posted[2].message
    assert summary is not None and not summary.buttons()
    assert str(fake.users["member"].id) in summary.text()  # the winner is named (as a mention)

    board = await fake.command("/trivia leaderboard")
    assert f"<@{fake.users['member'].id}>" in board.message.embeds[0]["description"]
    assert board.callback.body["data"]["allowed_mentions"] == {"parse": []}  # listed, never pinged
    for exchange in (start, right, wrong, again, late, board):
        assert exchange.problems == []
    assert discord_rules.problems(fake) == []


async def test_settings_are_for_moderators_only(fake: FakeDiscord) -> None:
    refused = await fake.command("/trivia settings", seconds=15)
    assert refused.message.ephemeral and refused.message.embeds == []
    allowed = await fake.command("/trivia settings", seconds=15, user="moderator")
    assert allowed.message.ephemeral and "15" in allowed.message.text()
    assert refused.problems == [] and allowed.problems == []


async def test_stop_without_a_game_is_a_clear_ephemeral_error(fake: FakeDiscord) -> None:
    reply = await fake.command("/trivia stop")
    assert reply.message.ephemeral and "No trivia game is running" in reply.message.content
