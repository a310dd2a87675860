"""The trivia engine: which questions a game asks, who answered what and when, scores, and the game loop.

Discord-free on purpose. A game talks to the outside world through a `GameDisplay` (the cog supplies one
that posts and edits messages; tests may supply their own), and to time through a `Clock` (a test
advances a `ManualClock` instead of waiting).

Concurrency: the event loop is single-threaded, but a coroutine can be suspended at every `await`.
`answer()` is therefore synchronous: the check "has this member answered?" and the write "they have"
happen with no `await` in between, so 50 simultaneous clicks are each counted exactly once. Scores
are worked out when a question closes and stored in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable

from bot.policy import SpoilerRules
from bot.store import Store
from bot.store.trivia import AnswerRecord
from bot.trivia import scoring
from bot.trivia.clock import Clock, ManualClock, SystemClock
from bot.trivia.game import (
    Answer,
    AnswerOutcome,
    AnswerStatus,
    Game,
    GameDisplay,
    GameRunning,
    GameStatus,
    NoQuestions,
    Player,
    Question,
    QuestionGone,
    Round,
    ScoredAnswer,
    TriviaError,
    letter,
)

log = logging.getLogger(__name__)

MAX_QUESTIONS = 20
MIN_SECONDS, MAX_SECONDS = 10, 60


class TriviaEngine:
    """Owns every running game of one bot process (one per channel)."""

    def __init__(self, store: Store, *, clock: Clock | None = None, rng: random.Random | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self._by_channel: dict[int, Game] = {}
        self._by_id: dict[int, Game] = {}
        self._starting: set[int] = set()  # channels between "start" and the game existing
        self._tasks: set[asyncio.Task[None]] = set()

    # -- looking games up ------------------------------------------------------------------------

    def game_in(self, channel_id: int) -> Game | None:
        return self._by_channel.get(channel_id)

    def game(self, game_id: int) -> Game | None:
        return self._by_id.get(game_id)

    @property
    def games(self) -> list[Game]:
        return list(self._by_id.values())

    # -- choosing questions ----------------------------------------------------------------------

    async def choose_questions(self, guild_id: int, rules: SpoilerRules, count: int, *,
                               category: str | None = None, difficulty: str | None = None) -> list[Question]:
        """Up to `count` questions this channel may see in the clear, those this server has seen least
        recently first (never seen before all), ties in random order. No question twice."""
        rows = await self.store.trivia_candidates(guild_id, category=category, difficulty=difficulty)
        allowed = [row for row in rows if rules.allows(row["episode"])]
        self.rng.shuffle(allowed)
        allowed.sort(key=lambda row: row["last_asked_at"] or "")  # stable: shuffled order within ties
        return [Question.from_row(row) for row in allowed[:count]]

    # -- a game's life -----------------------------------------------------------------------------

    async def start(self, *, guild_id: int, channel_id: int, started_by: int, rules: SpoilerRules,
                    display: GameDisplay, count: int | None = None, category: str | None = None,
                    difficulty: str | None = None,
                    announce: Callable[[Game], Awaitable[None]] | None = None,
                    rules_source: Callable[[], Awaitable[SpoilerRules]] | None = None) -> Game:
        """Create a game and run it in the background.

        `announce` runs after the game exists and before its first question, so the reply to
        /trivia start always comes first in the channel; if it fails, the game never starts.
        `rules_source` gives the channel's rules as they are now; before each question the game drops
        the questions those rules no longer allow (the horizon was lowered mid-game, say).
        Raises `GameRunning` or `NoQuestions` (each with the member's sentence).
        """
        check_settings(length=count)
        # Claimed before the first await: two starts racing in one channel can't both pass.
        if channel_id in self._by_channel or channel_id in self._starting:
            raise GameRunning("A trivia game is already running in this channel. "
                              "Join in, or wait for it to end (or /trivia stop it if you started it).")
        self._starting.add(channel_id)
        try:
            seconds, default_length = await self.store.trivia_settings(guild_id)
            requested = count if count is not None else default_length
            questions = await self.choose_questions(guild_id, rules, requested, category=category,
                                                    difficulty=difficulty)
            if not questions:
                raise NoQuestions(_no_questions_message(rules, category, difficulty))
            game_id = await self.store.create_trivia_game(guild_id, channel_id, started_by, self.clock.now())
            game = Game(id=game_id, guild_id=guild_id, channel_id=channel_id, started_by=started_by,
                        questions=questions, requested=requested, seconds=seconds, rules=rules, display=display,
                        rules_source=rules_source, stop_requested=asyncio.get_running_loop().create_future())
            if announce is not None:
                try:
                    await announce(game)
                except BaseException:
                    await self.store.finish_trivia_game(game_id, GameStatus.ABORTED, self.clock.now())
                    raise
            self._by_channel[channel_id] = game
            self._by_id[game_id] = game
        finally:
            self._starting.discard(channel_id)
        game.task = asyncio.create_task(self._run(game), name=f"trivia-game-{game.id}")
        self._tasks.add(game.task)
        game.task.add_done_callback(self._tasks.discard)
        return game

    def stop(self, channel_id: int, user_id: int) -> Game:
        """Ask the game here to stop; it closes its open question unscored and posts the final scores."""
        game = self._by_channel.get(channel_id)
        if game is None or game.status is not GameStatus.RUNNING:
            raise TriviaError("No trivia game is running in this channel.")
        if game.stop_requested is not None and not game.stop_requested.done():
            game.stopped_by = user_id
            game.stop_requested.set_result(user_id)
        return game

    def answer(self, game_id: int, index: int, option: int, user_id: int) -> AnswerOutcome:
        """Record a click. Synchronous on purpose: see the module docstring."""
        game = self._by_id.get(game_id)
        if game is None or game.status is not GameStatus.RUNNING:
            return AnswerOutcome(AnswerStatus.ENDED)
        round_ = game.current
        if round_ is None or round_.index != index or not round_.open or not 0 <= option < len(round_.options):
            return AnswerOutcome(AnswerStatus.CLOSED)
        now = self.clock.now()
        if now >= round_.closes_at:
            return AnswerOutcome(AnswerStatus.CLOSED)
        earlier = round_.answers.get(user_id)
        if earlier is not None:
            return AnswerOutcome(AnswerStatus.ALREADY_ANSWERED, round_.options[earlier.option], letter(earlier.option))
        elapsed = max(0.0, (now - round_.opened_at).total_seconds())
        round_.answers[user_id] = Answer(user_id, option, now, elapsed)
        return AnswerOutcome(AnswerStatus.ACCEPTED, round_.options[option], letter(option))

    def forget(self, user_id: int) -> None:
        """Drop a member from running games (after /mydata delete), so nothing of theirs is stored later."""
        for game in self._by_id.values():
            game.players.pop(user_id, None)
            game.private.discard(user_id)
            if game.current is not None and game.current.open:
                game.current.answers.pop(user_id, None)

    async def recover(self) -> int:
        """At start-up: no game survives a restart, whatever the table says. Old buttons then answer
        "this game has ended", because no game with their id is running in this process."""
        return await self.store.end_running_trivia_games(GameStatus.INTERRUPTED, self.clock.now())

    async def shutdown(self, grace: float = 5.0) -> None:
        """End every game (bot closing, cog reloading): each closes its open question unscored and
        says it was interrupted. Games are asked to stop rather than cancelled, because a cancel in
        the middle of a store write could leave the shared connection inside a transaction; only a
        game that doesn't wind up within `grace` seconds is cancelled."""
        games = list(self._by_id.values())
        for game in games:
            game.interrupted = True
            if game.stop_requested is not None and not game.stop_requested.done():
                game.stop_requested.set_result(0)
        tasks = [g.task for g in games if g.task is not None and not g.task.done()]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=grace)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if games:
            await self.store.end_running_trivia_games(GameStatus.INTERRUPTED, self.clock.now(),
                                                      [g.id for g in games])
        self._by_channel.clear()
        self._by_id.clear()

    # -- the game loop ---------------------------------------------------------------------------

    async def _run(self, game: Game) -> None:
        status = GameStatus.FINISHED
        try:
            index = 0
            while index < len(game.questions):
                if self._stopping(game):
                    break
                await self._follow_rule_changes(game, index)
                if index >= len(game.questions):
                    break
                question = game.questions[index]
                index += 1
                round_ = self._open_round(game, index - 1, question)
                await self.store.mark_trivia_asked(game.guild_id, question.id, round_.opened_at)
                await game.display.show_question(game, round_)
                remaining = (round_.closes_at - self.clock.now()).total_seconds()
                await self.clock.sleep(remaining, until=game.stop_requested)
                round_.open = False  # from here on every click is "closed"
                if not self._stopping(game):
                    await self._score(game, round_)
                await game.display.close_question(game, round_)
            if self._stopping(game):
                status = GameStatus.INTERRUPTED if game.interrupted else GameStatus.STOPPED
        except QuestionGone:
            status = GameStatus.ABORTED
            log.info("Trivia game %s ended: a question's message was deleted", game.id)
        except asyncio.CancelledError:
            game.status = GameStatus.INTERRUPTED
            self._forget_game(game)
            raise
        except Exception:
            status = GameStatus.ABORTED
            log.exception("Trivia game %s failed", game.id)
        game.status = status  # from here on every click is "ended"
        if game.current is not None:
            game.current.open = False
        try:
            await self.store.finish_trivia_game(game.id, status, self.clock.now())
            await game.display.finish(game)
        except Exception:
            log.exception("Could not wrap up trivia game %s", game.id)
        finally:
            # Released only now, so a new game's first question can't overtake this one's summary.
            self._forget_game(game)

    async def _follow_rule_changes(self, game: Game, index: int) -> None:
        """Drop the questions not yet asked that the channel's current rules no longer allow."""
        if game.rules_source is None:
            return
        rules = await game.rules_source()
        if rules == game.rules:
            return
        game.rules = rules
        game.questions[index:] = [q for q in game.questions[index:] if rules.allows(q.episode)]

    def _stopping(self, game: Game) -> bool:
        return game.stop_requested is not None and game.stop_requested.done()

    def _open_round(self, game: Game, index: int, question: Question) -> Round:
        options = [question.answer, *question.wrong]
        self.rng.shuffle(options)
        opened = self.clock.now()
        round_ = Round(index=index, question=question, options=options, correct=options.index(question.answer),
                       opened_at=opened, closes_at=opened + dt.timedelta(seconds=game.seconds))
        game.rounds.append(round_)
        return round_

    async def _score(self, game: Game, round_: Round) -> None:
        """Points for each answer (fastest first), folded into the game's players, stored in one go."""
        results: list[ScoredAnswer] = []
        for answer in sorted(round_.answers.values(), key=lambda a: (a.elapsed, a.user_id)):
            player = game.players.setdefault(answer.user_id, Player(answer.user_id))
            correct = answer.option == round_.correct
            player.streak = player.streak + 1 if correct else 0
            player.best_streak = max(player.best_streak, player.streak)
            gained = scoring.points(correct, answer.elapsed, game.seconds, player.streak)
            player.points += gained
            player.answered += 1
            player.correct += int(correct)
            results.append(ScoredAnswer(answer.user_id, answer.option, correct, gained, player.streak,
                                        answer.elapsed, answer.at))
        round_.results = results
        round_.scored = True
        if results:
            await self.store.record_trivia_round(
                game.id, game.guild_id, round_.question.id,
                [AnswerRecord(r.user_id, r.correct, r.points, r.at) for r in results],
            )
            game.private |= await self.store.leaderboard_opted_out(r.user_id for r in results)

    def _forget_game(self, game: Game) -> None:
        if self._by_channel.get(game.channel_id) is game:
            del self._by_channel[game.channel_id]
        self._by_id.pop(game.id, None)

    # -- for tests and the console ---------------------------------------------------------------

    async def settle(self, limit: float = 5.0) -> None:
        """Wait until every running game is asleep on its (manual) clock or over: only then has
        everything that can happen without time passing happened."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("settle() needs a ManualClock")
        clock = self.clock
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            await asyncio.sleep(0)
            tasks = list(self._tasks)
            if all(t.done() or clock.is_parked(t) for t in tasks):
                # one more turn for tasks the games just woke (their finish() follow-ups)
                await asyncio.sleep(0)
                if all(t.done() or clock.is_parked(t) for t in tasks):
                    return
            if loop.time() > deadline:
                raise TimeoutError("trivia games did not settle")
            await asyncio.sleep(0.001)

    async def advance(self, seconds: float) -> None:
        """Move a manual clock forward, letting the games act at each deadline."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock")
        await self.clock.advance(seconds, self.settle)


def check_settings(*, seconds: int | None = None, length: int | None = None) -> None:
    """Discord enforces option ranges in its client only; a stale or forged request is checked here."""
    if seconds is not None and not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise TriviaError(f"Seconds per question must be between {MIN_SECONDS} and {MAX_SECONDS}.")
    if length is not None and not 1 <= length <= MAX_QUESTIONS:
        raise TriviaError(f"A game has between 1 and {MAX_QUESTIONS} questions.")


def _no_questions_message(rules: SpoilerRules, category: str | None, difficulty: str | None) -> str:
    filters = " ".join(f for f in (difficulty, category) if f)
    what = f"No {filters} questions" if filters else "No questions"
    if rules.mode.value == "off":
        return f"{what} are available."
    return (f"{what} fit this channel's spoiler rules (horizon: episode {rules.horizon}). "
            "Try another category or difficulty, or ask a moderator about the horizon.")


