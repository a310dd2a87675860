"""/recap and /episodes through the real client stack: spoiler-tagged answers as Discord receives them."""

from __future__ import annotations

import re

import pytest

from bot.recaps.render import NOT_COVERED
from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord

pytestmark = pytest.mark.skipif("bot.recaps.cog" not in EXTENSIONS,
                                reason="the recaps cog is not in bot.runtime.EXTENSIONS yet")


def _outside_spoiler_tags(text: str) -> str:
    return re.sub(r"\|\|.*?\|\|", "", text, flags=re.S)


async def test_recap_names_the_episode_and_masks_every_line(fake: FakeDiscord) -> None:
    reply = await fake.command("/recap", episode=3)
    assert reply.callback.body["type"] == 4
    message = reply.message
    assert not message.ephemeral
    recap = message.embeds[0]
    assert recap["title"] == "Episode 3"
    assert "keep running" in recap["description"].lower()
    assert "keep running" not in _outside_spoiler_tags(recap["description"]).lower()
    assert recap["footer"]["text"].startswith("Sources: ")
    assert reply.problems == []


async def test_episode_the_sources_skip_is_said_plainly(fake: FakeDiscord) -> None:
    reply = await fake.command("/recap", episode=2)
    assert NOT_COVERED in reply.message.text()
    assert reply.problems == []


async def test_episode_past_the_pack_is_an_ephemeral_error(fake: FakeDiscord) -> None:
    # the registered option has min_value 1 and no max (the count comes from the pack), so a member's
    # client can send 9; the bot must refuse it itself
    assert "max_value" not in next(o for o in fake.command_by_name("recap")["options"] if o["name"] == "episode")
    reply = await fake.command("/recap", episode=9)
    assert reply.message.ephemeral
    assert reply.message.content == "There is no episode 9: choose a number from 1 to 8."


async def test_private_recap_is_ephemeral(fake: FakeDiscord) -> None:
    reply = await fake.command("/recap", episode=1, private=True)
    assert reply.message.ephemeral and reply.message.embeds[0]["title"] == "Episode 1"
    assert reply.problems == []


async def test_episode_autocomplete_and_the_episode_list(fake: FakeDiscord) -> None:
    choices = await fake.autocomplete("/recap", "episode", "")
    assert [c["value"] for c in choices.choices] == list(range(1, 9))
    assert choices.problems == []
    listing = await fake.command("/episodes")
    description = listing.message.embeds[0]["description"]
    assert all(f"**{n}.**" in description for n in range(1, 9))
    assert "Black Wings" in description and "Black Wings" not in _outside_spoiler_tags(description)
    assert listing.problems == []
