"""Which episode a text gives away by naming a spoiler keyword: searching the keywords latest first and
stopping at the first found (what every search reply and seed does) must give exactly the latest
episode of all the keywords `names_keyword`, the guard's matcher, finds."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.policy.keywords import names_keyword, quote_episode

# Keywords that overlap, nest, start inside one another, hold regex syntax, or aren't Latin.
POOL = ["Black Wings", "Wings", "wing", "Sudan", "Baek", "Baek's father", "father", "K-pop", "#1", "3",
        "이국종", "co-op", "e.r.", "a+b", "(parens)", "Ωmega", "  spaced  ", "sudan crisis", "the"]
FRAGMENTS = [*POOL, "BLACK", "wings", "WINGS", "black\n\twings", "Sudanese", "sudan에서", "baek’s", "BAEK'S",
             "fathers", "kpop", "#12", "13", "이국종이", "co", "-", "op", "E.R.", "ΩMEGA", "ωmega", "_", " ", "  ",
             ".", "'", "a", "b", "+", "(", ")", "x"]


def _latest_of_all_found(text: str, keywords: list[tuple[int, str]]) -> int | None:
    return max((episode for episode, keyword in keywords if names_keyword(text, keyword)), default=None)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join) | st.text(max_size=40),
       st.lists(st.tuples(st.integers(1, 12), st.sampled_from(POOL)), max_size=8))
@example("Baek's father was in Black Wings", [(3, "Black Wings"), (8, "Wings"), (1, "Baek"), (9, "Baek's father")])
@example("Black Wings", [(3, "Black Wings"), (8, "Wings")])  # the later keyword starts inside the earlier
@example("sudan에서", [(7, "Sudan")])
def test_the_first_keyword_found_latest_first_is_the_latest_of_all_found(text: str,
                                                                         keywords: list[tuple[int, str]]) -> None:
    assert quote_episode(text, False, keywords, 12) == _latest_of_all_found(text, keywords)


def test_the_latest_of_overlapping_keywords_counts_wherever_it_starts() -> None:
    keywords = [(3, "Black Wings"), (8, "Wings"), (1, "Baek"), (9, "Baek's father")]
    assert quote_episode("Baek was in BLACK   WINGS", False, keywords, 12) == 8
    assert quote_episode("Baek's father", False, keywords, 12) == 9
    assert quote_episode("Baek", False, keywords, 12) == 1
    assert quote_episode("Sudanese food", False, [(7, "Sudan")], 12) is None
    assert quote_episode("nothing here", True, keywords, 12) == 12  # a flagged review spoils the run
    assert quote_episode("Baek", False, [(5, "   ")], 12) is None  # a blank keyword names nothing
