"""/spoilers, /progress and *Mark as spoiler* through the real command tree."""

from __future__ import annotations

import itertools
from pathlib import Path

import discord
import pytest
from aiohttp import web

from bot.policy.masking import unmask
from bot.seeding import seed
from bot.simulator.fake_discord import BOT_PERMISSIONS, MODERATOR_ROLE_ID, Recorded, error
from bot.simulator.session import SimulatedServer
from bot.store import Store
from bot.store.rules import Actor
from tests.conftest import REAL_PACK, start_sim
from tests.simulated import add_thread, message_command, set_bot_permissions
from tests.test_masking import discord_spans

MOD = Actor(1, "setup")
EPISODE = 7  # covered by the sources, with several recap lines


async def _recap_texts(store: Store) -> list[str]:
    info = await store.episode(EPISODE)
    assert info is not None and info.recap
    return [line.text for line in info.recap]


def _expected(server: tuple[str | None, int | None], channel: tuple[str | None, int | None],
              progress: int | None, private: bool) -> str:
    """The spoiler model of PRODUCT.md, written out independently of the policy code."""
    mode = channel[0] or server[0] or "mask"
    horizon = channel[1] if channel[1] is not None else server[1] if server[1] is not None else 0
    if private and progress is not None:
        mode, horizon = ("mask" if mode == "off" else mode), progress
    if mode == "off" or horizon >= EPISODE:
        return "plain"
    return mode


def _shown_as(description: str, recap: list[str]) -> str:
    visible, spans = discord_spans(description)
    if "Hidden here" in description:
        assert not any(line in description for line in recap)
        return "hide"
    if spans:
        assert not any(line in visible for line in recap), "a masked recap line is readable"
        assert recap[0] in "".join(unmask(f"||{s}||") for s in spans)
        return "mask"
    assert all(line in description for line in recap)
    return "plain"


async def test_every_combination_of_rules_and_progress_renders_right(sim: SimulatedServer) -> None:
    store = sim.bot.store
    recap = await _recap_texts(store)
    guild, channel_id = sim.guild_id, sim.channels["general"].id
    member = sim.users["member"].id
    servers = [(None, None), ("off", None), ("mask", None), ("hide", None), ("mask", 8), ("hide", 6)]
    channels = [(None, None), ("off", None), ("hide", None), (None, 7), ("mask", 3)]
    progresses = [None, 6, 8]
    for server, channel, progress in itertools.product(servers, channels, progresses):
        await store.change_server_settings(guild, {"spoiler_mode": server[0], "horizon": server[1]}, MOD)
        await store.change_channel_rule(guild, channel_id, {"spoiler_mode": channel[0], "horizon": channel[1]}, MOD)
        await store.set_member_progress(member, progress)
        for private in (False, True):
            reply = await sim.command("/recap", episode=EPISODE, private=private)
            message = reply.message
            assert message.ephemeral is private
            description = message.embeds[0]["description"]
            expected = _expected(server, channel, progress, private)
            assert _shown_as(description, recap) == expected, (server, channel, progress, private)


async def test_a_thread_follows_its_parent_channel(sim: SimulatedServer) -> None:
    add_thread(sim, "thread", parent="spoilers")
    await sim.command("/spoilers channel", user="moderator", channel="spoilers", mode="off")
    reply = await sim.command("/recap", episode=EPISODE, channel="thread")
    assert "||" not in reply.message.embeds[0]["description"]
    reply = await sim.command("/spoilers channel", user="moderator", channel="thread", mode="hide")
    assert "<#" + str(sim.channels["spoilers"].id) in reply.message.content  # the parent's rule changed
    shown = await sim.command("/spoilers show", user="moderator", channel="thread")
    assert "Threads follow their parent channel" in shown.message.text()


async def test_show_explains_where_each_rule_comes_from(sim: SimulatedServer) -> None:
    await sim.command("/spoilers horizon", user="moderator", episode=3)
    await sim.command("/spoilers channel", user="moderator", channel="spoilers", mode="off")
    text = (await sim.command("/spoilers show", user="moderator", channel="spoilers")).message.text()
    assert "**off**" in text and "episode 3" in text
    assert "Mode from the channel override; horizon from the server rule." in text
    general = (await sim.command("/spoilers show", user="moderator")).message
    assert general.ephemeral
    assert "Mode from the default; horizon from the server rule." in general.text()
    assert f"<#{sim.channels['spoilers'].id}>: mode off" in general.text()  # other overrides listed


@pytest.mark.parametrize(("command", "options"), [
    ("/spoilers mode", {"mode": "off"}),
    ("/spoilers horizon", {"episode": 8}),
    ("/spoilers channel", {"mode": "off"}),
    ("/spoilers reset", {}),
    ("/spoilers modrole", {"role": MODERATOR_ROLE_ID}),
    ("/spoilers guard", {"state": "off"}),
    ("/spoilers audit", {}),
    ("/spoilers show", {}),
])
async def test_a_member_without_the_right_changes_nothing(sim: SimulatedServer, command: str,
                                                          options: dict[str, object]) -> None:
    store = sim.bot.store
    await store.change_channel_rule(sim.guild_id, sim.channels["general"].id, {"horizon": 2}, MOD)
    before = (await store.guild_settings(sim.guild_id), await store.channel_rules(sim.guild_id),
              await store.audit_count(sim.guild_id))
    reply = await sim.command(command, user="member", **options)
    assert reply.message.ephemeral
    assert "Only moderators" in reply.message.content
    after = (await store.guild_settings(sim.guild_id), await store.channel_rules(sim.guild_id),
             await store.audit_count(sim.guild_id))
    assert after == before


async def test_the_moderator_role_may_change_rules_but_not_name_the_role(sim: SimulatedServer) -> None:
    refused = await sim.command("/spoilers mode", user="helper", mode="hide")
    assert "Only moderators" in refused.message.content
    named = await sim.command("/spoilers modrole", user="moderator", role=MODERATOR_ROLE_ID)
    assert f"<@&{MODERATOR_ROLE_ID}>" in named.message.content
    allowed = await sim.command("/spoilers mode", user="helper", mode="hide")
    assert "mode: default → `hide`" in allowed.message.content
    again = await sim.command("/spoilers modrole", user="helper")
    assert "Manage Server" in again.message.content
    assert await sim.bot.store.moderator_role(sim.guild_id) == MODERATOR_ROLE_ID
    everyone = await sim.command("/spoilers modrole", user="moderator", role=sim.guild_id)
    assert "@everyone" in everyone.message.content


async def test_commands_carry_default_permissions_for_moderators(sim: SimulatedServer) -> None:
    group = sim.bot.tree.get_command("spoilers")
    assert group is not None and group.default_permissions == discord.Permissions(manage_guild=True)
    payload = group.to_dict(sim.bot.tree)
    assert int(payload["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    menu = sim.bot.tree.get_command("Mark as spoiler", type=discord.AppCommandType.message)
    assert menu is not None and menu.default_permissions == discord.Permissions(manage_guild=True)
    assert sim.bot.tree.get_command("progress").default_permissions is None  # members' own


async def test_horizon_out_of_range_is_refused_and_changes_nothing(sim: SimulatedServer) -> None:
    for bad in (9, -1, "three"):  # forced: the client checks the option's type and range itself
        reply = await sim.command("/spoilers horizon", user="moderator", episode=bad, force=True)
        assert reply.message.ephemeral
        assert "0 to 8" in reply.message.content
    assert await sim.bot.store.audit_count(sim.guild_id) == 0


async def test_channel_needs_something_to_set_and_reset_removes_the_override(sim: SimulatedServer) -> None:
    empty = await sim.command("/spoilers channel", user="moderator")
    assert "mode, a horizon, or both" in empty.message.content
    await sim.command("/spoilers channel", user="moderator", mode="off", horizon=4)
    same = await sim.command("/spoilers channel", user="moderator", mode="off")
    assert same.message.content.startswith("Nothing changed")
    reset = await sim.command("/spoilers reset", user="moderator")
    assert "mode: `off` → server's" in reset.message.content
    assert list(await sim.bot.store.channel_rules(sim.guild_id)) == []
    again = await sim.command("/spoilers reset", user="moderator")
    assert again.message.ephemeral and "has no override; it already follows the server" in again.message.content


async def test_audit_log_lists_who_changed_what_newest_first_with_pages(sim: SimulatedServer) -> None:
    empty = await sim.command("/spoilers audit", user="moderator")
    assert "No changes recorded yet" in empty.message.text()
    await sim.command("/spoilers mode", user="moderator", mode="hide")
    for episode in range(1, 9):
        await sim.command("/spoilers horizon", user="moderator", episode=episode)
    await sim.command("/spoilers channel", user="helper", mode="off")  # not a moderator yet: refused
    await sim.command("/spoilers modrole", user="moderator", role=MODERATOR_ROLE_ID)
    await sim.command("/spoilers channel", user="helper", mode="off")
    first = (await sim.command("/spoilers audit", user="moderator")).message
    lines = first.embeds[0]["description"].splitlines()
    assert len(lines) == 10
    assert "**helper**" in lines[0] and f"<#{sim.channels['general'].id}> mode: server's → `off`" in lines[0]
    assert "**moderator**" in lines[1] and "moderator role" in lines[1]
    assert "horizon: `7` → `8`" in lines[2]
    assert lines[0].startswith("<t:")
    assert "page 1 of 2 · 11 changes" in first.embeds[0]["footer"]["text"]
    second = (await sim.command("/spoilers audit", user="moderator", page=2)).message.embeds[0]["description"]
    assert second.splitlines()[-1].endswith("server mode: default → `hide`")
    beyond = await sim.command("/spoilers audit", user="moderator", page=5)
    assert "There is no page 5" in beyond.message.text()


async def test_guard_needs_the_operator_and_warns_about_permissions(sim: SimulatedServer, seeded_store: Store,
                                                                    tmp_path: Path) -> None:
    refused = await sim.command("/spoilers guard", user="moderator", state="on")
    assert "operator" in refused.message.content
    assert await sim.bot.store.guard_settings(sim.guild_id) == (False, "warn")
    guarded = await start_sim(seeded_store, tmp_path, spoiler_guard=True)  # the same server, restarted
    try:
        reply = await guarded.command("/spoilers guard", user="moderator", state="on", action="repost")
        assert "spoiler guard: off → on" in reply.message.content
        assert await guarded.bot.store.guard_settings(guarded.guild_id) == (True, "repost")
        show = await guarded.command("/spoilers show", user="moderator")
        assert "On: messages naming a spoiler past the horizon get **repost**" in show.message.text()
    finally:
        await guarded.close()


async def test_rules_and_audit_log_survive_a_restart_and_a_reseed(sim: SimulatedServer, seeded_store: Store,
                                                                  tmp_path: Path) -> None:
    await sim.command("/spoilers mode", user="moderator", mode="hide")
    await sim.command("/spoilers channel", user="moderator", channel="spoilers", mode="off", horizon=8)
    await sim.command("/progress set", user="member", episode=5)
    await sim.bot.close()
    assert (await seed(seeded_store, REAL_PACK)).ok
    reopened = await Store.open(tmp_path / "test.db")
    restarted = await start_sim(reopened, tmp_path)  # to the same Discord: the same server, channels, members
    try:
        text = (await restarted.command("/spoilers show", user="moderator", channel="spoilers")).message.text()
        assert "**off**" in text and "server rule" not in text.split("\n")[1]
        recap = await restarted.command("/recap", episode=EPISODE)
        assert "Hidden here" in recap.message.embeds[0]["description"]
        audit = (await restarted.command("/spoilers audit", user="moderator")).message.embeds[0]["description"]
        assert len(audit.splitlines()) == 3
        progress = await restarted.command("/progress show", user="member")
        assert "episode 5" in progress.message.content
    finally:
        await restarted.close()
        await reopened.close()


async def test_progress_set_show_clear(sim: SimulatedServer) -> None:
    shown = await sim.command("/progress show")
    assert shown.message.ephemeral and "haven't recorded" in shown.message.content
    saved = await sim.command("/progress set", episode=6)
    assert "episode 6" in saved.message.content
    assert await sim.bot.store.member_progress(sim.users["member"].id) == 6
    bad = await sim.command("/progress set", episode=12)
    assert "0 to 8" in bad.message.content
    assert await sim.bot.store.member_progress(sim.users["member"].id) == 6
    none_yet = await sim.command("/progress set", episode=0)
    assert "haven't watched any of the 8 episodes yet" in none_yet.message.content
    assert "nothing (0)" not in none_yet.message.content
    cleared = await sim.command("/progress clear")
    assert cleared.message.content.startswith("Forgotten.")
    assert await sim.bot.store.member_progress(sim.users["member"].id) is None


async def test_episode_autocomplete_offers_zero_for_progress(sim: SimulatedServer) -> None:
    choices = (await sim.autocomplete("/progress set", "episode", "")).choices
    assert choices[0]["value"] == 0 and len(choices) == 9
    assert [c["value"] for c in (await sim.autocomplete("/recap", "episode", "7")).choices] == [7]


# -- Mark as spoiler ---------------------------------------------------------------------------------


async def test_mark_as_spoiler_reposts_masked_and_removes_the_original(sim: SimulatedServer) -> None:
    original = await sim.post("Baek was in **Black Wings** @everyone | see https://example.com", user="member")
    reply = await message_command(sim, "Mark as spoiler", original, user="moderator")
    posts = [r for r in reply.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(posts) == 1
    content = posts[0].body["content"]
    header, body = content.split("\n", 1)
    assert "**member** wrote (marked as a spoiler by a moderator)" in header
    assert unmask(body) == original.content
    assert "Black Wings" not in discord_spans(body)[0]
    assert posts[0].body["allowed_mentions"] == {"parse": []}
    assert original.deleted
    assert "reposted masked" in reply.message.content and reply.message.ephemeral


async def test_mark_as_spoiler_is_for_moderators_only(sim: SimulatedServer) -> None:
    original = await sim.post("Black Wings", user="member")
    reply = await message_command(sim, "Mark as spoiler", original, user="member")
    assert "Only moderators" in reply.message.content
    assert not original.deleted
    assert not [r for r in reply.requests if r.path.endswith("/messages")]


@pytest.mark.parametrize("failing", ["POST", "DELETE"])
async def test_mark_as_spoiler_keeps_the_text_when_discord_refuses(sim: SimulatedServer, failing: str) -> None:
    original = await sim.post("Black Wings", user="member")

    def fail(request: Recorded) -> web.Response | None:
        ours = request.path.startswith("/channels/") and request.method == failing
        if ours and (failing == "POST" or request.path.endswith(str(original.id))):
            return error(403, 50013, "Missing Permissions")
        return None

    sim.discord.fail = fail
    reply = await message_command(sim, "Mark as spoiler", original, user="moderator")
    sim.discord.fail = None
    assert not original.deleted
    assert "left the message as it was" in reply.message.content
    copies = [m for m in sim.messages.values() if m.author is None and "wrote (" in m.content]
    assert all(m.deleted for m in copies)  # a copy whose original stayed is taken back


async def test_mark_as_spoiler_needs_manage_messages(sim: SimulatedServer) -> None:
    original = await sim.post("Black Wings", user="member")
    set_bot_permissions(sim, BOT_PERMISSIONS & ~discord.Permissions(manage_messages=True).value)
    reply = await message_command(sim, "Mark as spoiler", original, user="moderator")
    assert "Manage Messages" in reply.message.content
    assert not original.deleted
