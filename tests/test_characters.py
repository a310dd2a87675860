"""/character, its autocomplete, and /cast through the real app-command tree and real components."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot import limits
from bot.seeding import seed
from bot.simulator.session import SimulatedServer
from tests.conftest import MINI_PACK, REAL_PACK

CHARACTERS = yaml.safe_load((REAL_PACK / "characters.yaml").read_text(encoding="utf-8"))["characters"]
PEOPLE = yaml.safe_load((REAL_PACK / "people.yaml").read_text(encoding="utf-8"))["people"]
NAMES = {f["id"]: f["name"] for f in [*CHARACTERS, *PEOPLE]}
REVEALED = {f["id"]: f["episode"] for f in CHARACTERS if f.get("episode")}  # existence is a reveal


async def set_channel_rule(sim: SimulatedServer, channel: str, mode: str | None, horizon: int | None) -> None:
    """Test set-up only: a channel override as a moderator's /spoilers command would leave it."""
    await sim.bot.store.write(
        "INSERT INTO channel_rules (guild_id, channel_id, spoiler_mode, horizon) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(guild_id, channel_id) DO UPDATE SET spoiler_mode = excluded.spoiler_mode,"
        " horizon = excluded.horizon",
        (sim.guild_id, sim.channels[channel].id, mode, horizon),
    )


def card(reply: Any) -> dict[str, Any]:
    embeds = reply.message.embeds
    assert len(embeds) == 1, reply.message.content
    return embeds[0]


def field(embed: dict[str, Any], name: str) -> str:
    return "\n".join(f["value"] for f in embed.get("fields", []) if f["name"].startswith(name))


def assert_within_limits(embed: dict[str, Any]) -> None:
    assert len(embed.get("fields", [])) <= limits.EMBED_FIELDS
    assert len(embed.get("description", "")) <= limits.EMBED_DESCRIPTION
    for f in embed.get("fields", []):
        assert 0 < len(f["value"]) <= limits.FIELD_VALUE and 0 < len(f["name"]) <= limits.FIELD_NAME
    total = len(embed.get("title", "")) + len(embed.get("description", "")) + len(embed.get("footer", {}).get(
        "text", "")) + len(embed.get("author", {}).get("name", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    assert total <= limits.EMBED_TOTAL


# -- spellings ----------------------------------------------------------------------------------------------

async def test_every_spelling_in_the_documents_finds_its_owner(sim: SimulatedServer) -> None:
    """Driven from the YAML: every name, alias and actor; reveal aliases in a channel that allows them."""
    await set_channel_rule(sim, "spoilers", "off", None)
    for figure in [*CHARACTERS, *PEOPLE]:
        spellings = [figure["name"], *(a["name"] for a in figure.get("aliases") or [])]
        spellings += [figure["actor"]] if figure.get("actor") else []
        for spelling in spellings:
            reply = await sim.command("/character", name=spelling, channel="spoilers")
            assert card(reply)["title"] == figure["name"], spelling
            assert not reply.message.ephemeral


HAND_PICKED = [
    ("kang hyuk", "baek-kang-hyuk"), ("Kanghyuk", "baek-kang-hyuk"), ("Dr. Baek", "baek-kang-hyuk"),
    ("Gang-hyeok", "baek-kang-hyuk"), ("Dr Beak", "baek-kang-hyuk"), ("the hand of God", "baek-kang-hyuk"),
    ("Anus", "yang-jae-won"), ("jaewon", "yang-jae-won"), ("Minister Myeong", "kang-myung-hui"),
    ("Nurse Cheon", "cheon-jang-mi"), ("Ju Ji Hoon", "baek-kang-hyuk"),
]


async def test_hand_picked_spellings_and_nicknames(sim: SimulatedServer) -> None:
    for typed, owner in HAND_PICKED:
        assert card(await sim.command("/character", name=typed))["title"] == NAMES[owner], typed


# -- autocomplete -------------------------------------------------------------------------------------------

async def test_autocomplete_offers_ids_with_readable_names(sim: SimulatedServer) -> None:
    choices = (await sim.autocomplete("/character", "name", "kang")).choices
    assert 2 <= len(choices) <= limits.CHOICES
    values = [c["value"] for c in choices]
    assert values[:2] == ["baek-kang-hyuk", "kang-myung-hui"] or set(values[:2]) == {"baek-kang-hyuk",
                                                                                     "kang-myung-hui"}
    assert len(set(values)) == len(values)
    assert all(0 < len(c["name"]) <= limits.CHOICE_NAME for c in choices)
    everyone = (await sim.autocomplete("/character", "name", "")).choices
    assert len(everyone) == min(25, len(NAMES) - len(REVEALED)) and everyone[0]["name"] == "Baek Kang-hyuk"
    people = (await sim.autocomplete("/character", "name", "Hansan")).choices
    assert people[0] == {"name": "Hansanleega · real person", "value": "hansanleega"}
    actor = (await sim.autocomplete("/character", "name", "Ju Ji")).choices
    assert actor[0]["name"] == "Baek Kang-hyuk (played by Ju Ji-hoon)"
    # the chosen value goes back through the command
    assert card(await sim.command("/character", name=values[1]))["title"] in NAMES.values()


async def test_autocomplete_never_shows_a_reveal_past_the_channel_horizon(sim: SimulatedServer) -> None:
    for typed in ("Mal", "Malak", "malak"):
        choices = (await sim.autocomplete("/character", "name", typed)).choices
        assert not any("Malak" in c["name"] for c in choices)
    await set_channel_rule(sim, "spoilers", "mask", 7)
    shown = (await sim.autocomplete("/character", "name", "Malak", channel="spoilers")).choices
    assert shown[0] == {"name": "Baek Kang-hyuk (Malak)", "value": "baek-kang-hyuk"}


async def test_nothing_typed_lists_no_one_revealed_past_the_horizon(sim: SimulatedServer) -> None:
    assert {"lee-hyeon-jong", "baek-father", "militia-commander", "jae-won-no-2"} <= set(REVEALED)
    listed = {c["value"] for c in (await sim.autocomplete("/character", "name", "")).choices}
    assert listed and not listed & set(REVEALED)
    await set_channel_rule(sim, "spoilers", "mask", 7)
    at_seven = {c["value"] for c in (await sim.autocomplete("/character", "name", "", channel="spoilers")).choices}
    assert {"lee-hyeon-jong", "militia-commander"} <= at_seven and "baek-father" not in at_seven


async def test_a_revealed_figure_is_not_found_by_its_id_before_its_episode(sim: SimulatedServer) -> None:
    for figure_id in REVEALED:  # (an id may still fuzzy-match someone else: `jae-won-no-2` finds Jae-won)
        message = (await sim.command("/character", name=figure_id)).message
        assert NAMES[figure_id] not in message.content, figure_id
        assert all(embed["title"] != NAMES[figure_id] for embed in message.embeds), figure_id
    await set_channel_rule(sim, "spoilers", "off", None)
    assert card(await sim.command("/character", name="lee-hyeon-jong", channel="spoilers"))["title"] == (
        "Lee Hyeon-jong")


async def test_a_menu_pick_of_a_figure_past_the_horizon_shows_no_card(sim: SimulatedServer) -> None:
    """A pick menu answers under the rules of the moment: a stale or forged value naming a figure whose
    existence is a later reveal gets a private refusal that doesn't name them."""
    menu = (await sim.command("/character", name="Choi")).message
    refused = await sim.choose(menu, ["baek-father"])
    assert refused.message.ephemeral and not refused.message.embeds
    assert "later episode" in refused.message.content and "father" not in refused.message.content
    assert menu.embeds == [] and "Which one did you mean?" in menu.content  # the menu is untouched


async def test_a_relationship_naming_a_figure_revealed_later_is_gated_with_them(sim: SimulatedServer) -> None:
    """Even when the relationship itself carries no episode (a data slip), naming Baek's father spoils 8."""
    await sim.bot.store.write("UPDATE relationships SET episode = NULL WHERE to_id = 'baek-father'")
    embed = card(await sim.command("/character", name="Baek Kang-hyuk"))
    assert "||son of **Baek's father**||" in field(embed, "Relationships")
    options = [o["value"] for o in (await sim.command("/character", name="Baek")).message.selects()[0]["options"]]
    assert "baek-father" not in options


async def test_autocomplete_uses_the_members_progress_once_private_is_set(sim: SimulatedServer) -> None:
    await sim.bot.store.set_member_progress(sim.users["member"].id, 8)
    public = (await sim.autocomplete("/character", "name", "Malak")).choices
    assert not any("Malak" in c["name"] for c in public)
    private = (await sim.autocomplete("/character", "name", "Malak", private=True)).choices
    assert private[0]["value"] == "baek-kang-hyuk"
    other = (await sim.autocomplete("/character", "name", "Malak", private=True, user="helper")).choices
    assert not any("Malak" in c["name"] for c in other)  # the helper recorded no progress


# -- spoilers on the card -----------------------------------------------------------------------------------

async def test_reveal_alias_finds_nothing_below_its_episode_and_the_character_above(sim: SimulatedServer) -> None:
    hidden = await sim.command("/character", name="Malak")
    assert hidden.message.ephemeral and not hidden.message.embeds
    assert "No character or person matches “Malak”" in hidden.message.content
    assert "Baek" not in hidden.message.content
    await set_channel_rule(sim, "spoilers", "mask", 6)
    assert (await sim.command("/character", name="Malak", channel="spoilers")).message.ephemeral
    await set_channel_rule(sim, "spoilers", "mask", 7)
    assert card(await sim.command("/character", name="Malak", channel="spoilers"))["title"] == "Baek Kang-hyuk"


async def test_episode_facts_are_masked_by_default(sim: SimulatedServer) -> None:
    embed = card(await sim.command("/character", name="Baek Kang-hyuk"))
    assert_within_limits(embed)
    assert "He served in Syria for eight years" in field(embed, "Facts")
    for episode in ("Episode 7", "Episode 8"):
        lines = field(embed, episode).splitlines()
        assert lines and all(line.startswith("- ||") and line.endswith("||") for line in lines)
    assert "||Malak||" in field(embed, "Known as")
    known = field(embed, "Known as").split(" · ")  # each spelling once, whatever its case or hyphens
    assert "Kang-hyuk" in known and "Kang-Hyuk" not in known
    assert "Baek Gang-hyeok" in known and "Baek Gang Hyeok" not in known
    assert "||son of **Baek's father**||" in field(embed, "Relationships")
    assert "- mentor of **Yang Jae-won**" in field(embed, "Relationships")
    assert "Spoilers: every episode masked" in embed["footer"]["text"]  # the one wording every reply uses
    assert "Sources: " in embed["footer"]["text"] and "ending explained" in embed["footer"]["text"]


async def test_hide_mode_withholds_facts_with_a_note(sim: SimulatedServer) -> None:
    await set_channel_rule(sim, "general", "hide", 7)
    embed = card(await sim.command("/character", name="Dr. Baek"))
    assert "Black Wings" in field(embed, "Episode 7")  # within the horizon: plain
    assert field(embed, "Episode 8") == "🔒 Hidden here: spoils episode 8."
    text = str(embed)
    assert "explosion" not in text and "Baek's father" not in text
    assert "Malak" in field(embed, "Known as")


async def test_off_mode_shows_everything(sim: SimulatedServer) -> None:
    await set_channel_rule(sim, "spoilers", "off", None)
    embed = card(await sim.command("/character", name="Baek", channel="spoilers"))
    assert "||" not in str(embed)
    assert "explosion" in field(embed, "Episode 8")


async def test_private_reply_is_ephemeral_and_uses_the_members_progress(sim: SimulatedServer) -> None:
    await sim.bot.store.set_member_progress(sim.users["member"].id, 7)
    reply = await sim.command("/character", name="Malak", private=True)
    assert reply.message.ephemeral
    embed = card(reply)
    assert "||" not in field(embed, "Episode 7") and field(embed, "Episode 8").startswith("- ||")
    assert "your progress" in embed["footer"]["text"]


async def test_related_menu_lists_only_clear_relationships_and_answers_privately(sim: SimulatedServer) -> None:
    reply = await sim.command("/character", name="Baek Kang-hyuk")
    options = [o["value"] for o in reply.message.selects()[0]["options"]]
    assert "yang-jae-won" in options and "baek-father" not in options  # that relationship is a spoiler
    picked = await sim.choose(reply.message, ["yang-jae-won"], user="helper")
    assert picked.message.ephemeral and card(picked)["title"] == "Yang Jae-won"
    assert card(reply)["title"] == "Baek Kang-hyuk"  # the public card is untouched


async def test_every_card_fits_discords_limits(sim: SimulatedServer) -> None:
    await set_channel_rule(sim, "spoilers", "off", None)
    for figure_id in NAMES:
        embed = card(await sim.command("/character", name=figure_id, channel="spoilers"))
        assert_within_limits(embed)


# -- people, actors, ambiguity ------------------------------------------------------------------------------

async def test_real_people_get_a_person_card(sim: SimulatedServer) -> None:
    embed = card(await sim.command("/character", name="Director Lee"))
    assert embed["title"] == "Lee Do-yoon"
    assert embed["author"]["name"].startswith("Real person")
    assert embed["description"].startswith("**Real person** — Director of the series")
    assert "Played by" not in str(embed)
    character = card(await sim.command("/character", name="Kim Eui-sung"))  # an actor finds the character
    assert character["title"] == "Choi Jo-eun" and character["author"]["name"] == "Character"
    assert field(character, "Played by") == "Kim Eui-sung"


async def test_ambiguous_name_offers_a_menu_only_the_asker_can_use(sim: SimulatedServer) -> None:
    reply = await sim.command("/character", name="Choi")
    message = reply.message
    assert "Which one did you mean?" in message.content and not message.embeds
    options = {o["value"]: o for o in message.selects()[0]["options"]}
    assert set(options) == {"choi-jo-eun", "choi-tae-kang"}
    assert options["choi-tae-kang"]["description"].startswith("Real person")
    stranger = await sim.choose(message, ["choi-tae-kang"], user="helper")
    assert stranger.message.ephemeral and "belongs to the member who ran" in stranger.message.content
    assert message.embeds == []
    chosen = await sim.choose(message, ["choi-tae-kang"])
    assert chosen.callback.body["type"] == 7 and chosen.message is message
    assert card(chosen)["title"] == "Choi Tae-kang" and message.content == ""


async def test_a_stale_pick_says_the_character_is_gone(sim: SimulatedServer) -> None:
    reply = await sim.command("/character", name="Choi")
    gone = await sim.choose(reply.message, ["someone-deleted"])
    assert gone.message.ephemeral and "no longer in the data pack" in gone.message.content


# -- bad input --------------------------------------------------------------------------------------------

BAD_INPUT = ["", "   ", "🙂", "x" * 150, "@everyone **bold** <@&123> ||spoiler||", "홍길동", "`rm -rf` _x_ > quote",
             "Zzyzx Qwerty", "@here"]


async def test_bad_input_gets_a_clean_private_reply(sim: SimulatedServer) -> None:
    for typed in BAD_INPUT:  # forced past the client, which wouldn't send the empty or 150-character ones
        reply = await sim.command("/character", name=typed, force=True)
        message = reply.message
        assert message.ephemeral and not message.embeds, typed
        assert 0 < len(message.content) <= limits.CONTENT
        assert "@everyone" not in message.content and "@here" not in message.content
        assert "**bold**" not in message.content and "||spoiler||" not in message.content
        assert "`rm -rf`" not in message.content
        assert reply.callback.body["data"]["allowed_mentions"] == {"parse": []}
    echoed = (await sim.command("/character", name=BAD_INPUT[4])).message.content
    assert "“@​everyone \\*\\*bold\\*\\*" in echoed


async def test_not_found_suggests_the_closest_names(sim: SimulatedServer) -> None:
    reply = await sim.command("/character", name="won")
    assert reply.message.ephemeral
    assert "Closest:" in reply.message.content and "**Yang Jae-won**" in reply.message.content


async def test_overlong_autocomplete_input_offers_nothing(sim: SimulatedServer) -> None:
    assert (await sim.autocomplete("/character", "name", "@everyone " * 30)).choices == []


# -- /cast ------------------------------------------------------------------------------------------------

async def test_cast_lists_every_actor_in_one_page(sim: SimulatedServer) -> None:
    reply = await sim.command("/cast")
    message = reply.message
    assert not message.ephemeral and not message.buttons()
    text = message.text()
    for figure in CHARACTERS:
        if figure.get("actor"):
            assert f"**{figure['actor']}** as {figure['name']}" in text
    # Lee Hyeon-jong's very existence spoils episode 7: masked by default
    assert "No actor named in the documents for: Park Gyeong-won, ||Lee Hyeon-jong||." in text
    assert "Hansanleega" not in text  # real people are not cast


async def test_cast_follows_the_channels_spoiler_rules(sim: SimulatedServer) -> None:
    await set_channel_rule(sim, "general", "hide", 6)
    hidden = (await sim.command("/cast")).message.text()
    assert "Lee Hyeon-jong" not in hidden and "for: Park Gyeong-won." in hidden
    await set_channel_rule(sim, "spoilers", "off", None)
    shown = (await sim.command("/cast", channel="spoilers")).message.text()
    assert "for: Park Gyeong-won, Lee Hyeon-jong." in shown


async def test_cast_pages_with_buttons_only_the_requester_can_press(sim: SimulatedServer) -> None:
    sim.bot.get_cog("Characters").cast_page_size = 3  # 7 actors -> 3 pages
    message = (await sim.command("/cast")).message
    prev, nxt = message.buttons()
    assert prev["disabled"] and not nxt["disabled"] and "Page 1/3" in message.text()
    assert "Ju Ji-hoon" in message.text() and "Yoon Kyung-ho" not in message.text()
    stranger = await sim.press(message, "Next ▶", user="helper")
    assert stranger.message.ephemeral and "Page 1/3" in message.text()
    await sim.press(message, "Next ▶")
    assert "Page 2/3" in message.text() and "Yoon Kyung-ho" in message.text()
    await sim.press(message, "Next ▶")
    assert "Page 3/3" in message.text() and message.buttons()[1]["disabled"]
    assert "No actor named in the documents" in message.text()
    await sim.press(message, "◀ Previous")
    assert "Page 2/3" in message.text()


# -- rebuilding ---------------------------------------------------------------------------------------------

async def test_a_reseed_while_running_is_picked_up(sim: SimulatedServer, tmp_path: Path) -> None:
    assert (await sim.command("/character", name="Dr. Hero")).message.ephemeral
    assert (await seed(sim.bot.store, MINI_PACK)).ok
    assert card(await sim.command("/character", name="Dr. Hero"))["title"] == "Dr. Hero"
    assert "Night Owl" not in str((await sim.autocomplete("/character", "name", "Night")).choices)
