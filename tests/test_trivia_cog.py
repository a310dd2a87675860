"""/trivia through the real command tree, the real answer buttons (DynamicItem) and message edits.

The game clock is a ManualClock: `advance_to(sim, 5)` puts the open question at 5 seconds, and a
question closes when the test moves past its 20 seconds, without any real waiting.
"""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from bot.policy.rules import Mode
from bot.simulator.fake_discord import MODERATOR_ROLE_ID, Message
from bot.simulator.session import SimulatedServer
from bot.store import Store
from bot.store.rules import Actor
from bot.trivia import scoring
from bot.trivia.clock import ManualClock
from bot.trivia.game import Game, Round
from tests.conftest import on_manual_clock, start_sim, trivia_engine
from tests.simulated import add_guild, add_user, press_all, set_bot_permissions

EPHEMERAL = 64
QUESTION_TITLE = "Trivia · question"


@pytest.fixture
async def game_sim(sim: SimulatedServer) -> SimulatedServer:
    return on_manual_clock(sim, 11)


def current_game(sim: SimulatedServer, channel: str = "general") -> Game:
    game = trivia_engine(sim).game_in(sim.channels[channel].id)
    assert game is not None, f"no game in #{channel}"
    return game


def current_game_or_none(sim: SimulatedServer, channel: str = "general") -> Game | None:
    return trivia_engine(sim).game_in(sim.channels[channel].id)


def current_round(sim: SimulatedServer, channel: str = "general") -> Round:
    round_ = current_game(sim, channel).current
    assert round_ is not None
    return round_


async def advance_to(sim: SimulatedServer, seconds: float, channel: str = "general") -> None:
    """Move the clock so the open question in `channel` has been open `seconds`."""
    round_ = current_round(sim, channel)
    elapsed = (trivia_engine(sim).clock.now() - round_.opened_at).total_seconds()
    await trivia_engine(sim).advance(seconds - elapsed)


async def close_question(sim: SimulatedServer) -> None:
    """Let the open question's full time run out."""
    seconds, _ = await sim.bot.store.trivia_settings(sim.guild_id)
    await trivia_engine(sim).advance(seconds)


def question_messages(sim: SimulatedServer, channel: str = "general") -> list[Message]:
    channel_id = sim.channels[channel].id
    return [m for m in sim.messages.values() if m.channel_id == channel_id and m.embeds
            and m.embeds[0].get("title", "").startswith(QUESTION_TITLE)]


def latest_question(sim: SimulatedServer, channel: str = "general") -> Message:
    return question_messages(sim, channel)[-1]


def last_embed_titled(sim: SimulatedServer, title: str) -> Message:
    found = [m for m in sim.messages.values() if m.embeds and m.embeds[0].get("title", "").startswith(title)]
    assert found, f"no message titled {title!r}"
    return found[-1]


def right(sim: SimulatedServer, channel: str = "general") -> int:
    """1-based position of the right button on the open question."""
    return current_round(sim, channel).correct + 1


def wrong(sim: SimulatedServer, channel: str = "general") -> int:
    return (current_round(sim, channel).correct + 1) % 4 + 1


async def start(sim: SimulatedServer, *, user: str = "member", channel: str = "general", **options: object) -> str:
    reply = await sim.command("/trivia start", user=user, channel=channel, **options)
    await trivia_engine(sim).settle()
    return reply.text()


def uid(sim: SimulatedServer, name: str) -> int:
    return sim.users[name].id


async def press(sim: SimulatedServer, message: Message, button: int, user: str, *, late: bool = False) -> str:
    """Click as `user`; `late`: on buttons already disabled, by a client that hasn't shown the edit yet."""
    reply = await sim.press(message, button, user=user, force=late)
    callback = reply.callback.body
    assert callback["type"] == 4, reply.requests
    assert callback["data"]["flags"] & EPHEMERAL
    assert reply.requests[0].path.endswith("/callback")  # acknowledged first, before anything else
    return str(callback["data"]["content"])


async def test_a_full_game_scores_members_and_fills_the_leaderboard(game_sim: SimulatedServer) -> None:
    sim = game_sim
    intro = await start(sim, questions=3)
    assert "3 questions" in intro and "20 s each" in intro

    # question 1: member fast and right, moderator slower and right, helper wrong
    q1 = latest_question(sim)
    assert len(q1.buttons()) == 4 and all(len(b["label"]) <= 80 for b in q1.buttons())
    assert "<t:" in q1.text() and ":R>" in q1.text()  # the visible countdown
    await advance_to(sim, 2)
    assert "Locked in" in await press(sim, q1, right(sim), "member")
    await advance_to(sim, 5)
    await press(sim, q1, right(sim), "moderator")
    await advance_to(sim, 6)
    await press(sim, q1, wrong(sim), "helper")
    first_round = current_round(sim)
    await advance_to(sim, 20)

    closed = q1.text()
    assert "closed" in closed
    assert all(b.get("disabled") for b in q1.buttons())
    right_button = q1.buttons()[first_round.correct]
    assert right_button["style"] == 3  # green
    assert first_round.options[first_round.correct] in closed
    member_q1 = scoring.points(True, 2, 20, 1)
    moderator_q1 = scoring.points(True, 5, 20, 1)
    assert f"<@{uid(sim, 'member')}> +{member_q1}" in closed
    assert f"<@{uid(sim, 'moderator')}> +{moderator_q1}" in closed
    assert f"<@{uid(sim, 'helper')}>" not in closed
    assert "3 answered · 2 right" in closed
    question = first_round.question
    assert f"Source: {question.source_title} — “{question.evidence}”" in closed

    # question 2: member right again (a streak), moderator wrong, helper silent
    q2 = latest_question(sim)
    assert q2 is not q1
    await advance_to(sim, 1)
    await press(sim, q2, right(sim), "member")
    await advance_to(sim, 3)
    await press(sim, q2, wrong(sim), "moderator")
    await advance_to(sim, 20)
    assert f"+{scoring.points(True, 1, 20, 2)} (streak 2)" in q2.text()

    # question 3: member wrong, moderator right, helper right at the buzzer
    q3 = latest_question(sim)
    await advance_to(sim, 4)
    await press(sim, q3, wrong(sim), "member")
    await press(sim, q3, right(sim), "moderator")
    await advance_to(sim, 19)
    await press(sim, q3, right(sim), "helper")
    await advance_to(sim, 20)
    assert trivia_engine(sim).game_in(sim.channels["general"].id) is None

    member = member_q1 + scoring.points(True, 1, 20, 2)
    moderator = moderator_q1 + scoring.points(True, 4, 20, 1)
    helper = scoring.points(True, 19, 20, 1)
    final = last_embed_titled(sim, "Trivia · final scores").text()
    assert final.index(f"<@{uid(sim, 'member')}>") < final.index(f"<@{uid(sim, 'moderator')}>") \
        < final.index(f"<@{uid(sim, 'helper')}>")
    assert f"**{member}** points (2/3 right, best streak 2)" in final

    board = (await sim.command("/trivia leaderboard")).message
    assert not board.ephemeral
    lines = board.embeds[0]["description"].splitlines()
    assert lines == [
        f"**1.** <@{uid(sim, 'member')}> — **{member}** points (2/3 right)",
        f"**2.** <@{uid(sim, 'moderator')}> — **{moderator}** points (2/3 right)",
        f"**3.** <@{uid(sim, 'helper')}> — **{helper}** points (1/2 right)",
    ]
    assert member > moderator > helper
    stats = (await sim.command("/trivia stats", user="moderator", member="member")).message.text()
    for expected in ("Answered\n3", "Correct\n2", "Accuracy\n67%", f"Points\n{member}", "Best streak\n2"):
        assert expected in stats
    month = (await sim.command("/trivia leaderboard", period="this month")).message.text()
    assert "this month" in month and f"**{member}** points" in month


async def test_double_click_keeps_the_first_answer(game_sim: SimulatedServer) -> None:
    sim = game_sim
    await start(sim, questions=1)
    message = latest_question(sim)
    first = await press(sim, message, wrong(sim), "member")
    again = await press(sim, message, right(sim), "member")
    assert "Locked in" in first and "already answered" in again and "can't be changed" in again
    await close_question(sim)
    stats = await sim.bot.store.trivia_member_stats(sim.guild_id, uid(sim, "member"))
    assert stats is not None and (stats["answered"], stats["correct"], stats["points"]) == (1, 0, 0)


async def test_late_clicks_get_closed_or_ended(game_sim: SimulatedServer) -> None:
    sim = game_sim
    await start(sim, questions=2)
    first = latest_question(sim)
    await close_question(sim)
    assert await press(sim, first, 1, "member", late=True) == "This question has closed."
    await close_question(sim)
    assert "This game has ended" in await press(sim, latest_question(sim), 1, "member", late=True)
    assert await sim.bot.store.trivia_member_stats(sim.guild_id, uid(sim, "member")) is None


async def test_clicks_after_a_restart_say_the_game_ended(game_sim: SimulatedServer, seeded_store: Store,
                                                         tmp_path: Path) -> None:
    old = game_sim
    await start(old, questions=5)
    message = latest_question(old)
    game_id = current_game(old).id
    new = await start_sim(seeded_store, tmp_path)  # a new process on the same database
    try:
        assert await seeded_store.trivia_game_status(game_id) == "interrupted"
        reply = await new.press(message, 1, user="member")
        assert reply.callback.body["data"]["flags"] & EPHEMERAL
        assert "This game has ended" in reply.callback.body["data"]["content"]
        # the channel is free in the new process
        trivia_engine(new).clock = ManualClock()
        assert "Trivia is starting" in await start(new, questions=1)
    finally:
        await new.close()


async def test_shutting_down_ends_the_game_in_the_channel(game_sim: SimulatedServer, seeded_store: Store) -> None:
    sim = game_sim
    await start(sim, questions=5)
    message = latest_question(sim)
    game_id = current_game(sim).id
    await sim.bot.close()
    assert "Not scored" in message.text() and all(b.get("disabled") for b in message.buttons())
    assert "restarting" in last_embed_titled(sim, "Trivia interrupted").text()
    assert await seeded_store.trivia_game_status(game_id) == "interrupted"


async def test_fifty_simultaneous_clicks_are_each_scored_once(game_sim: SimulatedServer) -> None:
    sim = game_sim
    players = [f"player{n}" for n in range(50)]
    for name in players:
        add_user(sim, name)
    await start(sim, questions=1)
    message = latest_question(sim)
    await advance_to(sim, 3)
    good = right(sim)
    replies = await press_all(sim, message, [(name, good) for name in players])
    assert set(replies) == set(players)
    for name, requests in replies.items():
        callbacks = [r for r in requests if r.path.endswith("/callback")]
        assert len(callbacks) == 1, name
        assert "Locked in" in callbacks[0].body["data"]["content"]
    again = await press_all(sim, message, [(name, (good % 4) + 1) for name in players])
    assert all("already answered" in reqs[0].body["data"]["content"] for reqs in again.values())
    await close_question(sim)
    board = await sim.bot.store.trivia_leaderboard(sim.guild_id, limit=100)
    assert len(board) == 50
    assert {r["points"] for r in board} == {scoring.points(True, 3, 20, 1)}
    assert all(r["answered"] == 1 and r["correct"] == 1 for r in board)
    assert "50 answered · 50 right" in message.text()


@pytest.mark.parametrize("horizon", range(9))
async def test_games_respect_the_channels_spoiler_horizon(game_sim: SimulatedServer, horizon: int) -> None:
    sim = game_sim
    store = sim.bot.store
    await store.change_server_settings(sim.guild_id, {"horizon": horizon, "spoiler_mode": Mode.MASK.value},
                                       Actor(1, "test"))
    await store.change_channel_rule(sim.guild_id, sim.channels["spoilers"].id, {"spoiler_mode": "off"},
                                    Actor(1, "test"))
    await start(sim, questions=20)
    await start(sim, questions=20, channel="spoilers")
    safe = [q.episode for q in current_game(sim).questions]
    anything = [q.episode for q in current_game(sim, "spoilers").questions]
    assert len(safe) == 20 and all(e is None or e <= horizon for e in safe)
    assert len(anything) == 20
    await trivia_engine(sim).shutdown()


async def test_a_horizon_lowered_mid_game_holds_for_the_questions_still_to_come(game_sim: SimulatedServer) -> None:
    sim = game_sim
    await sim.command("/spoilers mode", user="moderator", mode="off")
    await start(sim, questions=20)
    game = current_game(sim)
    assert any(q.episode for q in game.questions[1:]), "the game should hold spoilers to drop"
    reply = await sim.command("/spoilers mode", user="moderator", mode="mask")
    assert "→ `mask`" in reply.message.content
    for _ in range(25):
        if current_game_or_none(sim) is None:
            break
        await close_question(sim)
    asked = [r.question.episode for r in game.rounds]
    assert asked[1:] and all(episode is None for episode in asked[1:])  # horizon 0: every episode is a spoiler
    summary = last_embed_titled(sim, "Trivia · final scores")
    assert f"{len(asked)} questions asked" in summary.text()


async def test_too_few_questions_are_announced(game_sim: SimulatedServer) -> None:
    sim = game_sim
    intro = await start(sim, questions=20, category="cast", difficulty="hard")
    count = len(current_game(sim).questions)
    assert count < 20
    assert f"Only {count} questions fit this channel's spoiler rules and those filters" in intro


async def test_one_game_per_channel(game_sim: SimulatedServer) -> None:
    sim = game_sim
    await start(sim, questions=3)
    refused = await sim.command("/trivia start", user="moderator")
    assert refused.message.ephemeral and "already running in this channel" in refused.message.content
    assert len(question_messages(sim)) == 1
    assert "Trivia is starting" in await start(sim, questions=3, channel="spoilers", user="moderator")
    assert len(question_messages(sim, "spoilers")) == 1


async def test_stop_permissions(game_sim: SimulatedServer) -> None:
    sim = game_sim
    add_user(sim, "outsider")
    await start(sim, questions=5, user="member")
    refused = await sim.command("/trivia stop", user="outsider")
    assert refused.message.ephemeral and "Only the member who started this game" in refused.message.content
    assert current_game(sim).stopped_by is None
    helper = await sim.command("/trivia stop", user="helper")  # no moderator role named yet
    assert "Only the member who started" in helper.message.content
    stopped = await sim.command("/trivia stop", user="member")
    await trivia_engine(sim).settle()
    assert stopped.callback.body["data"]["flags"] & EPHEMERAL
    assert f"Stopped by <@{uid(sim, 'member')}>" in last_embed_titled(sim, "Trivia stopped").text()
    assert "No trivia game is running" in (await sim.command("/trivia stop", user="member")).message.content

    await start(sim, questions=5, user="member")
    await sim.command("/trivia stop", user="moderator")  # Manage Server
    await trivia_engine(sim).settle()
    assert trivia_engine(sim).game_in(sim.channels["general"].id) is None

    await sim.bot.store.change_server_settings(sim.guild_id, {"moderator_role_id": MODERATOR_ROLE_ID},
                                               Actor(1, "test"))
    await start(sim, questions=5, user="member")
    await sim.command("/trivia stop", user="helper")  # the server's moderator role
    await trivia_engine(sim).settle()
    assert trivia_engine(sim).game_in(sim.channels["general"].id) is None


async def test_two_servers_scores_never_mix(game_sim: SimulatedServer) -> None:
    here = game_sim
    there = add_guild(here)
    await start(here, questions=1)
    await start(there, questions=1)
    assert current_game(here).guild_id != current_game(there).guild_id
    await press(here, latest_question(here), right(here), "member")
    await press(there, latest_question(there), wrong(there), "member")  # the same person, in the other server
    await press(there, latest_question(there), right(there), "moderator")
    await close_question(here)

    board_here = (await here.command("/trivia leaderboard")).message.text()
    board_there = (await there.command("/trivia leaderboard")).message.text()
    assert f"<@{uid(here, 'member')}> — **20** points (1/1 right)" in board_here
    assert f"<@{uid(here, 'moderator')}>" not in board_here
    assert f"<@{uid(here, 'moderator')}> — **20** points (1/1 right)" in board_there
    assert f"<@{uid(here, 'member')}> — **0** points (0/1 right)" in board_there
    assert "Correct\n1" in (await here.command("/trivia stats")).message.text()
    assert "Correct\n0" in (await there.command("/trivia stats")).message.text()


async def test_settings_are_for_moderators_and_set_the_timer(game_sim: SimulatedServer) -> None:
    sim = game_sim
    refused = await sim.command("/trivia settings", user="member", seconds=30)
    assert refused.message.ephemeral and "Only moderators" in refused.message.content
    assert await sim.bot.store.trivia_settings(sim.guild_id) == (20, 5)
    changed = await sim.command("/trivia settings", user="moderator", seconds=30, questions=2)
    assert changed.message.ephemeral and "30 s" in changed.message.text()
    await start(sim)
    game = current_game(sim)
    assert len(game.questions) == 2 and game.seconds == 30
    round_ = current_round(sim)
    assert (round_.closes_at - round_.opened_at).total_seconds() == 30
    await advance_to(sim, 25)
    assert "Locked in" in await press(sim, latest_question(sim), 1, "member")  # still open at 25 s


@pytest.mark.parametrize("options", [{"questions": 0}, {"questions": 21}])
async def test_out_of_range_lengths_are_refused(game_sim: SimulatedServer, options: dict[str, int]) -> None:
    reply = await game_sim.command("/trivia start", force=True, **options)  # past the client's range check
    assert reply.message.ephemeral and "between 1 and 20 questions" in reply.message.content
    assert trivia_engine(game_sim).game_in(game_sim.channels["general"].id) is None


async def test_settings_out_of_range_are_refused(game_sim: SimulatedServer) -> None:
    reply = await game_sim.command("/trivia settings", user="moderator", seconds=5, force=True)
    assert reply.message.ephemeral and "between 10 and 60" in reply.message.content
    assert await game_sim.bot.store.trivia_settings(game_sim.guild_id) == (20, 5)


async def test_a_deleted_question_message_ends_the_game(game_sim: SimulatedServer, seeded_store: Store) -> None:
    sim = game_sim
    await start(sim, questions=5)
    game_id = current_game(sim).id
    latest_question(sim).deleted = True  # a moderator deleted it
    await close_question(sim)
    assert trivia_engine(sim).game_in(sim.channels["general"].id) is None
    assert "disappeared" in last_embed_titled(sim, "Trivia ended early").text()
    assert len(question_messages(sim)) == 1
    assert await seeded_store.trivia_game_status(game_id) == "aborted"


async def test_stats_of_a_member_with_no_answers(game_sim: SimulatedServer) -> None:
    text = (await game_sim.command("/trivia stats")).message.text()
    assert "No answers in this server yet" in text
    assert "No scores yet" in (await game_sim.command("/trivia leaderboard")).message.text()


async def test_start_needs_permission_to_post_here(game_sim: SimulatedServer) -> None:
    set_bot_permissions(game_sim, discord.Permissions(view_channel=True, send_messages=True))
    reply = await game_sim.command("/trivia start")
    assert reply.message.ephemeral and "embed links" in reply.message.content
    assert trivia_engine(game_sim).game_in(game_sim.channels["general"].id) is None
