"""Rendering quote text: the short way for text with no matched words (a headline under every quote of
a search reply) must give what the general way gives, for any text, rules and limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy import SpoilerRules
from bot.policy.rules import Mode
from bot.quotes.render import HEADLINE_CHARS, shown, shown_text

# Any text but the renderer's own placeholders for bold and pipes, which no document contains.
TEXT = st.one_of(
    st.text(st.characters(exclude_characters="\x00\x02\x03"), max_size=300),
    st.lists(st.sampled_from([*"_*~|`@>#-\n ", "word", "“Baek”", "||", "x" * 150]), max_size=12).map("".join),
)
RULES = st.builds(SpoilerRules, st.sampled_from(list(Mode)), st.integers(0, 8))


@settings(max_examples=400)
@given(TEXT, st.one_of(st.none(), st.integers(1, 8)), RULES, st.sampled_from([None, 5, 40, HEADLINE_CHARS]))
def test_unmarked_text_is_shown_as_the_general_way_shows_it(text: str, episode: int | None,
                                                            rules: SpoilerRules, limit: int | None) -> None:
    assert shown_text(text, episode, rules, limit) == shown(((text, False),), episode, rules, limit)


def test_a_long_plain_headline_is_cut_to_its_limit() -> None:
    cut = shown_text("a headline " * 40, None, SpoilerRules(Mode.MASK, 0), HEADLINE_CHARS)
    assert len(cut) <= HEADLINE_CHARS and cut.endswith("…")
