"""The whole client stack, end to end: login, gateway handshake, and /about answered over HTTP."""

from __future__ import annotations

from bot.runtime import EXTENSIONS
from bot.simulator.fake_discord import APPLICATION_ID, GUILD_ID, TOKEN, FakeDiscord
from bot.simulator.session import SimulatedServer


async def test_bot_logs_in_identifies_and_registers_commands(e2e: SimulatedServer) -> None:
    fake = e2e.discord
    first = fake.requests[:2]
    assert [(r.method, r.path) for r in first] == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    assert all(r.authorization == f"Bot {TOKEN}" for r in first)
    # discord.py asked for the zlib stream and the fake answered in it; discord.py inflated it
    assert fake.gateway_query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert fake.identify is not None and fake.identify["token"] == TOKEN
    assert fake.identify["intents"] == e2e.bot.intents.value
    assert fake.heartbeats >= 1  # discord.py heartbeats as soon as HELLO arrives
    assert e2e.bot.is_ready() and e2e.bot.user is not None and e2e.bot.user.id == APPLICATION_ID
    guild = e2e.bot.get_guild(GUILD_ID)
    assert guild is not None and {c.name for c in guild.text_channels} == {"general", "spoilers"}
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert [r.path for r in puts] == [f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"]
    assert fake.command_by_name("about")
    assert set(EXTENSIONS) <= set(e2e.bot.extensions)


async def test_about_answers_over_http_within_limits(fake: FakeDiscord, e2e: SimulatedServer) -> None:
    reply = await fake.command("/about")
    callback = reply.callback
    assert callback.query.get("with_response") is not None  # discord.py wants the created message back
    assert callback.body["type"] == 4
    assert callback.body["data"]["allowed_mentions"] == {"parse": []}
    message = reply.message
    assert message.ephemeral
    text = message.text()
    assert "The Trauma Code: Heroes on Call" in text
    for source in await e2e.bot.store.sources():
        assert str(source["title"]) in text
    assert e2e.bot.version in text
    assert reply.problems == []
    assert reply.answered_in is not None
    assert reply.answered_in < 3.0  # Discord drops an interaction not answered within 3 s
