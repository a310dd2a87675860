"""/mydata: what the bot stores about a member, and the confirmation before erasing it."""

from __future__ import annotations

from typing import Any

import discord

from bot.common.embeds import add_field, embed

CONFIRM_SECONDS = 120.0  # how long a /mydata delete prompt can be answered
MYDATA_COG = "MyData"


def member_data_embed(data: dict[str, Any], *, guild_id: int | None) -> discord.Embed:
    """Everything stored about the member. Other servers' scores are summed, never named or itemised."""
    card = embed("What Golden Hour stores about you")
    progress = data["progress"]
    add_field(card, "Watch progress",
              f"Episode {progress['episode']} (set {progress['updated_at']})" if progress else "Not recorded.")
    add_field(card, "Leaderboards",
              f"Hidden since {data['optout_at']}." if data["optout_at"] else "Listed (when you have scores).")
    others = [s for s in data["scores"] if s["guild_id"] != guild_id]
    if guild_id is not None:  # in a DM there is no "this server": every server's scores are "yours"
        here = next((s for s in data["scores"] if s["guild_id"] == guild_id), None)
        add_field(card, "Trivia in this server",
                  f"{here['answered']} answered · {here['correct']} right · {here['points']} points · "
                  f"best streak {here['best_streak']}" if here else "Nothing yet.")
    if others:
        add_field(card, "Trivia in other servers" if guild_id is not None else "Trivia in your servers",
                  f"{len(others)} server{'s' if len(others) != 1 else ''}: "
                  f"{sum(s['answered'] for s in others)} answered · {sum(s['points'] for s in others)} points")
    elif guild_id is None:
        add_field(card, "Trivia in your servers", "Nothing yet.")
    add_field(card, "Records", f"{data['answers']} stored answers · {data['games_started']} games started by you")
    if data["moderation_entries"]:
        add_field(card, "Moderation log",
                  f"{data['moderation_entries']} spoiler-rule changes you made as a moderator. These stay in "
                  "the server's log (they are the server's record) and are not deleted with your data.")
    card.set_footer(text="/mydata delete erases your scores, answers, progress and leaderboard choice.")
    return card


def delete_prompt() -> str:
    return ("Delete **everything** Golden Hour stores about you, in every server: trivia scores, stats and "
            "answers, your watch progress, and your leaderboard choice? This can't be undone. "
            "Games you started stay, without your name.")


def deleted_message(counts: dict[str, int]) -> str:
    return (f"Done. Deleted {counts.get('answers', 0)} answers, {counts.get('scores', 0)} server score records"
            f"{', your watch progress' if counts.get('progress') else ''}"
            f"{', your leaderboard choice' if counts.get('optout') else ''}.")


STALE_CONFIRMATION = ("This confirmation is no longer active (it was already answered, it expired, or the bot "
                      "restarted), so nothing more was done. Run /mydata delete to start again.")
NOT_YOURS = "Only the member who asked can confirm this."
CANCELLED = "Nothing was deleted."
