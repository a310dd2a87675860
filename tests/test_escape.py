"""Escaping member-written and quoted text: the shortcut for text with nothing to escape must give
exactly what discord.py's own escapes give, for any text (hypothesis looks for the exceptions)."""

from __future__ import annotations

import discord
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.common.embeds import escape

# Pieces each escape reacts to, and the whitespace and line breaks that decide what a "line start" is.
MARKUP = st.lists(
    st.sampled_from([*"_\\~|*`@[]()>#-!&:/ \n\t\r\u00a0\u2028\x1cab1", "https://x.io/a_b", "@everyone",
                     "@here", "@&12345678901234567", "**", ">>> ", "# "]),
    max_size=30,
).map("".join)


def discord_escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


@settings(max_examples=600)
@given(st.one_of(MARKUP, st.text(max_size=80)))
@example("fast-paced, and isn’t it “good”")
@example("  - a list item")
@example("line one\n> a quote")
@example("see [this](https://example.com)")
@example("@everyone look")
@example("\n#heading")
def test_escape_gives_what_discord_escapes_give(text: str) -> None:
    assert escape(text) == discord_escape(text)


def test_prose_with_nothing_to_escape_comes_back_as_is() -> None:
    text = "A fast-paced drama, isn’t it? 10/10 — “Golden hour!”"
    assert escape(text) is text
    assert escape("a *bold* claim") == r"a \*bold\* claim"
