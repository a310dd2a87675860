"""/character and /cast: Discord glue over `bot.characters.CharacterService`.

The menus and buttons are `DynamicItem`s: their state (who asked, private or not, which page) lives
in the custom_id, so they keep working after a restart and no view has to be kept in memory.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.characters import CharacterService, Outcome
from bot.characters.render import (
    EMPTY_QUERY,
    GONE,
    PAST_HORIZON,
    TOO_LONG,
    ambiguity_prompt,
    cast_page,
    choice_name,
    figure_embed,
    not_found_message,
    pick_options,
    related_options,
)
from bot.common import pager
from bot.common.interaction import spoiler_rules
from bot.errors import UserError
from bot.policy import SpoilerRules

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot

CAST_PAGE_SIZE = 15  # lines per /cast page; well inside an embed description
NOT_YOURS = "This menu belongs to the member who ran the command; run it yourself to get your own."


def _cog(interaction: discord.Interaction[Any]) -> Characters:
    cog = interaction.client.get_cog("Characters")  # type: ignore[attr-defined]
    assert isinstance(cog, Characters)
    return cog


async def _report(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Component callbacks bypass the tree's error handler: answer through the same function."""
    from bot.runtime import answer_error

    await answer_error(interaction, error)


class PickFigure(discord.ui.DynamicItem[discord.ui.Select[Any]],
                 template=r"gh:char:pick:(?P<owner>\d+):(?P<private>[01])"):
    """The "which one did you mean?" menu; only the member who asked may pick."""

    def __init__(self, owner: int, private: bool, options: list[discord.SelectOption]) -> None:
        super().__init__(discord.ui.Select(custom_id=f"gh:char:pick:{owner}:{int(private)}",
                                           placeholder="Pick the one you meant", options=options))
        self.owner, self.private = owner, private

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Select[Any],
                             match: re.Match[str], /) -> PickFigure:
        return cls(int(match["owner"]), match["private"] == "1", item.options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            if interaction.user.id != self.owner:
                raise UserError(NOT_YOURS)
            await _cog(interaction).show_card(interaction, self.item.values[0], private=self.private, replace=True)
        except Exception as error:
            await _report(interaction, error)


class RelatedFigure(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"gh:char:related"):
    """"Look up next" on a card: anyone may use it; the answer is private, under their own progress."""

    def __init__(self, options: list[discord.SelectOption]) -> None:
        super().__init__(discord.ui.Select(custom_id="gh:char:related", placeholder="Look up someone related",
                                           options=options))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Select[Any],
                             match: re.Match[str], /) -> RelatedFigure:
        return cls(item.options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await _cog(interaction).show_card(interaction, self.item.values[0], private=True, replace=False)
        except Exception as error:
            await _report(interaction, error)


class Characters(commands.Cog):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot
        self.service = CharacterService(bot.store)
        self.cast_page_size = CAST_PAGE_SIZE

    async def cog_load(self) -> None:
        # Built beside the login rather than before it: 5,000 figures take most of a second, and the
        # first lookups wait for the same build.
        self._warming = asyncio.create_task(self.service.refresh(), name="goldenhour-character-index")
        self.bot.add_dynamic_items(PickFigure, RelatedFigure)
        pager.register(self.bot, "cast", self.cast_page)

    async def cog_unload(self) -> None:
        self._warming.cancel()
        self.bot.remove_dynamic_items(PickFigure, RelatedFigure)
        pager.unregister(self.bot, "cast")

    @app_commands.command(name="character", description="Look up a character or a real person from the show")
    @app_commands.describe(
        name="A name, nickname, title (“Dr. Baek”) or actor; pick from the list or type your own",
        private="Only you see the reply, with spoilers shown up to your own progress",
    )
    async def character(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100],
                        private: bool = False) -> None:
        rules = await spoiler_rules(interaction, private=private)
        result = await self.service.resolve(name, rules.allows)
        if result.outcome is Outcome.EMPTY:
            raise UserError(EMPTY_QUERY)
        if result.outcome is Outcome.TOO_LONG:
            raise UserError(TOO_LONG)
        if result.outcome is Outcome.NOT_FOUND:
            raise UserError(not_found_message(name, result.figures))
        if result.outcome is Outcome.AMBIGUOUS:
            view = discord.ui.View(timeout=None)
            view.add_item(PickFigure(interaction.user.id, private, pick_options(result.figures)))
            await interaction.response.send_message(ambiguity_prompt(name), view=view, ephemeral=private)
            return
        await self.show_card(interaction, result.figure.id, private=private, replace=False, rules=rules)

    @character.autocomplete("name")
    async def character_name_autocomplete(self, interaction: discord.Interaction,
                                          current: str) -> list[app_commands.Choice[str]]:
        # The same rules the reply will use: the member's progress once they have set private:True.
        private = bool(getattr(interaction.namespace, "private", False))
        rules = await spoiler_rules(interaction, private=private)
        await self.service.refresh_if_due()
        return [app_commands.Choice(name=choice_name(s), value=s.figure.id)
                for s in self.service.complete(current, rules.allows)]

    @app_commands.command(name="cast", description="Who plays whom: the actors the documents name")
    async def cast(self, interaction: discord.Interaction) -> None:
        page, number, pages = await self.cast_page(interaction, "", 1)
        view = pager.page_view("cast", interaction.user.id, "", number, pages)
        await interaction.response.send_message(embed=page, view=view or discord.utils.MISSING)

    # -- shared by the command and the components ---------------------------------------------------------

    async def show_card(self, interaction: discord.Interaction[Any], figure_id: str, *, private: bool,
                        replace: bool, rules: SpoilerRules | None = None) -> None:
        """Send (or, from the "which one?" menu, turn that message into) the card for `figure_id`,
        under `rules` when the caller has just worked them out for this interaction."""
        rules = rules or await spoiler_rules(interaction, private=private)
        card = await self.service.card(figure_id)
        if card is None:
            raise UserError(GONE)
        if not rules.allows(card.figure.episode):
            # The card's title is the figure's name, and a title can't be spoiler-tagged: a figure whose
            # very existence is a later reveal (a menu picked under other rules, a stale one) stays unseen.
            raise UserError(PAST_HORIZON)
        options = related_options(card, rules)
        view = discord.ui.View(timeout=None)
        if options:
            view.add_item(RelatedFigure(options))
        if replace:
            await interaction.response.edit_message(content=None, embed=figure_embed(card, rules), view=view)
        else:
            await interaction.response.send_message(embed=figure_embed(card, rules), view=view, ephemeral=private)

    async def cast_page(self, interaction: discord.Interaction[Any], key: str,
                        page: int) -> tuple[discord.Embed, int, int]:
        """Page `page` of /cast under the channel's rules (the list is public): the pager's page source."""
        rules = await spoiler_rules(interaction)
        listing = await self.service.cast_listing(rules)
        rendered = cast_page(listing.cast, listing.uncast, listing.source_titles, page, self.cast_page_size, rules)
        return rendered.embed, rendered.page, rendered.pages


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(Characters(bot))
