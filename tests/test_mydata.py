"""/mydata through the real command tree and its confirmation view: see, delete, leaderboard opt-out."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from bot.mydata.cog import MyData
from bot.mydata.render import CONFIRM_SECONDS
from bot.simulator.session import SimulatedServer
from bot.store import Store
from tests.conftest import on_manual_clock, start_sim, trivia_engine
from tests.simulated import add_guild, press_all

EPHEMERAL = 64


@pytest.fixture
async def game_sim(sim: SimulatedServer) -> SimulatedServer:
    return on_manual_clock(sim, 5)


def uid(sim: SimulatedServer, name: str) -> int:
    return sim.users[name].id


async def play_one_question(sim: SimulatedServer, answers: dict[str, bool], *, close: bool = True) -> None:
    """Start a one-question game in #general; each named member answers right (True) or wrong."""
    await sim.command("/trivia start", questions=1)
    await trivia_engine(sim).settle()
    game = trivia_engine(sim).game_in(sim.channels["general"].id)
    assert game is not None and game.current is not None
    correct = game.current.correct
    message = [m for m in sim.messages.values() if m.channel_id == sim.channels["general"].id and m.buttons()][-1]
    for name, is_right in answers.items():
        await sim.press(message, (correct if is_right else (correct + 1) % 4) + 1, user=name)
    if close:
        await trivia_engine(sim).advance(20)


async def test_show_lists_everything_stored_privately(game_sim: SimulatedServer) -> None:
    sim = game_sim
    other = add_guild(sim)
    await sim.bot.store.set_member_progress(uid(sim, "member"), 3)
    await play_one_question(sim, {"member": True})
    await play_one_question(other, {"member": False})
    reply = await sim.command("/mydata show")
    message = reply.message
    assert message.ephemeral
    text = message.text()
    assert "Episode 3" in text
    assert "1 answered · 1 right · 20 points" in text  # this server
    assert "1 server: 1 answered · 0 points" in text  # the other one, summed and unnamed
    assert str(other.guild_id) not in text
    assert "2 stored answers" in text and "Listed" in text


async def test_delete_needs_the_members_confirmation(game_sim: SimulatedServer) -> None:
    sim = game_sim
    store = sim.bot.store
    await store.set_member_progress(uid(sim, "member"), 5)
    await play_one_question(sim, {"member": True, "moderator": True})
    await sim.command("/mydata leaderboard", listed=False)

    prompt = (await sim.command("/mydata delete")).message
    assert prompt.ephemeral and "can't be undone" in prompt.content
    stranger = await sim.press(prompt, "Delete my data", user="moderator")
    assert "Only the member who asked" in stranger.callback.body["data"]["content"]
    cancelled = await sim.press(prompt, "Cancel", user="member")
    assert cancelled.message.content == "Nothing was deleted." and not cancelled.message.buttons()
    assert (await store.member_data(uid(sim, "member")))["answers"] == 1

    prompt = (await sim.command("/mydata delete")).message
    done = await sim.press(prompt, "Delete my data", user="member")
    assert done.message.content.startswith("Done. Deleted 1 answers, 1 server score records, your watch progress")
    assert not done.message.buttons()
    data = await store.member_data(uid(sim, "member"))
    assert data["progress"] is None and data["optout_at"] is None and data["scores"] == []
    assert data["answers"] == 0 and data["games_started"] == 0
    # other members keep theirs; the game itself stays, without the member's name
    assert await store.trivia_member_stats(sim.guild_id, uid(sim, "moderator")) is not None
    board = (await sim.command("/trivia leaderboard", user="moderator")).message.text()
    assert f"<@{uid(sim, 'moderator')}>" in board and f"<@{uid(sim, 'member')}>" not in board


def mydata(sim: SimulatedServer) -> MyData:
    cog = sim.bot.get_cog("MyData")
    assert cog is not None  # (the extension loader imports its own copy of the module: no isinstance)
    return cog  # type: ignore[return-value]


def reply_text(exchange: object) -> str:
    callback = exchange.callback.body  # type: ignore[attr-defined]
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    return str(callback["data"]["content"])


async def test_a_double_click_deletes_once_and_says_so(game_sim: SimulatedServer) -> None:
    sim = game_sim
    await sim.bot.store.set_member_progress(uid(sim, "member"), 5)
    prompt = (await sim.command("/mydata delete")).message
    stale = copy.deepcopy(prompt)  # what the member's client still shows
    clicks = await press_all(sim, prompt, [("member", "Delete my data"), ("member", "Delete my data")])
    callbacks = [r.body for r in clicks["member"] if r.path.endswith("/callback")]
    assert sorted(c["type"] for c in callbacks) == [4, 7]  # one edit ("Done"), one ephemeral note
    note = next(c for c in callbacks if c["type"] == 4)["data"]["content"]
    assert "no longer active" in note and "nothing more was done" in note
    assert prompt.content.startswith("Done. Deleted") and "your watch progress" in prompt.content
    later = await sim.press(stale, "Delete my data", user="member")
    assert "no longer active" in reply_text(later) and prompt.content.startswith("Done. Deleted")


async def test_an_expired_prompt_deletes_nothing(game_sim: SimulatedServer) -> None:
    sim = game_sim
    now = [1000.0]
    mydata(sim).clock = lambda: now[0]
    await sim.bot.store.set_member_progress(uid(sim, "member"), 5)
    prompt = (await sim.command("/mydata delete")).message
    now[0] += CONFIRM_SECONDS + 1
    late = await sim.press(prompt, "Delete my data", user="member")
    assert "no longer active" in reply_text(late)
    assert await sim.bot.store.member_progress(uid(sim, "member")) == 5


async def test_a_prompt_from_before_a_restart_deletes_nothing(game_sim: SimulatedServer, seeded_store: Store,
                                                              tmp_path: Path) -> None:
    await seeded_store.set_member_progress(uid(game_sim, "member"), 5)
    prompt = (await game_sim.command("/mydata delete")).message
    new = await start_sim(seeded_store, tmp_path)  # a new process on the same database
    try:
        reply = await new.press(prompt, "Delete my data", user="member")
        assert "no longer active" in reply_text(reply)
        assert await seeded_store.member_progress(uid(game_sim, "member")) == 5
    finally:
        await new.close()


async def test_delete_during_a_game_stores_nothing_more(game_sim: SimulatedServer) -> None:
    sim = game_sim
    await play_one_question(sim, {"member": True, "moderator": True}, close=False)
    prompt = (await sim.command("/mydata delete")).message
    await sim.press(prompt, "Delete my data", user="member")
    await trivia_engine(sim).advance(20)
    assert await sim.bot.store.trivia_member_stats(sim.guild_id, uid(sim, "member")) is None
    assert await sim.bot.store.trivia_member_stats(sim.guild_id, uid(sim, "moderator")) is not None


async def test_leaderboard_opt_out_hides_the_member_everywhere(game_sim: SimulatedServer) -> None:
    sim = game_sim
    reply = await sim.command("/mydata leaderboard", listed=False)
    assert reply.message.ephemeral and "off trivia leaderboards" in reply.message.content
    await play_one_question(sim, {"member": True, "moderator": True})
    member = f"<@{uid(sim, 'member')}>"

    closed = [m for m in sim.messages.values() if m.embeds and "closed" in m.embeds[0].get("title", "")][-1]
    assert member not in closed.text() and f"<@{uid(sim, 'moderator')}>" in closed.text()
    assert "and 1 more" in closed.text()
    board = (await sim.command("/trivia leaderboard")).message.text()
    assert member not in board and "You're hidden from leaderboards" in board
    refused = await sim.command("/trivia stats", user="moderator", member="member")
    assert refused.message.ephemeral and "keeps their trivia stats private" in refused.message.content
    own = (await sim.command("/trivia stats")).message.text()
    assert "Correct\n1" in own  # the scores still count

    await sim.command("/mydata leaderboard", listed=True)
    assert member in (await sim.command("/trivia leaderboard")).message.text()


async def test_opt_out_lookups_never_answer_for_other_members(store: Store) -> None:
    """The engine passes a generator; the store's cache must not key it by its (reusable) address."""
    await store.set_leaderboard_optout(1, True, dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert await store.leaderboard_opted_out(user for user in [1]) == {1}
    for others in ([2], [2, 3], [3, 2, 2]):
        assert await store.leaderboard_opted_out(user for user in others) == set()
    assert await store.leaderboard_opted_out(user for user in [2, 1]) == {1}


def test_show_in_a_dm_speaks_of_your_servers_not_this_one() -> None:
    """In a DM there is no "this server": every server's scores are summed as yours, unnamed."""
    from bot.mydata.render import member_data_embed

    score = {"answered": 4, "correct": 3, "points": 30, "best_streak": 2}
    data = {"progress": None, "optout_at": None, "answers": 9, "games_started": 1, "moderation_entries": 0,
            "scores": [{"guild_id": 1, **score}, {"guild_id": 2, **score}]}
    in_a_dm = {field.name: field.value for field in member_data_embed(data, guild_id=None).fields}
    assert "Trivia in this server" not in in_a_dm and "Trivia in other servers" not in in_a_dm
    assert in_a_dm["Trivia in your servers"] == "2 servers: 8 answered · 60 points"
    in_a_server = {field.name: field.value for field in member_data_embed(data, guild_id=1).fields}
    assert in_a_server["Trivia in this server"].startswith("4 answered · 3 right · 30 points")
    assert in_a_server["Trivia in other servers"] == "1 server: 4 answered · 30 points"
    nothing = {field.name: field.value for field in member_data_embed({**data, "scores": []}, guild_id=None).fields}
    assert nothing["Trivia in your servers"] == "Nothing yet."
