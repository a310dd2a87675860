"""/spoilers, /progress, *Mark as spoiler* and the spoiler guard through the real client stack.

The rules a moderator sets over the gateway must change what the other cogs send Discord.
"""

from __future__ import annotations

import re

import pytest
from aiohttp import web

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord, Recorded, error
from bot.simulator.session import SimulatedServer
from tests.simulated import message_command

pytestmark = pytest.mark.skipif(not {"bot.spoilers.cog", "bot.recaps.cog"} <= set(EXTENSIONS),
                                reason="the spoilers and recaps cogs are not both in bot.runtime.EXTENSIONS yet")

MANAGE_GUILD = 1 << 5
MESSAGE_CONTENT, GUILD_MESSAGES = 1 << 15, 1 << 9


def _outside_spoiler_tags(text: str) -> str:
    return re.sub(r"\|\|.*?\|\|", "", text, flags=re.S)


async def test_moderator_commands_are_registered_for_moderators_only(fake: FakeDiscord) -> None:
    spoilers = fake.command_by_name("spoilers")
    assert int(spoilers["default_member_permissions"]) == MANAGE_GUILD
    menu = next(c for cs in fake.registered.values() for c in cs if c["name"] == "Mark as spoiler")
    assert menu["type"] == 3 and int(menu["default_member_permissions"]) == MANAGE_GUILD
    assert fake.command_by_name("progress").get("default_member_permissions") is None


async def test_member_cannot_change_rules_even_if_the_command_reaches_the_bot(fake: FakeDiscord) -> None:
    """Server admins can hand any command to anyone; the run-time check is the real guard."""
    refused = await fake.command("/spoilers mode", mode="off", user="member")
    assert refused.message.ephemeral and "✅" not in refused.message.content
    recap = await fake.command("/recap", episode=7)
    assert "Black Wings" not in _outside_spoiler_tags(recap.message.text())  # still masked


async def test_moderators_rules_change_what_public_replies_show(fake: FakeDiscord) -> None:
    masked = await fake.command("/recap", episode=7)
    assert "Black Wings" not in _outside_spoiler_tags(masked.message.text())

    changed = await fake.command("/spoilers horizon", episode=7, user="moderator")
    assert changed.message.ephemeral and changed.message.content.startswith("✅")
    shown = await fake.command("/recap", episode=7)
    assert "Black Wings" in _outside_spoiler_tags(shown.message.text())
    listing = (await fake.command("/episodes")).message.embeds[0]["description"]
    assert "Black Wings" in _outside_spoiler_tags(listing)
    assert "finale" not in _outside_spoiler_tags(listing)  # episode 8 is past the horizon

    off_here = await fake.command("/spoilers channel", mode="off", user="moderator", channel="spoilers")
    assert off_here.message.content.startswith("✅")
    assert "finale" in _outside_spoiler_tags((await fake.command("/episodes", channel="spoilers")).message.text())
    assert "finale" not in _outside_spoiler_tags((await fake.command("/episodes")).message.text())

    audit = await fake.command("/spoilers audit", user="moderator")
    assert audit.message.ephemeral and "moderator" in audit.message.text()
    for exchange in (masked, changed, shown, off_here, audit):
        assert exchange.problems == []


async def test_progress_governs_private_replies_only(fake: FakeDiscord) -> None:
    saved = await fake.command("/progress set", episode=8)
    assert saved.message.ephemeral and saved.message.content.startswith("Saved.")
    private = await fake.command("/recap", episode=7, private=True)
    assert private.message.ephemeral and "Black Wings" in _outside_spoiler_tags(private.message.text())
    public = await fake.command("/recap", episode=7)
    assert "Black Wings" not in _outside_spoiler_tags(public.message.text())


async def test_mark_as_spoiler_reposts_masked_and_removes_the_original(fake: FakeDiscord) -> None:
    original = await fake.post("Baek turns out to be Malak of Black Wings!")
    refused = await message_command(fake, "Mark as spoiler", original, user="member")
    assert refused.message.ephemeral and not original.deleted

    marked = await message_command(fake, "Mark as spoiler", original, user="moderator")
    assert marked.callback.body["type"] == 5  # deferred, ephemeral "thinking"
    copies = [r for r in marked.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(copies) == 1 and copies[0].message is not None
    copy = copies[0].message.content
    assert "member" in copy and "||" in copy and "Malak" not in _outside_spoiler_tags(copy)
    assert original.deleted
    followup = [r for r in marked.requests if r.path.startswith("/webhooks/") and r.method == "POST"]
    assert followup and followup[0].body["content"].startswith("Done")
    for exchange in (original.exchange, refused, marked):
        assert exchange is not None and exchange.problems == []


@pytest.mark.e2e_settings(spoiler_guard=True)
async def test_guard_reposts_a_clear_spoiler_and_ignores_a_tagged_one(e2e: SimulatedServer) -> None:
    fake = e2e.discord
    assert fake.identify is not None
    assert int(fake.identify["intents"]) & (MESSAGE_CONTENT | GUILD_MESSAGES) == MESSAGE_CONTENT | GUILD_MESSAGES
    turned_on = await fake.command("/spoilers guard", state="on", action="repost", user="moderator")
    assert turned_on.message.content.startswith("✅")

    tagged = await fake.post("No spoilers from me: ||Malak||")
    assert tagged.exchange is not None and tagged.exchange.requests == []

    original = await fake.post("So Baek was Malak all along")
    spoiled = original.exchange
    assert spoiled is not None
    posts = [r for r in spoiled.requests if r.method == "POST"]
    deletes = [r for r in spoiled.requests if r.method == "DELETE"]
    assert len(posts) == 1 and "Malak" not in _outside_spoiler_tags(posts[0].body["content"])
    assert posts[0].body["allowed_mentions"]["parse"] == []
    assert [r.path for r in deletes] == [f"/channels/{original.channel_id}/messages/{original.id}"]
    assert original.deleted
    assert spoiled.problems == []


async def test_guard_needs_the_operator_opt_in(fake: FakeDiscord) -> None:
    reply = await fake.command("/spoilers guard", state="on", user="moderator")
    assert reply.message.ephemeral and "GOLDENHOUR_SPOILER_GUARD" in reply.message.content


async def test_mark_as_spoiler_takes_the_copy_back_when_discord_refuses_the_delete(fake: FakeDiscord) -> None:
    """Nothing a member wrote is lost: a 403 on deleting the original (as Discord answers when the
    bot's role lost Manage Messages) leaves the original and removes the masked copy again."""
    original = await fake.post("Baek turns out to be Malak of Black Wings!")
    own_path = f"/channels/{original.channel_id}/messages/{original.id}"

    def refuse_delete(request: Recorded) -> web.Response | None:
        if (request.method, request.path) == ("DELETE", own_path):
            return error(403, 50013, "Missing Permissions")
        return None

    fake.fail = refuse_delete
    marked = await message_command(fake, "Mark as spoiler", original, user="moderator")
    copy = next(r for r in marked.requests if r.method == "POST" and r.path.endswith("/messages")).message
    assert copy is not None and copy.deleted and not original.deleted
    followup = next(r for r in marked.requests if r.path.startswith("/webhooks/") and r.method == "POST")
    assert followup.body["content"].startswith("I couldn't repost it")
