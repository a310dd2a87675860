"""/quote: random quotes, full-text search and whole reviews from the fan reviews and articles.

Discord glue only: the QuoteService finds, bot.quotes.render shows. Replies are public, so they follow
the channel's spoiler rules; autocomplete (seen only by the member) follows the member's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.common import pager
from bot.common.embeds import Limits, truncate
from bot.common.interaction import spoiler_rules
from bot.errors import UserError
from bot.quotes import MAX_QUERY_CHARS, QuoteService
from bot.quotes.render import (
    no_match_message,
    no_random_message,
    no_review_message,
    random_embed,
    review_choice_name,
    review_embed,
    review_pages,
    search_embed,
)

if TYPE_CHECKING:
    from bot.runtime import GoldenHourBot


class Quotes(commands.GroupCog, group_name="quote",
             group_description="Verbatim quotes from the fan reviews and articles, spoiler-safe"):
    def __init__(self, bot: GoldenHourBot) -> None:
        self.bot = bot
        self.service = QuoteService(bot.store)

    async def cog_load(self) -> None:
        pager.register(self.bot, "review", self.review_page)

    async def cog_unload(self) -> None:
        pager.unregister(self.bot, "review")

    @app_commands.command(name="random", description="A random quote, optionally about a character or topic")
    @app_commands.describe(about="A character (pick one) or any word, like “helicopter”")
    async def random(self, interaction: discord.Interaction,
                     about: app_commands.Range[str, 1, 100] | None = None) -> None:
        rules = await spoiler_rules(interaction)
        result = await self.service.random(rules, channel_id=interaction.channel_id, about=about)
        if result.quote is None:
            raise UserError(no_random_message(about, result.withheld))
        await interaction.response.send_message(embed=random_embed(result.quote, rules, result.about,
                                                                         result.about_episode))

    @random.autocomplete("about")
    async def about_autocomplete(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        rules = await spoiler_rules(interaction, private=True)
        names = await self.service.about_suggestions(current, rules)
        return [app_commands.Choice(name=truncate(name, Limits.CHOICE_NAME), value=name[:100])
                for name in names[: Limits.CHOICES]]

    @app_commands.command(name="search", description="Search every quotable sentence of the reviews and articles")
    @app_commands.describe(text="Words to find; the start of a word is enough (“heli” finds “helicopter”)")
    async def search(self, interaction: discord.Interaction,
                     text: app_commands.Range[str, 1, MAX_QUERY_CHARS]) -> None:
        result = await self.service.search(text)
        if not result.quotes:
            raise UserError(no_match_message(text))
        rules = await spoiler_rules(interaction)
        await interaction.response.send_message(embed=search_embed(result, text, rules))

    @app_commands.command(name="review", description="Read one whole fan review")
    @app_commands.describe(review="The review's number or headline")
    async def review(self, interaction: discord.Interaction, review: app_commands.Range[str, 1, 200]) -> None:
        found = await self.service.review(review)
        if found is None:
            raise UserError(no_review_message(review, await self.service.review_count()))
        key = str(found.summary.number)
        page, number, pages = await self.review_page(interaction, key, 1)
        view = pager.page_view("review", interaction.user.id, key, number, pages)
        await interaction.response.send_message(embed=page, view=view or discord.utils.MISSING)

    async def review_page(self, interaction: discord.Interaction[Any], key: str,
                          page: int) -> tuple[discord.Embed, int, int]:
        """Page `page` of review number `key` under the channel's rules: the pager's page source."""
        found = await self.service.review(key)
        if found is None:  # reseeded with fewer reviews since the buttons were made
            raise UserError(no_review_message(key, await self.service.review_count()))
        rules = await spoiler_rules(interaction)
        pages = review_pages(found, rules)
        index = min(max(page, 1), len(pages)) - 1
        return review_embed(found, pages, index, rules), index + 1, len(pages)

    @review.autocomplete("review")
    async def review_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        rules = await spoiler_rules(interaction, private=True)
        reviews = await self.service.review_choices(current)
        return [app_commands.Choice(name=review_choice_name(r, rules), value=str(r.number))
                for r in reviews[: Limits.CHOICES]]


async def setup(bot: GoldenHourBot) -> None:
    await bot.add_cog(Quotes(bot))
