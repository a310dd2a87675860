"""Ingestion of the real documents into reviews, paragraphs and quotable sentences."""

from __future__ import annotations

import pytest

from bot.pack.ingest import BOILERPLATE_LINES, REVIEW_SEPARATOR, SPOILER_BANNER, ingest, split_reviews, split_sentences
from bot.pack.load import load_pack
from bot.pack.model import Pack, normalize_space
from tests.conftest import REAL_PACK


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = load_pack(REAL_PACK)
    assert result.pack is not None
    return result.pack


def test_review_document_has_twelve_reviews_six_flagged(pack: Pack) -> None:
    reviews = split_reviews("reviews", pack.documents["reviews"])
    assert len(reviews) == pack.documents["reviews"].count(REVIEW_SEPARATOR) == 12
    assert [r.spoiler_flag for r in reviews].count(True) == pack.documents["reviews"].count(SPOILER_BANNER) == 6
    assert reviews[0].headline == "TO SAVE LIVES!"
    assert reviews[0].spoiler_flag
    assert reviews[1].headline == "Roller Coaster fun watching" and not reviews[1].spoiler_flag
    assert reviews[-1].headline == "Now THIS is a bingeable drama!"


def test_no_boilerplate_and_no_repeated_paragraph_in_any_passage_or_quote(pack: Pack) -> None:
    passages, sentences = ingest(pack)
    for passage in passages:
        assert len(set(passage.paragraphs)) == len(passage.paragraphs), passage.headline
        assert REVIEW_SEPARATOR not in passage.body and SPOILER_BANNER not in passage.body
    for sentence in sentences:
        lowered = sentence.text.casefold()
        assert not any(line in lowered for line in BOILERPLATE_LINES), sentence.text
    texts = [(s.source, s.text) for s in sentences]
    assert len(texts) == len(set(texts))


def test_the_story_explainer_repeats_paragraphs_and_they_are_kept_once(pack: Pack) -> None:
    document = pack.documents["story-explainer"]
    repeated = "He’s a trauma surgeon with war zone mileage"
    assert document.count(repeated) >= 2
    passages, sentences = ingest(pack)
    article = next(p for p in passages if p.source == "story-explainer")
    assert sum(repeated in paragraph for paragraph in article.paragraphs) == 1
    assert sum(repeated in s.text for s in sentences if s.source == "story-explainer") == 1


def test_every_quote_is_verbatim_from_its_document(pack: Pack) -> None:
    _, sentences = ingest(pack)
    assert len(sentences) > 300
    for sentence in sentences:
        assert normalize_space(sentence.text) in normalize_space(pack.documents[sentence.source])


def test_articles_are_one_passage_titled_like_the_source(pack: Pack) -> None:
    passages, _ = ingest(pack)
    articles = [p for p in passages if p.source != "reviews"]
    assert {p.source for p in articles} == {s.id for s in pack.manifest.sources if s.format == "article"}
    for article in articles:
        assert article.headline == pack.sources[article.source].title


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Dr. Baek is here. He saves lives!", ["Dr. Baek is here.", "He saves lives!"]),
        ("It was fun.The plot centers on him.", ["It was fun.", "The plot centers on him."]),
        ("“Wow.” She said so? Yes…", ["“Wow.”", "She said so?", "Yes…"]),
        ("No boundary here", ["No boundary here"]),
        ("It premieres on Jan. 24, says Netflix. Watch it.", ["It premieres on Jan. 24, says Netflix.", "Watch it."]),
    ],
)
def test_sentence_splitting(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_an_ending_explainer_spoils_the_finale_past_its_warning(pack: Pack) -> None:
    _, sentences = ingest(pack)
    explainer = [s for s in sentences if s.source == "ending-explained"]
    before = [s for s in explainer if s.spoils is None]
    after = [s for s in explainer if s.spoils == 8]
    assert before and after and len(before) + len(after) == len(explainer)
    assert all(b.position < a.position for b in before for a in after)
    assert any("finally approves" in s.text for s in after)  # the finale, with no keyword in it
    assert all(s.spoils is None for s in sentences if s.source != "ending-explained")
