"""/character and /cast through the real client stack: gateway in, HTTP payloads out."""

from __future__ import annotations

import re

import pytest

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord
from bot.simulator.session import SimulatedServer

pytestmark = pytest.mark.skipif("bot.characters.cog" not in EXTENSIONS,
                                reason="the characters cog is not in bot.runtime.EXTENSIONS yet")


def _unmasked(text: str, word: str) -> bool:
    """Whether `word` appears outside Discord spoiler tags."""
    return word in re.sub(r"\|\|.*?\|\|", "", text, flags=re.S)


async def test_character_card_is_public_masked_and_cited(fake: FakeDiscord) -> None:
    reply = await fake.command("/character", name="Dr. Baek")
    assert reply.callback.body["type"] == 4
    message = reply.message
    assert not message.ephemeral
    card = message.embeds[0]
    assert card["title"] == "Baek Kang-hyuk"
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["Played by"] == "Ju Ji-hoon"
    # an episode-7 alias, in a public reply under the default rules (mask after episode 0)
    assert "||Malak||" in fields["Known as"] and not _unmasked(message.text(), "Malak")
    assert card["footer"]["text"].startswith("Sources: ")
    assert reply.problems == []


async def test_autocomplete_offers_at_most_25_valid_choices(fake: FakeDiscord) -> None:
    reply = await fake.autocomplete("/character", "name", "kang")
    assert reply.callback.body["type"] == 8
    values = [c["value"] for c in reply.choices]
    assert "baek-kang-hyuk" in values and "kang-myung-hui" in values
    assert reply.problems == []
    everyone = await fake.autocomplete("/character", "name", "")
    assert 0 < len(everyone.choices) <= 25 and everyone.problems == []


async def test_ambiguous_name_offers_a_menu_and_the_pick_becomes_the_card(fake: FakeDiscord) -> None:
    reply = await fake.command("/character", name="Choi")
    prompt = reply.message
    assert "Which one did you mean?" in prompt.content
    options = [o["value"] for o in prompt.selects()[0]["options"]]
    assert options == ["choi-jo-eun", "choi-tae-kang"]
    stranger = await fake.choose(prompt, ["choi-jo-eun"], user="moderator")
    assert stranger.message.ephemeral and "belongs to the member" in stranger.message.content
    assert prompt.embeds == []  # someone else's pick changed nothing
    picked = await fake.choose(prompt, ["choi-jo-eun"])
    assert picked.callback.body["type"] == 7  # the prompt itself turns into the card
    assert picked.message is prompt and prompt.embeds[0]["title"] == "Choi Jo-eun"
    assert reply.problems == [] and stranger.problems == [] and picked.problems == []


async def test_related_menu_answers_privately(fake: FakeDiscord) -> None:
    card = (await fake.command("/character", name="baek-kang-hyuk")).message
    related = await fake.choose(card, ["yang-jae-won"], user="moderator")
    assert related.message.ephemeral and related.message.embeds[0]["title"] == "Yang Jae-won"
    assert card.embeds[0]["title"] == "Baek Kang-hyuk"  # the public card is untouched
    assert related.problems == []


async def test_unknown_name_and_markdown_are_answered_ephemerally_and_escaped(fake: FakeDiscord) -> None:
    reply = await fake.command("/character", name="**@everyone** nobody")
    message = reply.message
    assert message.ephemeral and "No character or person matches" in message.content
    assert "**@everyone**" not in message.content and "@\u200beveryone" in message.content
    assert reply.callback.body["data"]["allowed_mentions"] == {"parse": []}


async def test_cast_pages_with_buttons_that_edit_the_message(e2e: SimulatedServer) -> None:
    e2e.bot.get_cog("Characters").cast_page_size = 3  # type: ignore[union-attr]
    fake = e2e.discord
    reply = await fake.command("/cast")
    message = reply.message
    assert message.embeds[0]["title"] == "Cast" and "Page 1/3" in message.embeds[0]["footer"]["text"]
    assert "Ju Ji-hoon" in message.text()
    stranger = await fake.press(message, "Next ▶", user="moderator")
    assert stranger.message.ephemeral and "Page 1/3" in message.embeds[0]["footer"]["text"]
    turned = await fake.press(message, "Next ▶")
    assert turned.callback.body["type"] == 7 and turned.message is message
    assert "Page 2/3" in message.embeds[0]["footer"]["text"] and "Ju Ji-hoon" not in message.text()
    back = await fake.press(message, "◀ Previous")
    assert "Page 1/3" in message.embeds[0]["footer"]["text"]
    for exchange in (reply, stranger, turned, back):
        assert exchange.problems == []
