"""/trivia: multiple-choice games with buttons, per-server scores and leaderboards.

Discord glue only: the game itself is `bot.trivia.engine.TriviaEngine`, the messages are
`bot.trivia.render`, the buttons `bot.trivia.views`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.common.checks import NotAllowed, is_moderator, moderator_only
from bot.common.interaction import spoiler_rules
from bot.errors import UserError
from bot.pack.terms import CATEGORIES, DIFFICULTIES
from bot.trivia.engine import MAX_QUESTIONS, MAX_SECONDS, MIN_SECONDS, TriviaEngine, check_settings
from bot.trivia.game import Game, TriviaError
from bot.trivia.render import leaderboard_embed, settings_embed, start_embed, stats_embed
from bot.trivia.views import TRIVIA_COG, AnswerButton, ChannelDisplay

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


@app_commands.guild_only()
class Trivia(commands.GroupCog, name=TRIVIA_COG, group_name="trivia",
             group_description="Multiple-choice trivia about the show, with scores per server"):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot
        self.engine = TriviaEngine(bot.store)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnswerButton)
        self.bot.member_forgetters.append(self.engine.forget)
        await self.engine.recover()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AnswerButton)
        self.bot.member_forgetters.remove(self.engine.forget)
        await self.engine.shutdown()

    @app_commands.command(name="start", description="Start a trivia game in this channel")
    @app_commands.describe(questions="How many questions (default: the server's setting)",
                           category="Only questions of this kind", difficulty="Only questions this hard")
    @app_commands.choices(
        category=[app_commands.Choice(name=c, value=c) for c in CATEGORIES],
        difficulty=[app_commands.Choice(name=d, value=d) for d in DIFFICULTIES],
    )
    async def start(self, interaction: discord.Interaction,
                    questions: app_commands.Range[int, 1, MAX_QUESTIONS] | None = None,
                    category: str | None = None, difficulty: str | None = None) -> None:
        assert interaction.guild_id is not None and interaction.channel is not None
        allowed = interaction.app_permissions
        can_post = allowed.send_messages_in_threads if isinstance(interaction.channel, discord.Thread) \
            else allowed.send_messages
        if not (can_post and allowed.embed_links):
            raise UserError("I can't run a game here: I need to send messages and embed links in this channel.")
        rules = await spoiler_rules(interaction)

        async def announce(game: Game) -> None:
            await interaction.response.send_message(
                embed=start_embed(game, category=category, difficulty=difficulty))

        try:
            await self.engine.start(
                guild_id=interaction.guild_id, channel_id=interaction.channel.id, started_by=interaction.user.id,
                rules=rules, display=ChannelDisplay(interaction.channel),  # type: ignore[arg-type]
                count=questions, category=category, difficulty=difficulty, announce=announce,
                rules_source=lambda: spoiler_rules(interaction))
        except TriviaError as exc:
            raise UserError(exc.message) from exc

    @app_commands.command(name="stop", description="Stop the trivia game in this channel")
    async def stop(self, interaction: discord.Interaction) -> None:
        assert interaction.channel is not None
        game = self.engine.game_in(interaction.channel.id)
        if game is None:
            raise UserError("No trivia game is running in this channel.")
        if interaction.user.id != game.started_by and not await is_moderator(interaction):
            raise NotAllowed("Only the member who started this game, or a moderator, can stop it.")
        try:
            self.engine.stop(interaction.channel.id, interaction.user.id)
        except TriviaError as exc:
            raise UserError(exc.message) from exc
        await interaction.response.send_message("Stopping the game; the final scores follow.", ephemeral=True)

    @app_commands.command(name="leaderboard", description="This server's top trivia players")
    @app_commands.describe(period="All time, or this calendar month (UTC)")
    async def leaderboard(self, interaction: discord.Interaction,
                          period: Literal["all-time", "this month"] = "all-time") -> None:
        assert interaction.guild_id is not None
        now = self.engine.clock.now()
        since = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) if period == "this month" else None
        rows = await self.bot.store.trivia_leaderboard(interaction.guild_id, since=since,
                                                       include_user=interaction.user.id)
        hidden = interaction.user.id in await self.bot.store.leaderboard_opted_out([interaction.user.id])
        await interaction.response.send_message(
            embed=leaderboard_embed(rows, period=period, me=interaction.user.id, me_hidden=hidden, now=now))

    @app_commands.command(name="stats", description="Trivia stats in this server: yours or a member's")
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        target = member or interaction.user
        if target.id != interaction.user.id and await self.bot.store.leaderboard_opted_out([target.id]):
            raise UserError("That member keeps their trivia stats private.")
        stats = await self.bot.store.trivia_member_stats(interaction.guild_id, target.id)
        await interaction.response.send_message(embed=stats_embed(target.display_name, stats))

    @app_commands.command(name="settings", description="Moderators: time per question and default game length")
    @app_commands.describe(seconds="Seconds per question (10-60)", questions="Default questions per game (1-20)")
    @moderator_only()
    async def settings(self, interaction: discord.Interaction,
                       seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] | None = None,
                       questions: app_commands.Range[int, 1, MAX_QUESTIONS] | None = None) -> None:
        assert interaction.guild_id is not None
        try:
            check_settings(seconds=seconds, length=questions)
        except TriviaError as exc:
            raise UserError(exc.message) from exc
        changed = seconds is not None or questions is not None
        if changed:
            current = await self.bot.store.set_trivia_settings(interaction.guild_id, seconds=seconds,
                                                               length=questions)
        else:
            current = await self.bot.store.trivia_settings(interaction.guild_id)
        note = " Games already running keep their timer." if changed and self.engine.games else ""
        await interaction.response.send_message(note.strip() or None, embed=settings_embed(*current, changed=changed),
                                                 ephemeral=True)


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(Trivia(bot))
