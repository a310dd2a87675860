"""/mydata through the real client stack: a private report, and a confirm view bound to its message."""

from __future__ import annotations

import pytest

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import FakeDiscord

pytestmark = pytest.mark.skipif("bot.mydata.cog" not in EXTENSIONS,
                                reason="the mydata cog is not in bot.runtime.EXTENSIONS yet")


async def test_show_is_private_and_within_limits(fake: FakeDiscord) -> None:
    await fake.command("/mydata leaderboard", listed=False)
    reply = await fake.command("/mydata show")
    assert reply.message.ephemeral
    card = reply.message.embeds[0]
    assert card["title"] == "What Golden Hour stores about you"
    assert "Hidden since" in reply.message.text()
    assert reply.problems == []


async def test_delete_asks_first_and_the_confirm_button_erases(fake: FakeDiscord) -> None:
    await fake.command("/mydata leaderboard", listed=False)
    prompt = await fake.command("/mydata delete")
    message = prompt.message
    assert message.ephemeral and "can't be undone" in message.content
    assert [b["label"] for b in message.buttons()] == ["Delete my data", "Cancel"]
    confirmed = await fake.press(message, "Delete my data")
    assert confirmed.callback.body["type"] == 7 and confirmed.message is message
    assert message.content.startswith("Done. Deleted") and message.components == []
    after = await fake.command("/mydata show")
    assert "Hidden since" not in after.message.text()
    for exchange in (prompt, confirmed, after):
        assert exchange.problems == []
