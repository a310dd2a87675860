"""The spoiler guard: its matcher (what counts as naming a spoiler in the clear) and the listener's
actions through a simulated Discord, including every way the repost can fail without losing text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy import Mode, SpoilerRules
from bot.policy.masking import unmask
from bot.simulator.fake_discord import BOT_PERMISSIONS, EVERYONE, Message, Recorded, error
from bot.simulator.session import SimulatedServer
from bot.spoilers.guard import GuardAction, GuardSettings, SpoilerKeyword, exposed_text, find_spoilers, judge
from bot.store import Store
from bot.store.rules import Actor
from tests.conftest import start_sim
from tests.simulated import set_bot_permissions
from tests.test_masking import assert_really_hidden, discord_spans

KEYWORDS = [SpoilerKeyword(7, "Black Wings"), SpoilerKeyword(7, "Sudan"), SpoilerKeyword(8, "explosion"),
            SpoilerKeyword(3, "keep running")]
ON = GuardSettings(enabled=True, action=GuardAction.WARN)


def episodes(message: str, horizon: int = 0) -> list[int]:
    return [hit.episode for hit in find_spoilers(message, KEYWORDS, horizon)]


# -- the matcher --------------------------------------------------------------------------------------


@pytest.mark.parametrize("message", [
    "Baek was in Black Wings!", "black   wings", "BLACK WINGS?", "Sudan에서 무슨 일이", "the sudan part",
    "\\|\\|Sudan\\|\\|", "||unclosed Sudan", "`code` and Sudan", "[Sudan](https://example.com)",
    "||a `x|| Sudan||",  # the tag closes at the first `||`, code or not, as on Discord
])
def test_keywords_in_plain_text_are_caught(message: str) -> None:
    assert episodes(message) == [7]


@pytest.mark.parametrize("message", [
    "||Baek was in Black Wings||", "spoiler: ||Sudan|| ok", "`Sudan`", "``Black Wings``",
    "```\nthe explosion\n```", "https://example.com/Sudan", "<https://example.com/black-wings>", "Sudanese food",
    "blackwings", "<:Sudan:123456789012345678>",
])
def test_keywords_inside_spoiler_tags_code_and_urls_are_ignored(message: str) -> None:
    assert episodes(message) == []


def test_code_opened_inside_nothing_protects_a_spoiler_tag_read_first() -> None:
    # Discord reads left to right: the code span starts first, so the pipes inside it open nothing.
    assert episodes("`a||b` Sudan ||c") == [7]


def test_only_episodes_past_the_horizon_count_latest_first() -> None:
    message = "Black Wings, an explosion, and they keep running"
    assert episodes(message) == [8, 7, 3]
    assert episodes(message, horizon=7) == [8]
    assert episodes(message, horizon=8) == []


def test_judge_respects_the_guard_switch_and_the_channel_mode() -> None:
    spoiler = "Baek was in Black Wings"
    assert judge(spoiler, SpoilerRules(Mode.MASK, 0), ON, KEYWORDS) is not None
    assert judge(spoiler, SpoilerRules(Mode.HIDE, 0), ON, KEYWORDS) is not None
    assert judge(spoiler, SpoilerRules(Mode.OFF, 0), ON, KEYWORDS) is None
    assert judge(spoiler, SpoilerRules(Mode.MASK, 0), GuardSettings(enabled=False), KEYWORDS) is None
    verdict = judge(spoiler, SpoilerRules(Mode.MASK, 0), GuardSettings(True, GuardAction.REPOST), KEYWORDS)
    assert verdict is not None and (verdict.episode, verdict.action) == (7, GuardAction.REPOST)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_a_keyword_inside_spoiler_tags_is_never_flagged(before: str, after: str) -> None:
    # Whatever surrounds a properly tagged keyword, the tagged one itself doesn't count.
    if find_spoilers(before + after, KEYWORDS, 0) or "|" in before + after or "`" in before + after:
        return
    assert find_spoilers(f"{before} ||Black Wings|| {after}", KEYWORDS, 0) == []


def test_exposed_text_keeps_positions() -> None:
    message = "a ||b|| `c` https://d.e f"
    assert len(exposed_text(message)) == len(message)
    assert exposed_text(message).split() == ["a", "f"]


# -- the listener through a simulated Discord ----------------------------------------------------------


@pytest.fixture
async def guarded(seeded_store: Store, tmp_path: Path) -> AsyncIterator[SimulatedServer]:
    sim = await start_sim(seeded_store, tmp_path, spoiler_guard=True)
    yield sim
    await sim.close()


async def _keyword(store: Store, past: int = 0) -> SpoilerKeyword:
    keywords = [k for k in await store.spoiler_keywords() if k.episode > past]
    assert keywords, "the pack needs spoiler keywords"
    return max(keywords, key=lambda k: k.episode)


async def _turn_on(sim: SimulatedServer, action: str) -> None:
    reply = await sim.command("/spoilers guard", user="moderator", state="on", action=action)
    assert "spoiler guard" in reply.message.content


def _posts(message: Message) -> list[Recorded]:
    assert message.exchange is not None
    return [r for r in message.exchange.requests if r.method == "POST"]


def _answers(message: Message) -> list[Recorded]:
    assert message.exchange is not None
    return message.exchange.requests


async def test_without_the_operators_opt_in_the_guard_does_not_listen(sim: SimulatedServer) -> None:
    keyword = await _keyword(sim.bot.store)
    message = await sim.post(f"So {keyword.keyword} happens", user="member")
    assert _answers(message) == []
    assert sim.bot.get_cog("SpoilerGuard") is None


async def test_a_server_that_has_not_turned_it_on_is_left_alone(guarded: SimulatedServer) -> None:
    keyword = await _keyword(guarded.bot.store)
    message = await guarded.post(f"So {keyword.keyword} happens", user="member")
    assert _answers(message) == []


async def test_warn_replies_without_pinging_or_repeating_the_spoiler(guarded: SimulatedServer) -> None:
    await _turn_on(guarded, "warn")
    keyword = await _keyword(guarded.bot.store)
    message = await guarded.post(f"@everyone so {keyword.keyword} happens", user="member")
    [post] = _posts(message)
    assert post.body is not None
    assert post.body["message_reference"]["message_id"] == message.id
    assert post.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert f"episode {keyword.episode}" in post.body["content"]
    assert keyword.keyword.casefold() not in post.body["content"].casefold()
    assert not message.deleted


@pytest.mark.parametrize("content", [
    "{k} is in ||a spoiler tag|| already", "fine: ||{k}|| but then {k}",
])
async def test_repost_replaces_the_message_with_a_masked_copy(guarded: SimulatedServer, content: str) -> None:
    set_bot_permissions(guarded, BOT_PERMISSIONS)
    await _turn_on(guarded, "repost")
    keyword = await _keyword(guarded.bot.store)
    text = content.format(k=keyword.keyword)
    message = await guarded.post(text, user="member")
    [post] = _posts(message)
    assert post.body is not None and post.body["allowed_mentions"] == {"parse": []}
    header, body = post.body["content"].split("\n", 1)
    assert "**member** wrote" in header and f"episode {keyword.episode}" in header
    assert unmask(body) == text  # the author's text, exactly
    assert keyword.keyword not in discord_spans(body)[0]
    assert message.deleted


async def test_nothing_happens_in_an_off_channel_past_the_horizon_or_inside_tags(guarded: SimulatedServer) -> None:
    set_bot_permissions(guarded, BOT_PERMISSIONS)
    await _turn_on(guarded, "repost")
    store = guarded.bot.store
    keyword = await _keyword(store)
    await guarded.command("/spoilers channel", user="moderator", channel="spoilers", mode="off")
    quiet = [await guarded.post(f"{keyword.keyword}!", channel="spoilers"),
             await guarded.post(f"||{keyword.keyword}||"), await guarded.post(f"`{keyword.keyword}`")]
    await store.change_server_settings(guarded.guild_id, {"horizon": keyword.episode}, Actor(1, "mod"))
    quiet.append(await guarded.post(f"{keyword.keyword}!"))
    for message in quiet:
        assert _answers(message) == [] and not message.deleted


async def test_repost_without_manage_messages_warns_and_tells_moderators(guarded: SimulatedServer) -> None:
    set_bot_permissions(guarded, EVERYONE)
    await _turn_on(guarded, "repost")
    keyword = await _keyword(guarded.bot.store)
    message = await guarded.post(f"{keyword.keyword} happens", user="member")
    [post] = _posts(message)
    assert post.body is not None and "Manage Messages" in post.body["content"]
    assert not message.deleted


@pytest.mark.parametrize("failing", ["send", "delete"])
async def test_a_failed_repost_keeps_the_original_and_warns(guarded: SimulatedServer, failing: str) -> None:
    set_bot_permissions(guarded, BOT_PERMISSIONS)
    await _turn_on(guarded, "repost")
    keyword = await _keyword(guarded.bot.store)

    def fail(request: Recorded) -> web.Response | None:
        copy = request.method == "POST" and request.body is not None and "wrote (" in request.body.get("content", "")
        target = guarded.messages.get(int(request.path.rsplit("/", 1)[1])) if request.method == "DELETE" else None
        deleting_original = target is not None and target.author is not None
        if (failing == "send" and copy) or (failing == "delete" and deleting_original):
            return error(403, 50013, "Missing Permissions")
        return None

    guarded.discord.fail = fail
    message = await guarded.post(f"{keyword.keyword} happens", user="member")
    guarded.discord.fail = None
    assert not message.deleted
    copies = [m.id for m in guarded.messages.values() if m.author is None and "wrote (" in m.content]
    assert all(guarded.messages[c].deleted for c in copies)  # a copy whose original stayed is taken back
    warnings = [r for r in _posts(message) if r.body and "couldn't repost" in r.body.get("content", "")]
    assert len(warnings) == 1


async def test_a_long_message_is_reposted_whole_in_several_parts(guarded: SimulatedServer) -> None:
    set_bot_permissions(guarded, BOT_PERMISSIONS)
    await _turn_on(guarded, "repost")
    keyword = await _keyword(guarded.bot.store)
    text = "\n".join(f"- point {i}: {keyword.keyword} and more words here" for i in range(40)) + "\n" + "x" * 1900
    assert len(text) <= 4000  # Nitro members may post up to 4000 characters
    message = await guarded.post(text, user="member")
    posts = [r.body["content"] for r in _posts(message) if r.body]
    assert len(posts) >= 2 and all(len(p) <= 2000 for p in posts)
    body = posts[0].split("\n", 1)[1]
    assert unmask(body) + "".join(unmask(p) for p in posts[1:]) == text
    for part in [body, *posts[1:]]:
        assert_really_hidden(part)
    assert message.deleted


async def test_a_message_with_attachments_is_only_warned_about(guarded: SimulatedServer) -> None:
    set_bot_permissions(guarded, BOT_PERMISSIONS)
    await _turn_on(guarded, "repost")
    keyword = await _keyword(guarded.bot.store)
    picture = {"id": "1", "filename": "a.png", "size": 1, "url": "https://cdn/a.png", "proxy_url": "https://cdn/a.png"}
    message = await guarded.post(f"{keyword.keyword} in this picture", user="member", attachments=[picture])
    [post] = _posts(message)
    assert post.body is not None and "attachments" in post.body["content"]
    assert not message.deleted
