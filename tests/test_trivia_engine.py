"""The trivia engine without Discord: question choice, spoiler filtering, answers, scoring, game life.

Time is a ManualClock: a 20-second question closes when the test says so, not after 20 seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from bot.policy import SpoilerRules
from bot.policy.rules import Mode
from bot.seeding import seed
from bot.store import Store
from bot.trivia import scoring
from bot.trivia.clock import ManualClock
from bot.trivia.engine import TriviaEngine
from bot.trivia.game import AnswerStatus, Game, GameRunning, GameStatus, NoQuestions, QuestionGone, Round
from tests.conftest import MINI_PACK

GUILD, OTHER_GUILD = 1, 2
CHANNEL, OTHER_CHANNEL = 10, 11
ALICE, BOB, CAROL = 101, 102, 103
OPEN = SpoilerRules(Mode.OFF, 0)
SAFE = SpoilerRules(Mode.MASK, 0)


class RecordingDisplay:
    """A display that remembers what it was asked to show; `gone_at` simulates a deleted message."""

    def __init__(self, gone_at: int | None = None) -> None:
        self.shown: list[int] = []
        self.closed: list[int] = []
        self.finished: list[GameStatus] = []
        self.gone_at = gone_at

    async def show_question(self, game: Game, round_: Round) -> None:
        self.shown.append(round_.index)

    async def close_question(self, game: Game, round_: Round) -> None:
        if round_.index == self.gone_at:
            raise QuestionGone
        self.closed.append(round_.index)

    async def finish(self, game: Game) -> None:
        self.finished.append(game.status)


@pytest.fixture
def engine(seeded_store: Store) -> TriviaEngine:
    return TriviaEngine(seeded_store, clock=ManualClock(), rng=random.Random(7))


async def start(engine: TriviaEngine, *, guild: int = GUILD, channel: int = CHANNEL, count: int = 3,
                rules: SpoilerRules = OPEN, display: RecordingDisplay | None = None, **filters: str) -> Game:
    game = await engine.start(guild_id=guild, channel_id=channel, started_by=ALICE, rules=rules,
                              display=display or RecordingDisplay(), count=count, **filters)
    await engine.settle()
    return game


def wrong(round_: Round) -> int:
    return (round_.correct + 1) % 4


async def test_scoring_rewards_right_fast_answers_and_streaks() -> None:
    assert scoring.points(False, 0, 20, 5) == 0
    assert scoring.points(True, 0, 20, 1) == scoring.BASE + scoring.SPEED_MAX
    assert scoring.points(True, 20, 20, 1) == scoring.BASE
    assert scoring.points(True, 10, 20, 1) == scoring.BASE + scoring.SPEED_MAX // 2
    assert scoring.points(True, 25, 20, 1) == scoring.BASE  # never negative
    assert scoring.streak_bonus(1) == 0 < scoring.streak_bonus(2) < scoring.streak_bonus(3)
    assert scoring.streak_bonus(100) == scoring.STREAK_MAX


@pytest.mark.parametrize("mode", [Mode.MASK, Mode.HIDE, Mode.OFF])
async def test_spoiler_filter_holds_for_every_horizon(engine: TriviaEngine, seeded_store: Store, mode: Mode) -> None:
    rows = await seeded_store.trivia_candidates(GUILD)
    episode_count = await seeded_store.episode_count()
    for horizon in range(episode_count + 1):
        rules = SpoilerRules(mode, horizon)
        chosen = await engine.choose_questions(GUILD, rules, 500)
        expected = {r["id"] for r in rows if mode is Mode.OFF or r["episode"] is None or r["episode"] <= horizon}
        assert {q.id for q in chosen} == expected, (mode, horizon)
        assert len(chosen) == len(expected)  # no repeats
        if mode is not Mode.OFF:
            assert all(q.episode is None or q.episode <= horizon for q in chosen)
    # the real pack has questions past every early horizon, so the filter is really exercised
    assert any(r["episode"] is not None for r in rows)


async def test_a_whole_game_filters_spoilers_and_never_repeats(engine: TriviaEngine) -> None:
    game = await start(engine, count=20, rules=SAFE)
    for _ in range(20):
        await engine.advance(20)
    asked = [r.question for r in game.rounds]
    assert len(asked) == 20 and len({q.id for q in asked}) == 20
    assert all(q.episode is None for q in asked)
    assert game.status is GameStatus.FINISHED


async def test_servers_get_least_recently_seen_questions_first(engine: TriviaEngine, seeded_store: Store) -> None:
    pool = {r["id"] for r in await seeded_store.trivia_candidates(GUILD, category="cast")}
    assert len(pool) > 10
    first = await start(engine, count=10, category="cast")
    for _ in range(10):
        await engine.advance(20)
    first_ids = [r.question.id for r in first.rounds]
    second = await start(engine, count=10, category="cast")
    for _ in range(10):
        await engine.advance(20)
    second_ids = [r.question.id for r in second.rounds]
    unseen = pool - set(first_ids)
    assert set(second_ids[: len(unseen)]) == unseen  # never-seen questions come first
    assert second_ids[len(unseen):] == first_ids[: 10 - len(unseen)]  # then the longest-ago seen
    # another server has seen nothing: its choice ignores this server's history
    other = await engine.choose_questions(OTHER_GUILD, OPEN, 500, category="cast")
    assert {q.id for q in other} == pool


async def test_scores_speed_streaks_and_stored_totals(engine: TriviaEngine, seeded_store: Store) -> None:
    game = await start(engine, count=2)
    first = game.current
    assert first is not None
    await engine.advance(2)
    assert engine.answer(game.id, 0, first.correct, ALICE).status is AnswerStatus.ACCEPTED
    await engine.advance(8)
    assert engine.answer(game.id, 0, first.correct, BOB).status is AnswerStatus.ACCEPTED
    assert engine.answer(game.id, 0, wrong(first), CAROL).status is AnswerStatus.ACCEPTED
    await engine.advance(10)  # closes question 1 at 20 s, opens question 2
    second = game.current
    assert second is not None and second.index == 1
    assert engine.answer(game.id, 1, second.correct, ALICE).status is AnswerStatus.ACCEPTED
    await engine.advance(20)
    assert game.status is GameStatus.FINISHED

    alice = scoring.points(True, 2, 20, 1) + scoring.points(True, 0, 20, 2)
    bob = scoring.points(True, 10, 20, 1)
    assert (game.players[ALICE].points, game.players[BOB].points, game.players[CAROL].points) == (alice, bob, 0)
    assert alice > bob > 0
    stats = await seeded_store.trivia_member_stats(GUILD, ALICE)
    assert stats == {"answered": 2, "correct": 2, "points": alice, "streak": 2, "best_streak": 2}
    carol = await seeded_store.trivia_member_stats(GUILD, CAROL)
    assert carol is not None and (carol["answered"], carol["correct"], carol["streak"]) == (1, 0, 0)
    board = await seeded_store.trivia_leaderboard(GUILD)
    assert [r["user_id"] for r in board] == [ALICE, BOB, CAROL]
    assert await seeded_store.trivia_game_status(game.id) == "finished"


async def test_one_answer_per_member_and_late_or_stale_clicks(engine: TriviaEngine) -> None:
    game = await start(engine, count=2)
    round_ = game.current
    assert round_ is not None
    assert engine.answer(game.id, 0, wrong(round_), ALICE).status is AnswerStatus.ACCEPTED
    again = engine.answer(game.id, 0, round_.correct, ALICE)
    assert again.status is AnswerStatus.ALREADY_ANSWERED
    assert again.option == round_.options[wrong(round_)]  # the first answer stands
    assert round_.answers[ALICE].option == wrong(round_)
    await engine.advance(20)
    assert engine.answer(game.id, 0, round_.correct, BOB).status is AnswerStatus.CLOSED  # question 1 is over
    assert engine.answer(game.id, 1, 9, BOB).status is AnswerStatus.CLOSED  # no such option
    await engine.advance(20)
    assert engine.answer(game.id, 1, 0, BOB).status is AnswerStatus.ENDED
    assert engine.answer(999_999, 0, 0, BOB).status is AnswerStatus.ENDED


async def test_a_click_at_the_buzzer_is_late(engine: TriviaEngine) -> None:
    game = await start(engine, count=1)
    round_ = game.current
    assert round_ is not None
    clock = engine.clock
    assert isinstance(clock, ManualClock)
    clock.set(round_.closes_at)  # time is up, the game task has not woken yet
    assert engine.answer(game.id, 0, round_.correct, ALICE).status is AnswerStatus.CLOSED


async def test_concurrent_answers_are_each_counted_once(engine: TriviaEngine, seeded_store: Store) -> None:
    game = await start(engine, count=1)
    round_ = game.current
    assert round_ is not None

    async def click(user: int) -> AnswerStatus:
        await asyncio.sleep(0)
        status = engine.answer(game.id, 0, round_.correct, user).status
        await asyncio.sleep(0)
        return status

    users = [1000 + n for n in range(50)]
    statuses = await asyncio.gather(*(click(u) for u in users + users))  # everyone clicks twice
    assert statuses.count(AnswerStatus.ACCEPTED) == 50
    assert statuses.count(AnswerStatus.ALREADY_ANSWERED) == 50
    await engine.advance(20)
    board = await seeded_store.trivia_leaderboard(GUILD, limit=100)
    assert len(board) == 50 and all(r["answered"] == 1 and r["correct"] == 1 for r in board)


async def test_one_game_per_channel(engine: TriviaEngine) -> None:
    await start(engine)
    with pytest.raises(GameRunning):
        await start(engine)
    other = await start(engine, channel=OTHER_CHANNEL)
    assert other.status is GameStatus.RUNNING


async def test_racing_starts_in_one_channel_make_one_game(engine: TriviaEngine) -> None:
    results = await asyncio.gather(*(engine.start(guild_id=GUILD, channel_id=CHANNEL, started_by=ALICE, rules=OPEN,
                                                  display=RecordingDisplay()) for _ in range(5)),
                                   return_exceptions=True)
    assert sum(isinstance(r, Game) for r in results) == 1
    assert sum(isinstance(r, GameRunning) for r in results) == 4
    await engine.shutdown()


async def test_too_few_questions_means_a_shorter_game(engine: TriviaEngine, seeded_store: Store) -> None:
    pool = [r for r in await seeded_store.trivia_candidates(GUILD, category="cast", difficulty="hard")
            if r["episode"] is None]
    game = await start(engine, count=20, rules=SAFE, category="cast", difficulty="hard")
    assert len(game.questions) == len(pool) < game.requested == 20


async def test_no_qualifying_question_means_no_game(store: Store) -> None:
    assert (await seed(store, MINI_PACK)).ok
    engine = TriviaEngine(store, clock=ManualClock())
    # the mini pack's only plot question spoils episode 2
    with pytest.raises(NoQuestions, match="spoiler rules"):
        await start(engine, rules=SpoilerRules(Mode.MASK, 1), category="plot")
    assert engine.game_in(CHANNEL) is None
    game = await start(engine, rules=SpoilerRules(Mode.MASK, 2), category="plot")
    assert [q.id for q in game.questions] == ["plot-001"]
    await engine.shutdown()


async def test_stop_closes_the_open_question_unscored(engine: TriviaEngine, seeded_store: Store) -> None:
    display = RecordingDisplay()
    game = await start(engine, count=5, display=display)
    round_ = game.current
    assert round_ is not None
    engine.answer(game.id, 0, round_.correct, BOB)
    engine.stop(CHANNEL, ALICE)
    await engine.settle()
    assert game.status is GameStatus.STOPPED and game.stopped_by == ALICE
    assert display.shown == [0] and display.closed == [0] and display.finished == [GameStatus.STOPPED]
    assert not round_.scored and await seeded_store.trivia_member_stats(GUILD, BOB) is None
    assert engine.game_in(CHANNEL) is None
    assert await seeded_store.trivia_game_status(game.id) == "stopped"


async def test_a_deleted_question_message_ends_the_game(engine: TriviaEngine, seeded_store: Store) -> None:
    display = RecordingDisplay(gone_at=1)
    game = await start(engine, count=5, display=display)
    for _ in range(2):
        await engine.advance(20)
    assert game.status is GameStatus.ABORTED
    assert display.shown == [0, 1] and display.finished == [GameStatus.ABORTED]
    assert engine.game_in(CHANNEL) is None
    assert await seeded_store.trivia_game_status(game.id) == "aborted"
    await start(engine)  # the channel is free again


async def test_restart_marks_running_games_ended(seeded_store: Store) -> None:
    before = TriviaEngine(seeded_store, clock=ManualClock())
    game = await start(before)
    assert await seeded_store.trivia_game_status(game.id) == "running"
    after = TriviaEngine(seeded_store, clock=ManualClock())  # a new process, the old one "crashed"
    assert await after.recover() == 1
    assert await seeded_store.trivia_game_status(game.id) == "interrupted"
    assert after.answer(game.id, 0, 0, BOB).status is AnswerStatus.ENDED
    await before.shutdown()


async def test_servers_scores_never_mix(engine: TriviaEngine, seeded_store: Store) -> None:
    here = await start(engine, guild=GUILD, channel=CHANNEL, count=1)
    there = await start(engine, guild=OTHER_GUILD, channel=OTHER_CHANNEL, count=1)
    assert here.current is not None and there.current is not None
    engine.answer(here.id, 0, here.current.correct, ALICE)
    engine.answer(there.id, 0, wrong(there.current), ALICE)
    engine.answer(there.id, 0, there.current.correct, BOB)
    await engine.advance(20)
    assert [r["user_id"] for r in await seeded_store.trivia_leaderboard(GUILD)] == [ALICE]
    assert [r["user_id"] for r in await seeded_store.trivia_leaderboard(OTHER_GUILD)] == [BOB, ALICE]
    assert (await seeded_store.trivia_member_stats(GUILD, ALICE) or {})["correct"] == 1
    assert (await seeded_store.trivia_member_stats(OTHER_GUILD, ALICE) or {})["correct"] == 0
    assert await seeded_store.trivia_member_stats(GUILD, BOB) is None


async def test_monthly_leaderboard_counts_only_this_month(engine: TriviaEngine, seeded_store: Store) -> None:
    clock = engine.clock
    assert isinstance(clock, ManualClock)
    clock.set(dt.datetime(2025, 2, 27, 12, tzinfo=dt.UTC))
    game = await start(engine, count=1)
    assert game.current is not None
    engine.answer(game.id, 0, game.current.correct, BOB)
    await engine.advance(20)
    clock.set(dt.datetime(2025, 3, 2, 12, tzinfo=dt.UTC))
    game = await start(engine, count=1)
    assert game.current is not None
    engine.answer(game.id, 0, game.current.correct, ALICE)
    await engine.advance(20)
    march = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert [r["user_id"] for r in await seeded_store.trivia_leaderboard(GUILD, since=march)] == [ALICE]
    assert {r["user_id"] for r in await seeded_store.trivia_leaderboard(GUILD)} == {ALICE, BOB}
