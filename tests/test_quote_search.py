"""The quote service without Discord: query sanitising, search, random memory, reviews; plus fuzzing
of member input, against the real pack, at the service and through the command tree."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.policy import Mode, SpoilerRules
from bot.quotes import MAX_QUERY_CHARS, QuoteService, RecentQuotes, parse_query, words
from bot.runtime import APOLOGY
from bot.simulator.session import SimulatedServer
from bot.store import Store

MASK = SpoilerRules(Mode.MASK, 0)
OFF = SpoilerRules(Mode.OFF, 0)


@pytest.fixture
def service(seeded_store: Store) -> QuoteService:
    return QuoteService(seeded_store)


# -- sanitising -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("heli", '"heli"*'),
        ("Dr. Baek's", '"Dr"* "Baek"* "s"'),
        ('"heli', '"heli"*'),
        ("NEAR(a b, 2)", '"NEAR"* "a" "b" "2"'),
        ("heli OR surgeon", '"heli"* "OR"* "surgeon"*'),
        ("-heli NOT (x*)", '"heli"* "NOT"* "x"'),
        ("text:heli ^start", '"text"* "heli"* "start"*'),
        ("snake_case", '"snake"* "case"*'),
        ('"이국종 교수"', '"이국종"* "교수"*'),
        ("ｈｅｌｉ", '"heli"*'),  # full-width letters, as some keyboards type them
        ("Heli heli HELI", '"Heli"*'),
        ("닥", '"닥"*'),  # one Hangul syllable is a word start worth searching
        ("naïve café", '"naïve"* "café"*'),
    ],
)
def test_query_becomes_quoted_words(text: str, match: str) -> None:
    assert parse_query(text).match == match


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Type a word"), ('"*"', "Type a word"), ("😀", "Type a word"), ("a b c", "Type at least two letters"),
     ("x" * (MAX_QUERY_CHARS + 1), "That search is too long")],
)
def test_unsearchable_query_is_a_user_error(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_query(text)


# -- search -------------------------------------------------------------------------------------------------

async def test_search_returns_attributed_highlighted_quotes(service: QuoteService) -> None:
    result = await service.search("stress relie")
    assert result.total == 1
    (quote,) = result.quotes
    assert quote.text == "After a hectic day this drama is a true stress reliever."
    assert quote.segments == (("After a hectic day this drama is a true ", False), ("stress", True), (" ", False),
                              ("reliever", True), (".", False))
    attribution = quote.attribution
    assert (attribution.headline, attribution.review_number, attribution.source_id) == (
        "Roller Coaster fun watching", 2, "reviews")
    assert not attribution.spoiler_flag and quote.episode is None


async def test_search_ranks_and_counts(service: QuoteService) -> None:
    result = await service.search("helicopter", limit=3)
    assert len(result.quotes) == 3 and result.total > 3
    assert all("helicopter" in q.text.lower() for q in result.quotes)


async def test_search_carries_the_episode_a_quote_spoils(service: QuoteService) -> None:
    flagged = (await service.search("Ghost Doctor")).quotes[0]
    assert flagged.attribution.spoiler_flag and flagged.episode == 8
    keyword = (await service.search("Black Wings")).quotes
    assert keyword and all(q.episode == 7 and not q.attribution.spoiler_flag for q in keyword)


# -- random ------------------------------------------------------------------------------------------------

def test_recent_memory_is_bounded_per_channel_and_in_channels() -> None:
    recent = RecentQuotes(size=3, channels=2)
    for quote_id in (1, 2, 3, 4):
        recent.remember(10, quote_id)
    assert recent.recent(10) == [2, 3, 4]
    recent.remember(10, 2)
    assert recent.recent(10) == [3, 4, 2]  # shown again: now the most recent
    recent.remember(20, 1)
    recent.remember(30, 1)
    assert recent.recent(10) == []  # the least recently used channel is forgotten first
    assert recent.recent(30) == [1]


async def test_random_about_a_name_uses_the_spellings_these_rules_allow(service: QuoteService) -> None:
    masked, label = await service.about_expression("dr baek", MASK)
    assert label == "Baek Kang-hyuk"
    assert '"Baek"' in masked.split(" OR ") and '"Malak"' not in masked
    revealed, _ = await service.about_expression("Baek Kang-hyuk", OFF)
    assert '"Malak"' in revealed.split(" OR ")
    topic, label = await service.about_expression("helicopter rescue", MASK)
    assert (topic, label) == ('"helicopter"* "rescue"*', "helicopter rescue")


async def test_random_in_hide_mode_reports_withheld(service: QuoteService) -> None:
    hide = SpoilerRules(Mode.HIDE, 0)
    result = await service.random(hide, channel_id=1, about="Black Wings")
    assert result.quote is None and result.withheld
    shown = await service.random(OFF, channel_id=1, about="Black Wings")
    assert shown.quote is not None and "Black Wings" in shown.quote.text


async def test_reviews_by_number_headline_and_paragraph_episodes(service: QuoteService) -> None:
    review = await service.review("#10")
    assert review is not None and review.summary.headline == "What Is the Price of a Human Life?"
    assert review.count == 12
    assert all(episode == 8 for _, episode in review.paragraphs)  # flagged: the whole run
    unflagged = await service.review("kim sabu on steroids")
    assert unflagged is not None and unflagged.summary.number == 6
    assert all(episode is None for _, episode in unflagged.paragraphs)
    assert await service.review("") is None and await service.review("13") is None


# -- fuzzing ------------------------------------------------------------------------------------------------

CORPUS_WORDS = ["heli", "helicopter", "trauma", "Baek", "Jae-won", "surgeon", "이국종", "교수", "drama", "the", "s"]
FTS_PIECES = ['"', "*", "(", ")", "-", "+", "^", ":", "NEAR", "NEAR(", "AND", "OR", "NOT", "text:", "{text}",
              "'", "\\", ",", "%", "_", "\x00", "||", "**", "@everyone", "<@&1>", "🚁", "🤣", "\u200b", "\n"]
TOKEN = st.one_of(
    st.sampled_from(CORPUS_WORDS),
    st.sampled_from(FTS_PIECES),
    st.text(max_size=12),  # anything at all, any script
    st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=4),  # Hangul
)
QUERY = st.lists(TOKEN, max_size=40).flatmap(
    lambda tokens: st.sampled_from(["", " ", "  "]).map(lambda sep: (sep or " ").join(tokens))
).map(lambda text: text[:MAX_QUERY_CHARS])


def _fold(word: str) -> str:
    """Roughly what unicode61 with remove_diacritics does to a word: lower case, no accents."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERY)
async def test_fuzzed_queries_search_or_explain_never_fail(service: QuoteService, text: str) -> None:
    try:
        query = parse_query(text)
    except UserError as error:
        assert error.message and "fts5" not in error.message.lower()
        return
    assert re.fullmatch(r'"[^"\s]+"\*?( "[^"\s]+"\*?)*', query.match), query.match
    result = await service.search_query(query)
    assert result.total >= len(result.quotes)
    for quote in result.quotes:
        assert "".join(piece for piece, _ in quote.segments) == quote.text  # verbatim
        quote_words = [_fold(w) for w in words(quote.text)]
        for term in query.terms:  # every word the member typed is in every result (AND, prefix)
            assert any(w.startswith(_fold(term)) for w in quote_words), (term, quote.text)


@pytest.fixture
def fuzz_sim(sim: SimulatedServer) -> SimulatedServer:
    """The shared simulated server (conftest's `sim`), under this module's name."""
    return sim


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERY)
async def test_fuzzed_queries_through_the_tree_never_get_an_apology(fuzz_sim: SimulatedServer, text: str) -> None:
    reply = await fuzz_sim.command("/quote search", text=text, force=True)  # "" too, which the client won't send
    message = reply.message
    assert message.content != APOLOGY
    if message.ephemeral:
        assert message.content.startswith(("No quotes match", "Type a word", "Type at least"))
        assert len(message.content) <= 2000
    else:
        embed = message.embeds[0]
        assert embed["description"].startswith("> ") and len(embed["description"]) <= 4096
        assert len(embed["title"]) <= 256


async def test_whole_words_are_ranked_first_and_prefixes_fill_in(service: QuoteService) -> None:
    whole = await service.search("surgeon")  # 17 quotes have the word itself, 20 a word starting with it
    assert whole.total == 17
    assert all(re.search(r"\bsurgeon\b", quote.text, re.I) for quote in whole.quotes)
    partial = await service.search("heli")  # no word "heli": the prefix finds helicopter(s)
    assert partial.quotes and all("heli" in quote.text.lower() for quote in partial.quotes)
    assert any("helicopter" in quote.text.lower() for quote in partial.quotes)
