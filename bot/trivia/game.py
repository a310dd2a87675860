"""A trivia game's state: its questions, rounds, answers and players, and the errors a game raises.
Discord-free; the engine (`engine.py`) runs games, a `GameDisplay` shows them."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.policy import SpoilerRules

OPTION_COUNT = 4


class TriviaError(Exception):
    """A game can't be started or changed; `message` is the sentence for the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GameRunning(TriviaError):
    pass


class NoQuestions(TriviaError):
    pass


class QuestionGone(Exception):
    """Raised by a display when a question's message no longer exists (deleted by someone)."""


class GameStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"  # every question was asked
    STOPPED = "stopped"  # /trivia stop
    ABORTED = "aborted"  # a question's message vanished, or the display failed
    INTERRUPTED = "interrupted"  # the bot shut down or restarted mid-game


class AnswerStatus(enum.Enum):
    ACCEPTED = "accepted"
    ALREADY_ANSWERED = "already answered"
    CLOSED = "closed"  # the question's timer ran out (or it was never opened)
    ENDED = "ended"  # no such game is running (finished, stopped, or from before a restart)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answer: str
    wrong: tuple[str, ...]
    difficulty: str
    category: str
    episode: int | None
    source: str
    source_title: str
    evidence: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Question:
        return cls(
            id=row["id"], text=row["question"], answer=row["answer"],
            wrong=(row["wrong1"], row["wrong2"], row["wrong3"]), difficulty=row["difficulty"],
            category=row["category"], episode=row["episode"], source=row["source"],
            source_title=row["source_title"], evidence=row["evidence"],
        )


@dataclass(frozen=True)
class Answer:
    user_id: int
    option: int
    at: dt.datetime
    elapsed: float  # seconds since the question opened


@dataclass(frozen=True)
class ScoredAnswer:
    user_id: int
    option: int
    correct: bool
    points: int
    streak: int  # right answers in a row in this game, this one included
    elapsed: float
    at: dt.datetime


@dataclass
class Round:
    """One question of a game, from the moment it is shown until it closes."""

    index: int  # 0-based
    question: Question
    options: list[str]  # shuffled; buttons carry the position, never the answer
    correct: int
    opened_at: dt.datetime
    closes_at: dt.datetime
    answers: dict[int, Answer] = field(default_factory=dict)
    open: bool = True
    scored: bool = False
    results: list[ScoredAnswer] = field(default_factory=list)
    handle: Any = None  # whatever the display needs to find its message again


@dataclass
class Player:
    user_id: int
    points: int = 0
    correct: int = 0
    answered: int = 0
    streak: int = 0
    best_streak: int = 0


@dataclass(frozen=True)
class AnswerOutcome:
    status: AnswerStatus
    option: str | None = None  # the option this member has (now or earlier) chosen
    letter: str | None = None


class GameDisplay(Protocol):
    """How a game shows itself. Raise `QuestionGone` when a question's message has disappeared."""

    async def show_question(self, game: Game, round_: Round) -> None: ...

    async def close_question(self, game: Game, round_: Round) -> None: ...

    async def finish(self, game: Game) -> None: ...


@dataclass
class Game:
    id: int
    guild_id: int
    channel_id: int
    started_by: int
    questions: list[Question]
    requested: int  # how many questions were asked for (more than `questions` when too few qualify)
    seconds: int
    rules: SpoilerRules
    display: GameDisplay
    # Asked again before every question: a moderator may lower the horizon mid-game, and a question
    # chosen under the old rules must then not be asked.
    rules_source: Callable[[], Awaitable[SpoilerRules]] | None = None
    rounds: list[Round] = field(default_factory=list)
    players: dict[int, Player] = field(default_factory=dict)
    private: set[int] = field(default_factory=set)  # players who opted out of leaderboards
    status: GameStatus = GameStatus.RUNNING
    stopped_by: int | None = None
    interrupted: bool = False  # stopped because the bot is shutting down
    stop_requested: asyncio.Future[int] | None = None
    task: asyncio.Task[None] | None = None

    @property
    def current(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    def standings(self) -> list[Player]:
        return sorted(self.players.values(), key=lambda p: (-p.points, -p.correct, p.user_id))


def letter(index: int) -> str:
    return "ABCD"[index]



def summarize(results: Sequence[ScoredAnswer]) -> tuple[int, int]:
    """(answered, right) for a closed question."""
    return len(results), sum(1 for r in results if r.correct)
