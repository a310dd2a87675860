"""/quote through the real client stack, including the review pager's buttons."""

from __future__ import annotations

import pytest

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord

pytestmark = pytest.mark.skipif("bot.quotes.cog" not in EXTENSIONS,
                                reason="the quotes cog is not in bot.runtime.EXTENSIONS yet")


async def test_search_highlights_matches_and_cites_sources(fake: FakeDiscord) -> None:
    reply = await fake.command("/quote search", text="helicopter")
    message = reply.message
    assert not message.ephemeral
    found = message.embeds[0]
    assert "helicopter" in found["title"]
    assert "**helicopter" in found["description"]
    assert "Sources: " in found["footer"]["text"]
    assert reply.problems == []


async def test_random_quote_about_a_character(fake: FakeDiscord) -> None:
    suggestions = await fake.autocomplete("/quote random", "about", "ba")
    assert {"name": "Baek Kang-hyuk", "value": "Baek Kang-hyuk"} in suggestions.choices
    assert suggestions.problems == []
    reply = await fake.command("/quote random", about="Baek Kang-hyuk")
    quote = reply.message.embeds[0]
    assert quote["title"] == "A quote about Baek Kang-hyuk" and quote["description"].startswith("> ")
    assert reply.problems == []


async def test_review_autocomplete_lists_reviews_within_limits(fake: FakeDiscord) -> None:
    reply = await fake.autocomplete("/quote review", "review", "")
    assert 1 <= len(reply.choices) <= 25
    assert reply.choices[0]["value"] == "1"
    assert reply.problems == []


async def test_review_pager_buttons_carry_their_page_and_answer_over_the_gateway(fake: FakeDiscord) -> None:
    """The pager's buttons are dynamic items: each custom_id says which review and page it leads to,
    so discord.py routes a click to them whatever message it is on, even after a restart."""
    reply = await fake.command("/quote review", review="1")
    message = reply.message
    assert reply.callback.body["type"] == 4
    assert [b["label"] for b in message.buttons()] == ["◀ Previous", "Next ▶"]
    assert all(b["custom_id"].startswith("gh:page:review:") for b in message.buttons())
    assert message.embeds[0]["footer"]["text"].startswith("Page 1 of 4")

    stranger = await fake.press(message, "Next ▶", user="moderator")
    assert stranger.message.ephemeral and "Only the member who asked" in stranger.message.content
    assert message.embeds[0]["footer"]["text"].startswith("Page 1 of 4")

    turned = await fake.press(message, "Next ▶")
    assert turned.callback.body["type"] == 7 and turned.message is message
    assert message.embeds[0]["footer"]["text"].startswith("Page 2 of 4")
    assert not message.buttons()[0].get("disabled")  # Previous is live now
    for exchange in (reply, stranger, turned):
        assert exchange.problems == []
