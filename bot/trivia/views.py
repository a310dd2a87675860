"""Discord glue for a trivia game: the answer buttons, and the display that posts and edits questions.

Answer buttons are `DynamicItem`s whose custom_id carries game id, question index and option position
(never whether it is right). discord.py routes any click whose custom_id matches the template to us,
including clicks on messages from before a restart: those get "this game has ended" instead of
"This interaction failed".
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.trivia.engine import TriviaEngine
from bot.trivia.game import AnswerOutcome, AnswerStatus, Game, QuestionGone, Round
from bot.trivia.render import answer_reply, closed_embed, option_label, question_embed, summary_embed

log = logging.getLogger(__name__)

TRIVIA_COG = "Trivia"


def engine_of(client: discord.Client) -> TriviaEngine | None:
    cog = client.get_cog(TRIVIA_COG) if hasattr(client, "get_cog") else None
    return getattr(cog, "engine", None)


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=re.compile(r"gh:trivia:(?P<game>[0-9]{1,19}):(?P<index>[0-9]{1,2}):(?P<option>[0-3])")):
    """One of a question's four answers."""

    def __init__(self, game_id: int, index: int, option: int, label: str = "?", *,
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, disabled=disabled,
                                           custom_id=f"gh:trivia:{game_id}:{index}:{option}"))
        self.game_id, self.index, self.option = game_id, index, option

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerButton:
        label = getattr(item, "label", None) or "?"
        return cls(int(match["game"]), int(match["index"]), int(match["option"]), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        engine = engine_of(interaction.client)
        if engine is None or interaction.guild_id is None:
            outcome = AnswerOutcome(AnswerStatus.ENDED)
        else:
            game = engine.game(self.game_id)
            if game is not None and game.guild_id != interaction.guild_id:
                outcome = AnswerOutcome(AnswerStatus.ENDED)
            else:
                # Synchronous: recorded before the reply below is even started.
                outcome = engine.answer(self.game_id, self.index, self.option, interaction.user.id)
        try:
            await interaction.response.send_message(answer_reply(outcome), ephemeral=True)
        except discord.HTTPException:
            # The answer counts even if Discord lost our acknowledgement.
            log.warning("Could not acknowledge a trivia answer", exc_info=True)


def question_view(game: Game, round_: Round, *, closed: bool = False) -> discord.ui.View:
    """Four buttons; once closed, all disabled and the right one green."""
    view = discord.ui.View(timeout=None)
    for option, text in enumerate(round_.options):
        style = discord.ButtonStyle.primary
        if closed:
            style = discord.ButtonStyle.success if option == round_.correct else discord.ButtonStyle.secondary
        view.add_item(AnswerButton(game.id, round_.index, option, option_label(option, text), style=style,
                                   disabled=closed))
    return view


class ChannelDisplay:
    """Shows a game in a channel (or thread): one message per question, edited when it closes."""

    def __init__(self, channel: discord.abc.Messageable) -> None:
        self.channel = channel

    async def show_question(self, game: Game, round_: Round) -> None:
        round_.handle = await self.channel.send(embed=question_embed(game, round_), view=question_view(game, round_))

    async def close_question(self, game: Game, round_: Round) -> None:
        message: discord.Message | None = round_.handle
        if message is None:
            raise QuestionGone
        try:
            await message.edit(embed=closed_embed(game, round_), view=question_view(game, round_, closed=True))
        except discord.NotFound as exc:
            raise QuestionGone from exc

    async def finish(self, game: Game) -> None:
        try:
            await self.channel.send(embed=summary_embed(game))
        except discord.HTTPException:
            log.warning("Could not post the final scores of trivia game %s", game.id, exc_info=True)
