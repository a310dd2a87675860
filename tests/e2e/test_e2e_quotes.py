"""/quote through the real client stack, including the review pager's buttons and its timeout."""

from __future__ import annotations

import pytest

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord
from bot.simulator.session import SimulatedServer

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
    assert reply.problems() == []


async def test_random_quote_about_a_character(fake: FakeDiscord) -> None:
    suggestions = await fake.autocomplete("/quote random", "about", "ba")
    assert {"name": "Baek Kang-hyuk", "value": "Baek Kang-hyuk"} in suggestions.choices
    assert suggestions.problems() == []
    reply = await fake.command("/quote random", about="Baek Kang-hyuk")
    quote = reply.message.embeds[0]
    assert quote["title"] == "A quote about Baek Kang-hyuk" and quote["description"].startswith("> ")
    assert reply.problems() == []


async def test_review_autocomplete_lists_reviews_within_limits(fake: FakeDiscord) -> None:
    reply = await fake.autocomplete("/quote review", "review", "")
    assert 1 <= len(reply.choices) <= 25
    assert reply.choices[0]["value"] == "1"
    assert reply.problems() == []


async def test_review_pager_buttons_are_bound_to_the_reply_message(fake: FakeDiscord) -> None:
    """The pager is a plain (non-persistent) View: discord.py finds it by the message id the fake
    returned from the ?with_response callback, and the click arrives over the gateway."""
    reply = await fake.command("/quote review", review="1")
    message = reply.message
    assert reply.callback.body["type"] == 4
    labels = [b["label"] for b in message.buttons()]
    assert labels == ["Previous", "1 / 4", "Next"]
    assert message.embeds[0]["footer"]["text"].startswith("Page 1 of 4")

    stranger = await fake.press(message, "Next", user="moderator")
    assert stranger.message.ephemeral and "Only the member who opened this review" in stranger.message.content
    assert message.embeds[0]["footer"]["text"].startswith("Page 1 of 4")

    turned = await fake.press(message, "Next")
    assert turned.callback.body["type"] == 7 and turned.message is message
    assert message.embeds[0]["footer"]["text"].startswith("Page 2 of 4")
    assert [b["label"] for b in message.buttons()][1] == "2 / 4"
    assert not message.buttons()[0].get("disabled")  # Previous is live now
    for exchange in (reply, stranger, turned):
        assert exchange.problems() == []


async def test_review_pager_disables_its_buttons_when_it_times_out(e2e: SimulatedServer) -> None:
    e2e.bot.get_cog("Quotes").page_timeout = 0.2  # type: ignore[union-attr]
    fake = e2e.discord
    message = (await fake.command("/quote review", review="1")).message
    edit = await fake.wait_for(lambda r: r.method == "PATCH" and r.path.endswith(f"/messages/{message.id}"))
    assert edit.path == f"/channels/{message.channel_id}/messages/{message.id}"
    assert all(b.get("disabled") for b in message.buttons())
    assert edit.problems() == []
