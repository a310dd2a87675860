"""Trivia and member-data queries: questions to ask, games, answers, scores, leaderboards, /mydata.

Scores are always keyed by server (`guild_id`): no query here reads one server's scores for another.
Times are stored as ISO-8601 UTC strings of one fixed shape, so they compare as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.base import StoreBase

DEFAULT_TRIVIA_SECONDS = 20
DEFAULT_TRIVIA_LENGTH = 5


def iso(when: dt.datetime) -> str:
    """The one text shape for stored times (second precision, UTC offset)."""
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AnswerRecord:
    """One member's scored answer to one question, as the store keeps it."""

    user_id: int
    correct: bool
    points: int
    answered_at: dt.datetime


class TriviaQueries(StoreBase):
    # -- questions ---------------------------------------------------------------------------------

    async def trivia_candidates(self, guild_id: int, *, category: str | None = None,
                                difficulty: str | None = None) -> list[dict[str, Any]]:
        """Every question matching the filters, with its source's title and when this server last saw it
        (None: never). Spoiler filtering is the caller's job, through the one spoiler policy."""
        rows = await self.fetchall(
            "SELECT q.id, q.question, q.answer, q.wrong1, q.wrong2, q.wrong3, q.difficulty, q.category,"
            " q.episode, q.source, q.evidence, COALESCE(s.title, q.source) AS source_title,"
            " a.last_asked_at"
            " FROM questions q LEFT JOIN sources s ON s.id = q.source"
            " LEFT JOIN trivia_asked a ON a.guild_id = ? AND a.question_id = q.id"
            " WHERE (? IS NULL OR q.category = ?) AND (? IS NULL OR q.difficulty = ?)"
            " ORDER BY q.id",
            (guild_id, category, category, difficulty, difficulty),
        )
        return [dict(row) for row in rows]

    async def mark_trivia_asked(self, guild_id: int, question_id: str, at: dt.datetime) -> None:
        await self.write(
            "INSERT INTO trivia_asked (guild_id, question_id, last_asked_at, times) VALUES (?, ?, ?, 1)"
            " ON CONFLICT(guild_id, question_id) DO UPDATE SET last_asked_at = excluded.last_asked_at,"
            " times = times + 1",
            (guild_id, question_id, iso(at)),
        )

    # -- games -------------------------------------------------------------------------------------

    async def create_trivia_game(self, guild_id: int, channel_id: int, started_by: int, at: dt.datetime) -> int:
        return await self.write(
            "INSERT INTO trivia_games (guild_id, channel_id, started_by, started_at, status)"
            " VALUES (?, ?, ?, ?, 'running')",
            (guild_id, channel_id, started_by, iso(at)),
        )

    async def finish_trivia_game(self, game_id: int, status: str, at: dt.datetime) -> None:
        await self.write(
            "UPDATE trivia_games SET status = ?, ended_at = ? WHERE id = ? AND status = 'running'",
            (status, iso(at), game_id),
        )

    async def end_running_trivia_games(self, status: str, at: dt.datetime,
                                       game_ids: Sequence[int] | None = None) -> int:
        """Mark games still 'running' as ended (all of them, or just `game_ids`): after a restart no
        game is running, whatever the table says. Returns how many were marked."""
        async with self.transaction() as db:
            if game_ids is None:
                cursor = await db.execute(
                    "UPDATE trivia_games SET status = ?, ended_at = ? WHERE status = 'running'", (status, iso(at)))
            else:
                marks = ",".join("?" * len(game_ids)) or "NULL"
                cursor = await db.execute(
                    f"UPDATE trivia_games SET status = ?, ended_at = ? WHERE status = 'running' AND id IN ({marks})",
                    (status, iso(at), *game_ids))
            return cursor.rowcount or 0

    async def trivia_game_status(self, game_id: int) -> str | None:
        return await self.scalar("SELECT status FROM trivia_games WHERE id = ?", (game_id,))

    async def record_trivia_round(self, game_id: int, guild_id: int, question_id: str,
                                  answers: Iterable[AnswerRecord]) -> None:
        """Store one closed question's answers and fold them into the members' totals, atomically.

        The streak update is one SQL expression over the stored row (SQLite evaluates every SET
        expression against the old values), so two games in one server can't lose each other's
        updates. A repeated call for the same answers changes nothing (INSERT OR IGNORE decides).
        """
        async with self.transaction() as db:
            for answer in answers:
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO trivia_answers"
                    " (game_id, question_id, guild_id, user_id, correct, points, answered_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (game_id, question_id, guild_id, answer.user_id, int(answer.correct), answer.points,
                     iso(answer.answered_at)),
                )
                if not cursor.rowcount:
                    continue
                correct = int(answer.correct)
                await db.execute(
                    "INSERT INTO trivia_members (guild_id, user_id, answered, correct, points, streak, best_streak)"
                    " VALUES (?, ?, 1, ?, ?, ?, ?)"
                    " ON CONFLICT(guild_id, user_id) DO UPDATE SET"
                    " answered = answered + 1, correct = correct + excluded.correct,"
                    " points = points + excluded.points,"
                    " streak = CASE WHEN excluded.correct THEN streak + 1 ELSE 0 END,"
                    " best_streak = MAX(best_streak, CASE WHEN excluded.correct THEN streak + 1 ELSE 0 END)",
                    (guild_id, answer.user_id, correct, answer.points, correct, correct),
                )

    # -- settings ----------------------------------------------------------------------------------

    async def trivia_settings(self, guild_id: int) -> tuple[int, int]:
        """(seconds per question, default number of questions) for a server."""
        row = await self.fetchone(
            "SELECT trivia_seconds, trivia_length FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return DEFAULT_TRIVIA_SECONDS, DEFAULT_TRIVIA_LENGTH
        return int(row["trivia_seconds"]), int(row["trivia_length"])

    async def set_trivia_settings(self, guild_id: int, *, seconds: int | None = None,
                                  length: int | None = None) -> tuple[int, int]:
        """Change either setting (None keeps it); other server settings are left alone."""
        await self.write(
            "INSERT INTO guild_settings (guild_id, trivia_seconds, trivia_length) VALUES (?, ?, ?)"
            " ON CONFLICT(guild_id) DO UPDATE SET"
            " trivia_seconds = COALESCE(?, trivia_seconds), trivia_length = COALESCE(?, trivia_length)",
            (guild_id, seconds or DEFAULT_TRIVIA_SECONDS, length or DEFAULT_TRIVIA_LENGTH, seconds, length),
        )
        return await self.trivia_settings(guild_id)

    # -- scores ------------------------------------------------------------------------------------

    async def trivia_leaderboard(self, guild_id: int, *, since: dt.datetime | None = None, limit: int = 10,
                                 include_user: int | None = None) -> Sequence[Mapping[str, Any]]:
        """Ranked rows (rank, user_id, points, correct, answered) of one server: the top `limit` ranks,
        plus `include_user`'s row wherever it ranks. Members who opted out are left out entirely."""
        if since is None:
            board = ("SELECT user_id, points, correct, answered FROM trivia_members"
                     " WHERE guild_id = :guild AND answered > 0")
        else:
            board = ("SELECT user_id, SUM(points) AS points, SUM(correct) AS correct, COUNT(*) AS answered"
                     " FROM trivia_answers WHERE guild_id = :guild AND answered_at >= :since GROUP BY user_id")
        rows = await self.fetchall(
            f"WITH board AS ({board}),"
            " ranked AS (SELECT board.*, RANK() OVER (ORDER BY points DESC, correct DESC) AS rank FROM board"
            "   WHERE user_id NOT IN (SELECT user_id FROM leaderboard_optout))"
            " SELECT rank, user_id, points, correct, answered FROM ranked"
            " WHERE rank <= :limit OR user_id = :me ORDER BY rank, user_id",
            {"guild": guild_id, "since": iso(since) if since else None, "limit": limit, "me": include_user},
        )
        return [dict(row) for row in rows]

    async def trivia_member_stats(self, guild_id: int, user_id: int) -> Mapping[str, Any] | None:
        row = await self.fetchone(
            "SELECT answered, correct, points, streak, best_streak FROM trivia_members"
            " WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        return dict(row) if row else None

    # -- leaderboard opt-out -----------------------------------------------------------------------

    async def leaderboard_opted_out(self, user_ids: Iterable[int]) -> set[int]:
        """Which of `user_ids` opted out."""
        ids = sorted(set(user_ids))
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = await self.fetchall(f"SELECT user_id FROM leaderboard_optout WHERE user_id IN ({marks})", ids)
        return {int(row["user_id"]) for row in rows}

    async def set_leaderboard_optout(self, user_id: int, opted_out: bool, at: dt.datetime) -> None:
        if opted_out:
            await self.write("INSERT OR IGNORE INTO leaderboard_optout (user_id, at) VALUES (?, ?)",
                             (user_id, iso(at)))
        else:
            await self.write("DELETE FROM leaderboard_optout WHERE user_id = ?", (user_id,))

    # -- /mydata -----------------------------------------------------------------------------------

    async def member_data(self, user_id: int) -> dict[str, Any]:
        """Everything stored about one member, across servers (the caller decides what to show where)."""
        progress = await self.fetchone(
            "SELECT episode, updated_at FROM member_progress WHERE user_id = ?", (user_id,))
        optout = await self.scalar("SELECT at FROM leaderboard_optout WHERE user_id = ?", (user_id,))
        scores = await self.fetchall(
            "SELECT guild_id, answered, correct, points, streak, best_streak FROM trivia_members"
            " WHERE user_id = ? ORDER BY guild_id", (user_id,))
        return {
            "progress": dict(progress) if progress else None,
            "optout_at": optout,
            "scores": [dict(row) for row in scores],
            "answers": int(await self.scalar("SELECT COUNT(*) FROM trivia_answers WHERE user_id = ?", (user_id,))),
            "games_started": int(await self.scalar(
                "SELECT COUNT(*) FROM trivia_games WHERE started_by = ?", (user_id,))),
            "moderation_entries": int(await self.scalar(
                "SELECT COUNT(*) FROM audit_log WHERE user_id = ?", (user_id,))),
        }

    async def delete_member_data(self, user_id: int) -> dict[str, int]:
        """Erase a member's scores, answers, progress and opt-out in one transaction; games they started
        stay (other members' scores hang off them) but no longer name them. Moderation log entries are
        kept: they are the server's record of rule changes, not the member's data."""
        counts: dict[str, int] = {}
        async with self.transaction() as db:
            for label, sql in (
                ("answers", "DELETE FROM trivia_answers WHERE user_id = ?"),
                ("scores", "DELETE FROM trivia_members WHERE user_id = ?"),
                ("progress", "DELETE FROM member_progress WHERE user_id = ?"),
                ("optout", "DELETE FROM leaderboard_optout WHERE user_id = ?"),
                ("games", "UPDATE trivia_games SET started_by = 0 WHERE started_by = ?"),
            ):
                cursor = await db.execute(sql, (user_id,))
                counts[label] = cursor.rowcount or 0
        return counts
