"""Trivia embeds and member-facing sentences: a question, its result, the final scores, leaderboards.

Members appear as mentions (`<@id>`): Discord shows their current name, and embeds never ping.
Members who opted out of leaderboards are counted, never named.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord

from bot import limits
from bot.common.embeds import add_field, embed, escape, source_footer, truncate
from bot.trivia.game import AnswerOutcome, AnswerStatus, Game, GameStatus, Round, letter, summarize
from bot.trivia.scoring import BASE, SPEED_MAX, STREAK_MAX

LIST_BUDGET = 900  # characters of names in one field, leaving room for an "and N more" line

RULES_LINE = (f"One answer each, and it can't be changed. A right answer scores {BASE} points, up to "
              f"{SPEED_MAX} more for speed, and up to {STREAK_MAX} more for a streak.")


def mention(user_id: int) -> str:
    return f"<@{user_id}>"


def option_label(index: int, option: str) -> str:
    return truncate(f"{letter(index)}. {option}", limits.BUTTON_LABEL)


def evidence_line(round_: Round) -> str:
    question = round_.question
    return f"Source: {escape(question.source_title)} — “{escape(question.evidence)}”"


def _question_text(game: Game, round_: Round) -> str:
    # Trivia only asks what the channel may see in the clear; rendering through the rules anyway
    # keeps this one path honest if that ever changes.
    text = game.rules.render(round_.question.text, round_.question.episode)
    if any(len(option_label(i, o)) < len(f"{letter(i)}. {o}") for i, o in enumerate(round_.options)):
        text += "\n\n" + "\n".join(f"**{letter(i)}.** {o}" for i, o in enumerate(round_.options))
    return text


def _heading(game: Game, round_: Round) -> str:
    return f"Trivia · question {round_.index + 1} of {len(game.questions)}"


def start_embed(game: Game, *, category: str | None = None, difficulty: str | None = None) -> discord.Embed:
    count = len(game.questions)
    plural = "question" if count == 1 else "questions"
    lines = [f"{mention(game.started_by)} started a game: **{count} {plural}**, {game.seconds} s each."]
    filters = ", ".join(f for f in (category, difficulty) if f)
    if filters:
        lines.append(f"Only {filters} questions.")
    if count < game.requested:
        lines.append(f"Only {count} {plural} fit this channel's spoiler rules"
                     f"{' and those filters' if filters else ''}, so this game asks {count} "
                     f"(of the {game.requested} asked for).")
    lines.append(RULES_LINE)
    card = embed("Trivia is starting", "\n".join(lines))
    card.set_footer(text="/trivia stop ends the game early (its starter or a moderator).")
    return card


def question_embed(game: Game, round_: Round) -> discord.Embed:
    card = embed(_heading(game, round_), _question_text(game, round_))
    question = round_.question
    add_field(card, "Category", f"{question.category} · {question.difficulty}", inline=True)
    add_field(card, "Closes", f"{discord.utils.format_dt(round_.closes_at, 'R')} "
                              f"({discord.utils.format_dt(round_.closes_at, 'T')})", inline=True)
    card.set_footer(text=RULES_LINE)
    return card


def _names(user_ids: list[tuple[int, str]], hidden: int) -> str:
    """`<@id> suffix` lines within the field budget, then the ones left over (and hidden) as a count."""
    lines: list[str] = []
    used = 0
    for index, (user_id, suffix) in enumerate(user_ids):
        line = f"{mention(user_id)} {suffix}".strip()
        if used + len(line) > LIST_BUDGET:
            hidden += len(user_ids) - index
            break
        lines.append(line)
        used += len(line) + 1
    if hidden:
        lines.append(f"and {hidden} more" if lines else f"{hidden} member{'s' if hidden != 1 else ''}")
    return "\n".join(lines)


def closed_embed(game: Game, round_: Round) -> discord.Embed:
    card = embed(f"{_heading(game, round_)} · closed", _question_text(game, round_))
    add_field(card, "Answer", f"**{letter(round_.correct)}. {round_.options[round_.correct]}**")
    if not round_.scored:
        why = "The bot is restarting" if game.interrupted else "The game was stopped"
        add_field(card, "Not scored", f"{why} before this question closed.")
    else:
        right = [r for r in round_.results if r.correct]
        right.sort(key=lambda r: (-r.points, r.elapsed))
        shown = [(r.user_id, f"+{r.points}" + (f" (streak {r.streak})" if r.streak > 1 else ""))
                 for r in right if r.user_id not in game.private]
        hidden = sum(1 for r in right if r.user_id in game.private)
        add_field(card, "Got it right", _names(shown, hidden) or "Nobody this time.")
        answered, correct = summarize(round_.results)
        add_field(card, "Answers", f"{answered} answered · {correct} right", inline=True)
    add_field(card, "Evidence", evidence_line(round_))
    card.set_footer(text=source_footer([round_.question.source_title]))
    return card


def summary_embed(game: Game) -> discord.Embed:
    asked = [r for r in game.rounds if r.scored]
    if game.status is GameStatus.ABORTED:
        title, intro = "Trivia ended early", ("A question's message disappeared, so the game ended. "
                                              "Points from the questions that closed are kept.")
    elif game.status is GameStatus.INTERRUPTED:
        title, intro = "Trivia interrupted", ("The bot is restarting, so this game ended. "
                                              "Points from the questions that closed are kept.")
    elif game.status is GameStatus.STOPPED:
        title, intro = "Trivia stopped", f"Stopped by {mention(game.stopped_by or game.started_by)}."
    else:
        title, intro = "Trivia · final scores", f"{len(asked)} question{'s' if len(asked) != 1 else ''} asked."
    standings = game.standings()
    shown = [(p.user_id, f"— **{p.points}** points ({p.correct}/{p.answered} right"
                         + (f", best streak {p.best_streak})" if p.best_streak > 1 else ")"))
             for p in standings if p.user_id not in game.private]
    hidden = sum(1 for p in standings if p.user_id in game.private)
    lines = [f"**{rank}.** {mention(user_id)} {suffix}" for rank, (user_id, suffix) in enumerate(shown[:10], 1)]
    more = len(shown) - len(lines) + hidden
    if more:
        lines.append(f"and {more} more")
    card = embed(title, intro)
    add_field(card, "Scores", "\n".join(lines) if lines else "Nobody answered.")
    card.set_footer(text=source_footer([r.question.source_title for r in game.rounds]))
    return card


def answer_reply(outcome: AnswerOutcome) -> str:
    if outcome.status is AnswerStatus.ACCEPTED:
        return f"Locked in: **{outcome.letter}. {outcome.option}**. The answer is revealed when the timer runs out."
    if outcome.status is AnswerStatus.ALREADY_ANSWERED:
        return f"You already answered (**{outcome.letter}. {outcome.option}**); answers can't be changed."
    if outcome.status is AnswerStatus.CLOSED:
        return "This question has closed."
    return "This game has ended. Start a new one with /trivia start."


def leaderboard_embed(rows: list[dict[str, Any]], *, period: str, me: int, me_hidden: bool,
                      now: dt.datetime) -> discord.Embed:
    label = "all time" if period == "all-time" else f"this month ({now:%B %Y}, UTC)"
    card = embed(f"Trivia leaderboard · {label}")
    top = [r for r in rows if r["rank"] <= 10][:10]
    lines = [f"**{r['rank']}.** {mention(r['user_id'])} — **{r['points']}** points "
             f"({r['correct']}/{r['answered']} right)" for r in top]
    card.description = "\n".join(lines) if lines else "No scores yet. Start a game with /trivia start."
    mine = next((r for r in rows if r["user_id"] == me), None)
    if me_hidden:
        add_field(card, "You", "You're hidden from leaderboards (/mydata leaderboard to change that).")
    elif mine is not None and mine not in top:
        add_field(card, "You", f"#{mine['rank']} with {mine['points']} points.")
    card.set_footer(text="Scores of this server only. Members can hide themselves with /mydata leaderboard.")
    return card


def stats_embed(name: str, stats: dict[str, Any] | None) -> discord.Embed:
    card = embed(f"Trivia stats · {escape(name)}")
    if not stats or not stats["answered"]:
        card.description = "No answers in this server yet."
        return card
    accuracy = 100 * stats["correct"] / stats["answered"]
    for label, value in (("Answered", stats["answered"]), ("Correct", stats["correct"]),
                         ("Accuracy", f"{accuracy:.0f}%"), ("Points", stats["points"]),
                         ("Best streak", stats["best_streak"]), ("Current streak", stats["streak"])):
        add_field(card, label, str(value), inline=True)
    card.set_footer(text="Scores of this server only.")
    return card


def settings_embed(seconds: int, length: int, *, changed: bool) -> discord.Embed:
    card = embed("Trivia settings" + (" updated" if changed else ""))
    add_field(card, "Time per question", f"{seconds} s", inline=True)
    add_field(card, "Questions per game (default)", str(length), inline=True)
    return card
