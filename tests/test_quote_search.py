"""The quote service without Discord: query sanitising, search, random memory, reviews; plus fuzzing
of member input, against the real pack, at the service and through the command tree."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.policy import Mode, SpoilerRules
from bot.quotes import MAX_QUERY_CHARS, QuoteService, RecentQuotes, parse_query, tokens, words
from bot.quotes.service import SEARCH_LIMIT, split_marked
from bot.runtime import APOLOGY
from bot.seeding import seed
from bot.simulator.offline import OfflineDiscord
from bot.store import Store
from tests.conftest import REAL_PACK, without_database

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
def fuzz_sim(sim: OfflineDiscord) -> OfflineDiscord:
    """The shared simulated server (conftest's `sim`), under this module's name."""
    return sim


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERY)
async def test_fuzzed_queries_through_the_tree_never_get_an_apology(fuzz_sim: OfflineDiscord, text: str) -> None:
    reply = await fuzz_sim.command("/quote search", text=text)
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


async def _ranked_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, common_from: int) -> Store:
    """The real pack seeded with every word in at least `common_from` quotes counted as common, and only
    those kept in memory (as in a pack too big to keep every word's quotes)."""
    import bot.store.quotes as quotes_module

    monkeypatch.setattr(quotes_module, "TOP_MATCH_MIN", common_from)
    monkeypatch.setattr(quotes_module, "WHOLE_INDEX_QUOTES", 0)
    store = await Store.open(tmp_path / "ranked.db")
    assert (await seed(store, REAL_PACK)).ok
    return store


def _live_answer(hits, limit: int) -> tuple[list[int], list[tuple[tuple[str, bool], ...]], int]:
    return ([row["id"] for row in hits.rows[:limit]],
            [split_marked(row["marked"], row["text"]) for row in hits.rows[:limit]], hits.total)


async def test_common_words_answer_from_memory_exactly_as_a_live_search(tmp_path: Path, monkeypatch) -> None:
    store = await _ranked_store(tmp_path, monkeypatch, 20)  # many words of the real pack, not just "the"
    try:
        common = [row[0] for row in await store.fetchall(
            "SELECT word FROM quote_word_counts WHERE matches >= 20 ORDER BY word")]
        assert len(common) >= 20 and "the" in common and "trauma" in common
        service = QuoteService(store)
        await service.reload()

        searchable = [word for word in common if len(word) > 1]  # one letter is refused before searching
        assert len(searchable) >= 20
        from_memory = 0
        for word in searchable:
            live = await store.search_quotes([f'"{word}"'], limit=SEARCH_LIMIT)
            if not all(tokens.is_plain(row["text"]) for row in live.rows):
                continue  # a quote with emoji: FTS5 marks it (see test_quote_tokens)
            from_memory += 1
            with without_database(store, "a common word"):
                for limit in range(1, SEARCH_LIMIT + 1):
                    kept = await service.search_query(parse_query(word), limit=limit)
                    assert ([quote.id for quote in kept.quotes], [quote.segments for quote in kept.quotes],
                            kept.total) == _live_answer(live, limit), word
                    assert kept.total >= 20 and len(kept.quotes) == limit
        assert from_memory >= len(searchable) - 3
        # and the kept ranking really is what a search reads: plant another quote, and a fresh load shows it
        before = (await service.search("Trauma")).quotes[0]
        planted = (await service.search("Trauma")).quotes[4]
        await store._db.execute("UPDATE quote_top_matches SET quote_id = ? WHERE word = 'trauma' AND rank = 0",
                                (planted.id,))
        assert (await service.search("Trauma")).quotes[0] == before  # still the loaded answer
        await service.reload()
        assert (await service.search("Trauma")).quotes[0] == planted
        assert (await seed(store, REAL_PACK)).ok  # a reseed reloads on the next search by itself
        assert (await service.search("Trauma")).quotes[0] == before
    finally:
        await store.close()


async def _answered_as_fts5(service: QuoteService, texts: list[str]) -> int:
    """How many of `texts` (each at page sizes 1 and 5) memory answered, asserting that every answer is
    FTS5's: the quotes, their order, the count, the marks, and every match's bm25 to the last bit."""
    store, library = service.store, await service.library()
    answered = 0
    for text in texts:
        query = parse_query(text)
        for limit in (1, SEARCH_LIMIT):
            live = await store.search_quotes([match for match, _ in query.variants()], limit=limit)
            page = QuoteService._page_in_memory(library, query, limit)
            if page is None:
                continue
            answered += 1
            # FTS5 went on to prefixes only where memory saw they stand for more than the whole words
            assert page.match == live.match or not library.widens(page.terms, dict(query.variants())[live.match]), text
            # the very bm25 figures FTS5 gives, to the last bit, for the expression that answered it
            scored = await store.fetchall("SELECT bm25(quotes_fts), rowid FROM quotes_fts WHERE quotes_fts"
                                          " MATCH ? ORDER BY bm25(quotes_fts), rowid", (live.match,))
            ranking = library.index.ranking(page.terms, page.prefixes)
            assert ranking == [tuple(row) for row in scored], text
            quotes = await service._marked(library, page)
            assert quotes is not None, text
            assert ([quote.id for quote in quotes], [quote.segments for quote in quotes], page.total) == \
                _live_answer(live, limit), text
    return answered


async def test_searches_of_several_common_words_rank_in_memory_exactly_as_fts5(tmp_path: Path,
                                                                              monkeypatch) -> None:
    """Pairs, triples, prefixes (which stand for several words), a letter, repeats and Hangul, with most
    words common: wherever memory answers, it gives FTS5's quotes, order, count and marks."""
    import random

    store = await _ranked_store(tmp_path, monkeypatch, 3)
    try:
        service = QuoteService(store)
        library = await service.library()
        assert library.index is not None
        vocabulary = await store.quote_vocabulary()
        common = [w for w in vocabulary if w in library.index.postings and len(w) > 1]
        rare = [w for w in vocabulary if w not in library.index.postings and w.isalpha()]
        rng = random.Random(8)
        texts = [" ".join(rng.sample(common, 2)) for _ in range(300)]
        texts += [" ".join(rng.sample(common, 3)) for _ in range(60)]
        texts += [word[:cut] for word in rng.sample(common, 120) for cut in (2, 3, 4) if len(word) > cut]
        texts += [f"{rng.choice(common)[:3]} {rng.choice(common)}" for _ in range(60)]
        texts += [f"{rng.choice(common)} {rng.choice(rare)}" for _ in range(20)]
        texts += ["the doctor", "a doctor", "Baek's team", "THE the", "trauma team center", "이국종", "이국"]
        answered = await _answered_as_fts5(service, texts)
        # memory answers a good share (the rest hold a rare word, or a prefix standing for one), so the
        # comparison above bites
        assert answered >= 0.35 * 2 * len(texts)
        # a rare word is left to FTS5
        assert QuoteService._page_in_memory(library, parse_query(f"the {rare[0]}"), SEARCH_LIMIT) is None
        import bot.quotes.index as index_module

        # a search with many matches scores only those that can make the page, and still gives FTS5's
        postings = library.index.postings
        pruned = [word for word in common if len(postings[word].ids) > 60
                  and len(library.index._contenders([[word]], postings[word].ids, SEARCH_LIMIT)) < 20]
        assert len(pruned) >= 3
        monkeypatch.setattr(index_module, "SCORE_ALL_UP_TO", 0)
        for sort_up_to in (0, 10**9):  # the shortest found by walking the lengths, or by sorting, alike
            monkeypatch.setattr(index_module, "SORT_UP_TO", sort_up_to)
            assert await _answered_as_fts5(service, texts) == answered
        # more quotes to score than MAX_SCORED, and than a SCORED_SHARE of what FTS5 would read: FTS5 ranks
        total, best = library.search(["the", "a"], [False, False], SEARCH_LIMIT)
        monkeypatch.setattr(index_module, "SCORE_ALL_UP_TO", 10**9)
        monkeypatch.setattr(index_module, "MAX_SCORED", total - 1)
        monkeypatch.setattr(index_module, "SCORED_SHARE", 10**9)
        assert library.search(["the", "a"], [False, False], SEARCH_LIMIT) is None
        monkeypatch.setattr(index_module, "SCORED_SHARE", 1)
        assert library.search(["the", "a"], [False, False], SEARCH_LIMIT) == (total, best)
    finally:
        await store.close()


async def test_a_small_pack_answers_searches_of_rare_words_from_memory_too(seeded_store: Store,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack of at most WHOLE_INDEX_QUOTES quotes keeps every word's quotes, so a search FTS5 alone could
    answer before (a word in one or two quotes, or the start of one) is answered from memory, as FTS5
    would answer it."""
    import random

    service = QuoteService(seeded_store)
    library = await service.library()
    assert library.index is not None
    counts = {row[0]: row[1] for row in await seeded_store.fetchall("SELECT word, matches FROM quote_word_counts")}
    assert set(library.index.postings) == set(counts)
    rare = sorted(word for word, matches in counts.items() if matches <= 2 and word.isalpha() and len(word) > 3)
    common = sorted(word for word, matches in counts.items() if matches >= 20 and len(word) > 1)
    assert len(rare) >= 100
    rng = random.Random(3)
    texts = rng.sample(rare, 80)
    texts += [f"{rng.choice(common)} {rng.choice(rare)}" for _ in range(40)]
    texts += [word[:4] for word in rng.sample(rare, 40)]
    answered = await _answered_as_fts5(service, texts)
    assert answered >= 0.9 * 2 * len(texts)
    # a prefix standing for more than MAX_PREFIX_WORDS words is left to FTS5
    import bot.quotes.index as index_module

    assert QuoteService._page_in_memory(library, parse_query("th"), SEARCH_LIMIT) is not None
    monkeypatch.setattr(index_module, "MAX_PREFIX_WORDS", 3)
    assert QuoteService._page_in_memory(library, parse_query("th"), SEARCH_LIMIT) is None


async def test_ids_too_sparse_to_keep_lengths_by_id_leave_searches_to_fts5(seeded_store: Store) -> None:
    """The index keeps each quote's length at its id, which a seed numbers 1, 2, 3…; ids spread far wider
    than the quotes (a database no seed wrote) would make that mostly gaps, so there is no index."""
    from array import array

    from bot.quotes.index import MAX_ID_SPREAD, WordIndex

    postings, vocabulary = await seeded_store.word_postings(), await seeded_store.quote_vocabulary()
    ids, lengths = await seeded_store.quote_token_counts()
    built = WordIndex.build(postings, vocabulary, ids, (ids, lengths))
    assert built is not None and [built.lengths_by_id[quote_id] for quote_id in ids] == list(lengths)
    spread = array(ids.typecode, [*ids[:-1], MAX_ID_SPREAD * len(ids) + 1])
    assert WordIndex.build(postings, vocabulary, spread, (spread, lengths)) is None


async def test_prefixes_that_stand_only_for_the_whole_words_are_not_searched_again(
        seeded_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that fills less than a page with whole words goes on to prefixes, as FTS5 does; where
    every prefix stands for no word but itself, that would find the same page, so memory skips it
    and still gives FTS5's answer. A prefix that stands for longer words is still searched."""
    from bot.quotes.index import WordIndex

    service = QuoteService(seeded_store)
    await service.library()
    vocabulary = await seeded_store.quote_vocabulary()
    counts = {row[0]: row[1] for row in await seeded_store.fetchall("SELECT word, matches FROM quote_word_counts")}
    alone = [w for i, w in enumerate(vocabulary) if w.isalpha() and len(w) > 3 and counts[w] < SEARCH_LIMIT
             and not (i + 1 < len(vocabulary) and vocabulary[i + 1].startswith(w))]
    widening = [w for i, w in enumerate(vocabulary) if w.isalpha() and len(w) > 3 and counts[w] < SEARCH_LIMIT
                and i + 1 < len(vocabulary) and vocabulary[i + 1].startswith(w)]
    assert alone and widening
    searched: list[tuple[bool, ...]] = []
    search = WordIndex.search

    def counted(self: WordIndex, terms, prefixes, limit):
        searched.append(tuple(prefixes))
        return search(self, terms, prefixes, limit)

    monkeypatch.setattr(WordIndex, "search", counted)
    for word, tries in ((alone[0], [(False,)]), (widening[0], [(False,), (True,)])):
        searched.clear()
        result = await service.search(word)
        assert searched == tries, word
        live = await seeded_store.search_quotes([match for match, _ in parse_query(word).variants()],
                                                limit=SEARCH_LIMIT)
        assert ([quote.id for quote in result.quotes], [quote.segments for quote in result.quotes],
                result.total) == _live_answer(live, SEARCH_LIMIT), word


async def test_a_quote_only_fts5_can_mark_is_marked_by_fts5_within_a_page_from_memory(
        seeded_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page found in memory that holds a quote with emoji (text our tokenizer doesn't read as FTS5
    does) asks FTS5 for that quote's marks alone; the answer is still exactly a live search's."""
    rows = await seeded_store.fetchall("SELECT id, text FROM quotes ORDER BY id")
    odd = next(row for row in rows if not tokens.is_plain(row["text"]))
    for word in sorted((w for w in words(odd["text"]) if tokens.term(w) and len(w) > 3), key=len, reverse=True):
        live = await seeded_store.search_quotes([match for match, _ in parse_query(word).variants()],
                                                limit=SEARCH_LIMIT)
        if odd["id"] in [row["id"] for row in live.rows]:
            break
    assert odd["id"] in [row["id"] for row in live.rows]
    service = QuoteService(seeded_store)
    await service.library()
    asked: list[list[int]] = []
    highlighted = seeded_store.highlighted

    async def counted(match: str, ids: list[int]) -> dict[int, str]:
        asked.append(list(ids))
        return await highlighted(match, ids)

    async def no_live_search(*args, **kwargs):
        raise AssertionError("searched FTS5 for the whole page")

    monkeypatch.setattr(seeded_store, "highlighted", counted)
    monkeypatch.setattr(seeded_store, "search_quotes", no_live_search)
    result = await service.search(word)
    assert asked == [[odd["id"]]]
    assert ([quote.id for quote in result.quotes], [quote.segments for quote in result.quotes], result.total) == \
        _live_answer(live, SEARCH_LIMIT)
    assert any(matched for piece, matched in result.quotes[[q.id for q in result.quotes].index(odd["id"])].segments)
