"""One pager for every paginated reply: ◀ / ▶ buttons whose custom_id carries everything needed to show
the page they lead to (which list, whose, its key, the page), so they keep working after a restart.

A feature registers a page source for its kind of list (`register`); a click asks it for the page and
edits the message. Only the member who asked turns the pages.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

PageSource = Callable[[discord.Interaction[Any], str, int], Awaitable[tuple[discord.Embed, int, int]]]
"""(interaction, key, page wanted) → (the page's embed, the page it is, how many there are)."""

NOT_YOURS = "Only the member who asked can turn these pages; run the command yourself to read along."
GONE = "This list can no longer be paged; run the command again."


def _sources(client: Any) -> dict[str, PageSource]:
    sources: dict[str, PageSource] = getattr(client, "page_sources", {})
    return sources


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=re.compile(r"gh:page:(?P<kind>[a-z]{1,12}):(?P<owner>[0-9]{1,20}):(?P<key>[0-9a-z-]{0,40})"
                                     r":(?P<page>[0-9]{1,6}):(?P<role>[pn])")):
    """◀ or ▶: `page` is the page the button leads to."""

    def __init__(self, kind: str, owner: int, key: str, page: int, role: str, *, disabled: bool = False) -> None:
        label = "◀ Previous" if role == "p" else "Next ▶"
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"gh:page:{kind}:{owner}:{key}:{page}:{role}"))
        self.kind, self.owner, self.key, self.page = kind, owner, key, page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any],
                             match: re.Match[str], /) -> PageButton:
        return cls(match["kind"], int(match["owner"]), match["key"], int(match["page"]), match["role"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        source = _sources(interaction.client).get(self.kind)
        if interaction.user.id != self.owner or source is None:
            await interaction.response.send_message(NOT_YOURS if source else GONE, ephemeral=True)
            return
        embed, page, pages = await source(interaction, self.key, self.page)
        await interaction.response.edit_message(embed=embed, view=page_view(self.kind, self.owner, self.key,
                                                                            page, pages))


def page_view(kind: str, owner: int, key: str, page: int, pages: int) -> discord.ui.View | None:
    """The buttons for page `page` of `pages` (None when everything fits on one)."""
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(kind, owner, key, max(page - 1, 1), "p", disabled=page <= 1))
    view.add_item(PageButton(kind, owner, key, min(page + 1, pages), "n", disabled=page >= pages))
    return view


def register(bot: Any, kind: str, source: PageSource) -> None:
    """Let `kind`'s pages be turned (from a cog's `cog_load`)."""
    bot.page_sources[kind] = source
    bot.add_dynamic_items(PageButton)


def unregister(bot: Any, kind: str) -> None:
    bot.page_sources.pop(kind, None)
    if not bot.page_sources:
        bot.remove_dynamic_items(PageButton)
