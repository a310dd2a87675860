"""/recap and /episodes through the real command tree, on the real data pack."""

from __future__ import annotations

import pytest

from bot import limits
from bot.policy import Mode, SpoilerRules
from bot.policy.masking import unmask
from bot.recaps.render import NOT_COVERED, episodes_embed, recap_embed
from bot.simulator.session import SimulatedServer
from bot.store.recaps import EpisodeInfo, RecapLine
from tests.test_masking import assert_really_hidden, discord_spans


async def test_recap_is_masked_by_default_and_cites_its_sources(sim: SimulatedServer) -> None:
    info = await sim.bot.store.episode(7)
    assert info is not None and info.covered
    message = (await sim.command("/recap", episode=7)).message
    assert not message.ephemeral
    card = message.embeds[0]
    assert card["title"].startswith("Episode 7")
    description = card["description"]
    visible, _ = discord_spans(description)
    for line in info.recap:
        assert line.text not in visible
        assert f"- ||{line.text}||" in description  # list markers outside the tags, so the list renders
    assert info.summary and info.summary in unmask(description)
    for title in {line.source_title for line in info.recap}:
        assert title in card["footer"]["text"]
    assert "masked" in card["footer"]["text"]


async def test_recap_of_an_episode_the_sources_do_not_cover_says_so(sim: SimulatedServer) -> None:
    uncovered = [e.number for e in await sim.bot.store.episodes() if not e.covered]
    assert uncovered
    description = (await sim.command("/recap", episode=uncovered[0])).message.embeds[0]["description"]
    assert description == NOT_COVERED


@pytest.mark.parametrize("bad", [0, 9, -3, "three", "7.5", True])
async def test_bad_episode_numbers_get_an_ephemeral_error_naming_the_range(sim: SimulatedServer, bad: object) -> None:
    # Discord's client would send only 9 (the option is an integer, at least 1); the others are what a
    # modified client or a registration older than the bot could send
    reply = await sim.command("/recap", episode=bad, force=True)
    assert reply.message.ephemeral
    assert "1 to 8" in reply.message.content
    assert not reply.message.embeds


async def test_private_recap_uses_the_members_progress(sim: SimulatedServer) -> None:
    await sim.command("/spoilers mode", user="moderator", mode="off")
    public = (await sim.command("/recap", episode=8)).message
    assert "||" not in public.embeds[0]["description"]
    await sim.command("/progress set", episode=7)
    private = (await sim.command("/recap", episode=8, private=True)).message
    assert private.ephemeral
    assert "||" in private.embeds[0]["description"]
    assert "your progress" in private.embeds[0]["footer"]["text"]
    seen = (await sim.command("/recap", episode=7, private=True)).message
    assert "||" not in seen.embeds[0]["description"]


async def test_hidden_recap_withholds_and_explains(sim: SimulatedServer) -> None:
    await sim.command("/spoilers mode", user="moderator", mode="hide")
    info = await sim.bot.store.episode(8)
    description = (await sim.command("/recap", episode=8)).message.embeds[0]["description"]
    assert "Hidden here: spoils episode 8" in description
    assert info is not None and not any(line.text in description for line in info.recap)
    assert "/progress set episode:8" in description


async def test_episodes_lists_every_episode_through_the_rules(sim: SimulatedServer) -> None:
    await sim.command("/spoilers horizon", user="moderator", episode=3)
    episodes = await sim.bot.store.episodes()
    card = (await sim.command("/episodes")).message.embeds[0]
    lines = card["description"].splitlines()
    assert len(lines) == len(episodes)
    for line, episode in zip(lines, episodes, strict=True):
        assert line.startswith(f"**{episode.number}.**")
        if not episode.covered:
            assert "not described" in line
        elif episode.number <= 3:
            assert episode.summary in line and "||" not in line
        else:
            assert f"||{episode.summary}||" in line
    private = (await sim.command("/episodes", private=True)).message
    assert private.ephemeral


async def test_autocomplete_names_episodes_without_spoiling_them(sim: SimulatedServer) -> None:
    choices = (await sim.autocomplete("/recap", "episode", "")).choices
    assert [c["value"] for c in choices] == list(range(1, 9))
    summaries = [e.summary for e in await sim.bot.store.episodes() if e.summary]
    for choice in choices:
        assert not any(summary in choice["name"] for summary in summaries)
        assert len(choice["name"]) <= limits.CHOICE_NAME


def test_a_huge_recap_stays_within_the_embed_limits() -> None:
    lines = tuple(RecapLine(f"Line {i}: " + "word " * 60, "A source") for i in range(60))
    episode = EpisodeInfo(3, "A title", "A source", True, "Summary " * 20, lines)
    for mode in Mode:
        card = recap_embed(episode, SpoilerRules(mode, 0), private=False)
        assert len(card.description or "") <= limits.EMBED_DESCRIPTION
        assert len(card) <= limits.EMBED_TOTAL
        if mode is Mode.MASK:
            assert_really_hidden(card.description.split("\n\n", 1)[1])  # type: ignore[union-attr]
    many = [EpisodeInfo(n, None, None, True, "A fairly long one-line summary " * 5) for n in range(1, 200)]
    listing = episodes_embed("Show", many, SpoilerRules(Mode.MASK, 0))
    assert len(listing.description or "") <= limits.EMBED_DESCRIPTION
    assert listing.description and listing.description.endswith("ask with `/recap`.")
