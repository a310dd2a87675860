"""/quote through the real command tree and real views: search, random, review paging, spoilers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.policy import unmask
from bot.runtime import APOLOGY
from bot.seeding import seed
from bot.simulator.session import SimulatedServer
from bot.store import Store
from tests.conftest import MINI_PACK, REAL_PACK, start_sim

FANS = "Fan reviews of The Trauma Code: Heroes on Call"
BEHIND = "Behind the scenes of The Trauma Code: Heroes on Call"


@pytest.fixture
def qsim(sim: SimulatedServer) -> SimulatedServer:
    """The shared simulated server (conftest's `sim`), under this module's name."""
    return sim


async def set_channel_mode(sim: SimulatedServer, channel: str, mode: str, horizon: int | None = None) -> None:
    """A channel override, as a moderator's /spoilers command would store it (test set-up only)."""
    await sim.bot.store.write(
        "INSERT INTO channel_rules (guild_id, channel_id, spoiler_mode, horizon) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, channel_id) DO UPDATE SET spoiler_mode = excluded.spoiler_mode,"
        " horizon = excluded.horizon",
        (sim.guild_id, sim.channels[channel].id, mode, horizon),
    )


def description(reply) -> str:
    return reply.message.embeds[0]["description"]


# -- search ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "sentence", "headline", "number"),
    [
        ("stress reliever", "After a hectic day this drama is a true **stress** **reliever**.",
         "Roller Coaster fun watching", 2),
        ("binge weekend", "Ultimately, this drama is a worthy pick to **binge** on a **weekend**.",
         "Kim Sabu on Steroids!!!", 6),
        ("annoying leader", "There is an **annoying** **leader** out to cause issues and disrupt the leads.",
         "a non draggy medical drama", 9),
        ("Choo Young Woo took", "I am happy **Choo** **Young** **Woo** **took** this role.",
         "Now THIS is a bingeable drama!", 12),
    ],
)
async def test_search_finds_words_of_several_reviews_with_attribution(
    qsim: SimulatedServer, text: str, sentence: str, headline: str, number: int
) -> None:
    reply = await qsim.command("/quote search", text=text)
    message = reply.message
    assert not message.ephemeral  # results are for the channel
    first_block = description(reply).split("\n\n")[0]
    assert first_block.startswith(f"> {sentence}\n")
    assert f"“{headline}”, review {number} · *{FANS}*" in first_block
    assert FANS in message.embeds[0]["footer"]["text"]


async def test_a_headline_the_reviewer_put_in_quotes_is_not_quoted_twice(qsim: SimulatedServer) -> None:
    text = description(await qsim.command("/quote search", text="formulaic administrative"))
    assert '— "Blood, Guts, and Heart: What Makes Trauma Code Unmissable", review 5 · ' in text
    assert '“"' not in text and '"”' not in text


async def test_prefix_search_finds_whole_words_and_bolds_them(qsim: SimulatedServer) -> None:
    reply = await qsim.command("/quote search", text="heli")
    text = description(reply)
    assert "**helicopter**" in text and "**helicopters**" in text
    assert "**heli**" not in text  # the whole word is highlighted, not just the typed prefix
    footer = reply.message.embeds[0]["footer"]["text"]
    assert re.match(r"\d+ matches, the best 5 shown", footer)
    assert text.count("\n> ") + 1 == 5


@pytest.mark.parametrize("text", ["이국종", "이국", "교수", "이국종 교수"])
async def test_korean_words_are_found(qsim: SimulatedServer, text: str) -> None:
    reply = await qsim.command("/quote search", text=text)
    assert not reply.message.ephemeral
    quote = description(reply)
    assert "Many viewers in Korea immediately thought of Professor Lee Gook-jong (" in quote
    assert "**이국종" in quote or "**교수**" in quote
    assert f"— *{BEHIND}*" in quote  # an article: attributed to its title


async def test_search_quotes_are_verbatim(qsim: SimulatedServer) -> None:
    """Take away the bold and the block-quote marker and what's left is a sentence of the document."""
    documents = "\n".join(p.read_text() for p in (REAL_PACK / "documents").iterdir())
    await set_channel_mode(qsim, "spoilers", "off")
    reply = await qsim.command("/quote search", text="surgeon", channel="spoilers")
    for block in description(reply).split("\n\n"):
        quoted = block.split("\n")[0].removeprefix("> ").replace("**", "")
        quoted = re.sub(r"\\(.)", r"\1", quoted)  # markdown escapes
        assert quoted in documents


FTS_SYNTAX = [
    '"', '""', '"heli', 'heli"', "*", "heli*", "**", "-", "-heli", "heli -surgeon", "NEAR", "NEAR(heli surgeon)",
    "NEAR(heli surgeon, 2)", "AND", "OR", "NOT", "heli AND", "AND heli", "heli OR", "heli NOT surgeon",
    "(", ")", "(heli", "heli)", "((heli) OR (surgeon))", "text:heli", "quotes_fts:heli", "{text}: heli",
    "^heli", "+heli", "heli + surgeon", ":", "'", "'heli'", "\\", "heli\\", "%", "_", "heli_copter",
    "\x00heli", "heli; DROP TABLE quotes; --", "rank:heli", "col:", "*heli", "h*e*l*i",
]


@pytest.mark.parametrize("text", FTS_SYNTAX)
async def test_fts5_syntax_never_produces_an_error_reply(qsim: SimulatedServer, text: str, caplog) -> None:
    reply = await qsim.command("/quote search", text=text)
    message = reply.message
    assert message.content != APOLOGY
    assert not any(record.exc_info for record in caplog.records)
    if message.ephemeral:  # a sentence for the member, never a database message
        assert "fts5" not in message.content.lower() and "syntax" not in message.content.lower()
        assert message.content.startswith(("No quotes match", "Type a word", "Type at least"))
    else:
        assert message.embeds[0]["description"].startswith("> ")


async def test_operators_are_searched_as_words_not_obeyed(qsim: SimulatedServer) -> None:
    """`OR` would widen an FTS5 query; here it is one more word every result must contain."""
    widened = await qsim.command("/quote search", text="helicopter OR zzyzx")
    assert widened.message.ephemeral and widened.message.content.startswith("No quotes match")
    negated = await qsim.command("/quote search", text="helicopter NOT surgery")
    for block in description(negated).split("\n\n"):
        assert "**not**" in block.lower() and "**surger" in block.lower()
    plain = await qsim.command("/quote search", text="helicopter")
    dashed = await qsim.command("/quote search", text="-helicopter")
    assert description(dashed) == description(plain)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("🤣🤣", "Type a word or two"),
        ("?!*", "Type a word or two"),
        ("a", "Type at least two letters"),
        ("x y", "Type at least two letters"),
        ("q" * 300, "No quotes match"),
        ("a" * 301, "That search is too long"),
        ("zzyzx", "No quotes match “zzyzx”. Try fewer words, or the start of a word"),
    ],
)
async def test_awkward_searches_get_a_clear_private_sentence(qsim: SimulatedServer, text: str, expected: str) -> None:
    reply = await qsim.command("/quote search", text=text, force=True)  # the client won't send "" or 301 letters
    assert reply.message.ephemeral
    assert reply.message.content.startswith(expected)
    assert len(reply.message.content) <= 2000


async def test_long_and_decorated_queries_still_search(qsim: SimulatedServer) -> None:
    sentence = "There’s no room to get bored or feel like it’s dragging"
    long_query = (sentence + " 🤣 ") * (300 // (len(sentence) + 3))
    assert len(long_query) <= 300
    reply = await qsim.command("/quote search", text=long_query)
    assert "**dragging**" in description(reply)
    emoji = await qsim.command("/quote search", text="🚁 heli 🚁")
    assert "**helicopter**" in description(emoji)


async def test_member_text_is_echoed_inert(qsim: SimulatedServer) -> None:
    reply = await qsim.command("/quote search", text="@everyone **zzyzx** <@&1>")
    content = reply.message.content
    assert "@everyone" not in content and "@\u200beveryone" in content
    assert "\\*\\*zzyzx\\*\\*" in content
    assert reply.callback.body["data"]["allowed_mentions"] == {"parse": []}
    found = await qsim.command("/quote search", text="@everyone __everyone__")
    assert "@\u200beveryone" in found.message.embeds[0]["title"]
    assert "\\_\\_everyone\\_\\_" in found.message.embeds[0]["title"]


# -- spoilers ---------------------------------------------------------------------------------------------

async def test_flagged_review_is_masked_in_mask_channel_and_plain_where_off(qsim: SimulatedServer) -> None:
    await set_channel_mode(qsim, "spoilers", "off")
    masked = await qsim.command("/quote search", text="Ghost Doctor", channel="general")
    plain = await qsim.command("/quote search", text="Ghost Doctor", channel="spoilers")
    masked_block, plain_block = description(masked), description(plain)
    assert masked_block.startswith("> ||Honestly these two remind me of the **Ghost** **Doctor** duo")
    assert masked_block.split("\n")[0].endswith("||")
    assert plain_block.startswith("> Honestly these two remind me of the **Ghost** **Doctor** duo")
    assert "||" not in plain_block
    assert unmask(masked_block.split("\n")[0].removeprefix("> ")) == plain_block.split("\n")[0].removeprefix("> ")
    # the attribution is the same either way: the site shows headlines above its spoiler banner
    assert "“JUST WATCH IT! Its that good!”, review 3" in masked_block
    assert "“JUST WATCH IT! Its that good!”, review 3" in plain_block


async def test_unflagged_quote_naming_a_spoiler_keyword_is_masked(qsim: SimulatedServer) -> None:
    reply = await qsim.command("/quote search", text="Black Wings")
    blocks = description(reply).split("\n\n")
    assert blocks and all(block.startswith("> ||") for block in blocks)
    await set_channel_mode(qsim, "general", "mask", horizon=7)
    caught_up = await qsim.command("/quote search", text="Black Wings")
    assert "||" not in description(caught_up)


async def test_hide_mode_withholds_the_quote_but_keeps_the_attribution(qsim: SimulatedServer) -> None:
    await set_channel_mode(qsim, "general", "hide")
    reply = await qsim.command("/quote search", text="Ghost Doctor")
    text = description(reply)
    assert "Ghost" not in text
    assert "🔒 Hidden here: spoils episode 8." in text
    assert "review 3" in text


# -- random ---------------------------------------------------------------------------------------------

def random_quote(reply) -> str:
    return description(reply).split("\n")[0]


async def test_random_quotes_do_not_repeat_the_last_few_in_a_channel(qsim: SimulatedServer) -> None:
    seen: list[str] = []
    for _ in range(12):
        reply = await qsim.command("/quote random")
        assert not reply.message.ephemeral
        quote = random_quote(reply)
        assert quote not in seen[-5:]
        seen.append(quote)


async def test_random_with_few_candidates_repeats_the_least_recent(qsim: SimulatedServer) -> None:
    """Three quotes mention romance: three different ones, then the oldest again, per channel."""
    picks = [random_quote(await qsim.command("/quote random", about="romance")) for _ in range(5)]
    assert len(set(picks[:3])) == 3
    assert picks[3] == picks[0] and picks[4] == picks[1]
    elsewhere = random_quote(await qsim.command("/quote random", about="romance", channel="spoilers"))
    assert elsewhere in picks[:3]  # another channel has its own memory


async def test_random_about_a_character_uses_every_spelling(qsim: SimulatedServer) -> None:
    names = ("Yang", "Jae-won", "Jae-Won", "Anus", "No.1")
    for _ in range(6):
        reply = await qsim.command("/quote random", about="Yang Jae-won")
        assert reply.message.embeds[0]["title"] == "A quote about Yang Jae-won"
        quote = unmask(random_quote(reply).removeprefix("> "))
        assert any(name.lower() in quote.lower() for name in names), quote
        assert reply.message.embeds[0]["footer"]["text"].startswith("Sources: ")


async def test_random_about_autocomplete_leaves_out_spoiling_names(qsim: SimulatedServer) -> None:
    names = [c["value"] for c in (await qsim.autocomplete("/quote random", "about", "lee")).choices]
    assert "Lee Gook-jong" in names and "Lee Do-yoon" in names
    assert "Lee Hyeon-jong" not in names  # naming him gives episode 7 away
    await qsim.bot.store.set_member_progress(qsim.users["member"].id, 8)
    caught_up = [c["value"] for c in (await qsim.autocomplete("/quote random", "about", "lee")).choices]
    assert "Lee Hyeon-jong" in caught_up
    everyone = (await qsim.autocomplete("/quote random", "about", "")).choices
    assert 0 < len(everyone) <= 25


async def test_random_about_autocomplete_leaves_out_figures_revealed_later(qsim: SimulatedServer) -> None:
    """Baek's father and Jae-won's “No. 2” name no spoiler keyword, but their very existence is a reveal."""
    names = [c["value"] for c in (await qsim.autocomplete("/quote random", "about", "")).choices]
    assert "Baek Kang-hyuk" in names
    assert "Baek's father" not in names and "Jae-won's “No. 2”" not in names
    assert not any("father" in c["name"] for c in (await qsim.autocomplete("/quote random", "about", "fath")).choices)
    await qsim.bot.store.set_member_progress(qsim.users["member"].id, 8)
    caught_up = [c["value"] for c in (await qsim.autocomplete("/quote random", "about", "")).choices]
    assert "Baek's father" in caught_up and "Jae-won's “No. 2”" in caught_up


async def test_random_about_a_figure_revealed_later_keeps_the_name_out_of_the_title(qsim: SimulatedServer) -> None:
    # The real pack's gated figures are either unquoted by name or named by a keyword; gate a quoted one.
    await qsim.bot.store.write("UPDATE figures SET episode = 8 WHERE id = 'yang-jae-won'")
    hidden = (await qsim.command("/quote random", about="Yang Jae-won")).message.embeds[0]
    assert hidden["title"] == "A quote about a spoiler"
    await set_channel_mode(qsim, "general", "off")
    shown = (await qsim.command("/quote random", about="Yang Jae-won")).message.embeds[0]
    assert shown["title"] == "A quote about Yang Jae-won"


async def test_random_about_nothing_known_is_a_clear_private_reply(qsim: SimulatedServer) -> None:
    reply = await qsim.command("/quote random", about="zzyzx")
    assert reply.message.ephemeral and reply.message.content.startswith("No quotes mention “zzyzx”")
    symbols = await qsim.command("/quote random", about="***")
    assert symbols.message.ephemeral and symbols.message.content.startswith("Type a word")


async def test_random_in_hide_mode_never_picks_a_withheld_quote(qsim: SimulatedServer) -> None:
    await set_channel_mode(qsim, "general", "hide")
    for _ in range(8):
        assert "🔒" not in description(await qsim.command("/quote random"))
    reply = await qsim.command("/quote random", about="Black Wings")
    assert reply.message.ephemeral
    assert "past this channel's spoiler horizon" in reply.message.content


# -- whole reviews ------------------------------------------------------------------------------------------

async def test_review_pages_are_turned_by_their_owner_only(qsim: SimulatedServer) -> None:
    reply = await qsim.command("/quote review", review="5")
    message = reply.message
    first = message.embeds[0]
    assert first["title"] == "Review 5 of 12"
    assert first["description"].startswith('**"Blood, Guts, and Heart: What Makes Trauma Code Unmissable"**')
    pages = int(re.search(r"Page 1 of (\d+)", first["footer"]["text"]).group(1))
    assert pages > 1
    labels = [(b["label"], b.get("disabled", False)) for b in message.buttons()]
    assert labels == [("◀ Previous", True), ("Next ▶", False)]

    intruder = await qsim.press(message, "Next ▶", user="moderator")
    assert intruder.message.ephemeral and "Only the member who asked" in intruder.message.content
    assert message.embeds[0] == first  # unchanged

    seen = [first["description"]]
    for page in range(2, pages + 1):
        turned = await qsim.press(message, "Next ▶")
        assert turned.message is message
        assert f"Page {page} of {pages}" in message.embeds[0]["footer"]["text"]
        seen.append(message.embeds[0]["description"])
    assert [b.get("disabled", False) for b in message.buttons()] == [False, True]
    await qsim.press(message, "◀ Previous")
    assert message.embeds[0]["description"] == seen[-2]

    body = await qsim.bot.store.passage_body(
        (await qsim.bot.store.review_by_number(5))["id"])  # type: ignore[index]
    text = "\n\n".join(page.split("\n\n", 1)[1] for page in seen)
    # every word, in order, nothing added (no markdown in this review; Dr. Han's turn is masked)
    assert "||" in text and unmask(text) == body
    assert all(len(page) <= 4096 for page in seen)


async def test_review_pages_still_turn_after_a_restart(qsim: SimulatedServer, seeded_store: Store,
                                                       tmp_path: Path) -> None:
    message = (await qsim.command("/quote review", review="1")).message
    first = message.embeds[0]["description"]
    restarted = await start_sim(seeded_store, tmp_path)  # a new process: nothing of the old one's memory
    try:
        turned = await restarted.press(message, "Next ▶")
        assert turned.message is message and "Page 2 of" in message.embeds[0]["footer"]["text"]
        assert message.embeds[0]["description"] != first
    finally:
        await restarted.close()


async def test_flagged_review_is_masked_paragraph_by_paragraph(qsim: SimulatedServer) -> None:
    await set_channel_mode(qsim, "spoilers", "off")
    masked = (await qsim.command("/quote review", review="4")).message.embeds[0]
    plain = (await qsim.command("/quote review", review="4", channel="spoilers")).message.embeds[0]
    masked_body = masked["description"].split("\n\n", 1)[1]
    plain_body = plain["description"].split("\n\n", 1)[1]
    assert masked_body.startswith("||This made me realize") and masked_body.endswith("||")
    assert plain_body.startswith("This made me realize") and "||" not in plain_body
    assert unmask(masked_body) == plain_body
    assert "may contain spoilers" in masked["footer"]["text"]
    await set_channel_mode(qsim, "general", "hide")
    hidden = (await qsim.command("/quote review", review="4")).message.embeds[0]
    assert hidden["description"].split("\n\n", 1)[1] == "🔒 Hidden here: spoils episode 8."


async def test_review_by_headline_and_autocomplete(qsim: SimulatedServer) -> None:
    choices = (await qsim.autocomplete("/quote review", "review", "")).choices
    assert [c["value"] for c in choices] == [str(n) for n in range(1, 13)]
    assert choices[2]["name"] == "3. JUST WATCH IT! Its that good! (may contain spoilers)"
    assert [c["value"] for c in (await qsim.autocomplete("/quote review", "review", "bingeable")).choices] == ["12"]
    assert [c["value"] for c in (await qsim.autocomplete("/quote review", "review", "1")).choices] == [
        "1", "10", "11", "12"]
    fuzzy = await qsim.autocomplete("/quote review", "review", "no clifhangers")
    assert fuzzy.choices[0]["value"] == "4"
    by_headline = await qsim.command("/quote review", review="Kim Sabu on Steroids!!!")
    assert by_headline.message.embeds[0]["title"] == "Review 6 of 12"
    assert not by_headline.message.buttons()  # one page: no buttons


@pytest.mark.parametrize("selector", ["0", "13", "99999999999999999999", "zzyzx qqq", "#", "@everyone"])
async def test_unknown_review_is_a_clear_private_reply(qsim: SimulatedServer, selector: str) -> None:
    reply = await qsim.command("/quote review", review=selector)
    assert reply.message.ephemeral
    assert reply.message.content.startswith("No review matches")
    assert "from 1 to 12" in reply.message.content
    assert "@everyone" not in reply.message.content


# -- escaping, on a pack whose review is full of markdown ------------------------------------------------------

MARKDOWN_REVIEW = """
This review may contain spoilers
Markdown *headline* test
The *surgeon* wrote snake_case notes | and ~~strikes~~ while `code` ran and @everyone cheered loudly.
Was this review helpful to you?
"""


async def test_quote_markdown_stays_literal_plain_and_masked(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINI_PACK, pack)
    reviews = pack / "documents" / "reviews.txt"
    reviews.write_text(reviews.read_text() + MARKDOWN_REVIEW)
    store = await Store.open(tmp_path / "md.db")
    result = await seed(store, pack)
    assert result.ok, result.problems
    sim = await start_sim(store, tmp_path, data_pack=pack)
    try:
        await set_channel_mode(sim, "spoilers", "off")
        plain = description(await sim.command("/quote search", text="snake", channel="spoilers"))
        quote = plain.split("\n")[0]
        assert quote == ("> The \\*surgeon\\* wrote **snake**\\_case notes \\| and \\~\\~strikes\\~\\~ while "
                         "\\`code\\` ran and @\u200beveryone cheered loudly.")
        assert "“Markdown \\*headline\\* test”, review 3" in plain
        masked = description(await sim.command("/quote search", text="snake", channel="general"))
        masked_quote = masked.split("\n")[0].removeprefix("> ")
        assert masked_quote.startswith("||") and masked_quote.endswith("||")
        assert masked_quote.count("||") == 2  # the quote's own pipe can't close the spoiler early
        # unmasked, it reads the same (mask() escaped the pipe itself, where plain text has escape())
        assert unmask(masked_quote) == quote.removeprefix("> ").replace("\\|", "|")
    finally:
        await sim.close()
        await store.close()


async def test_a_spoiling_search_or_topic_is_not_echoed_in_public_titles(qsim: SimulatedServer) -> None:
    searched = (await qsim.command("/quote search", text="Black Wings")).message.embeds[0]
    assert "Black" not in searched["title"] and searched["title"].endswith("(it names a spoiler)")
    about = (await qsim.command("/quote random", about="Lee Hyeon-jong")).message.embeds[0]
    assert about["title"] == "A quote about a spoiler"
    assert about["description"].startswith("> ||")
    await set_channel_mode(qsim, "general", "off")
    searched = (await qsim.command("/quote search", text="Black Wings")).message.embeds[0]
    assert searched["title"] == "Quotes matching “Black Wings”"
    about = (await qsim.command("/quote random", about="Lee Hyeon-jong")).message.embeds[0]
    assert about["title"] == "A quote about Lee Hyeon-jong"
