"""The masker: Discord really hides what it masks, markdown and links survive, limits hold, and the
text comes back unchanged when unmasked (hypothesis explores the awkward inputs)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.policy.masking import ELLIPSIS, mask, mask_chunks, unmask
from bot.policy.rules import Mode, SpoilerRules

WS = r"[^\S\n]"  # whitespace within a line
LEAD = rf"(?:{WS}*(?:>>>|>|-#|[-*+]|\d{{1,3}}[.)]|#{{1,3}})(?={WS}))*{WS}*"
SHOWN_LINE = re.compile(rf"^{LEAD}(?:\x00{WS}*)?{ELLIPSIS}?$")
MARKUP_ONLY = re.compile(r"[\s>\-*+#\d.)]*")


def discord_spans(masked: str) -> tuple[str, list[str]]:
    """Read `masked` the way Discord finds spoilers: `||`, then the first `||` after at least one
    character, escapes or not. Returns what stays visible (each span as \\x00) and the spans."""
    visible: list[str] = []
    spans: list[str] = []
    index = 0
    while index < len(masked):
        if masked.startswith("||", index):
            close = masked.find("||", index + 3)
            if close != -1:
                spans.append(masked[index + 2:close])
                visible.append("\x00")
                index = close + 2
                continue
        visible.append(masked[index])
        index += 1
    return "".join(visible), spans


def assert_really_hidden(masked: str) -> None:
    """Outside spoiler spans only block markers, whitespace and an ellipsis remain, one span per line
    at most (a code block's span may cover several lines); no span ends in an escape, so a parser that
    honours escapes finds the same spans."""
    visible, spans = discord_spans(masked)
    for line in visible.split("\n"):
        assert SHOWN_LINE.match(line), f"visible text outside spoiler tags: {line!r} in {masked!r}"
    for span in spans:
        assert not span.endswith("\\"), f"span ends in an escape: {span!r}"
        assert "||" not in span and not span.startswith("|") and not span.endswith("|")


FRAGMENTS = st.sampled_from([
    "||", "|", "\\", "\\|", "`", "```", "```py\n", "\n```", "*", "**", "_", "~~", "> ", ">>> ", "- ", "* ", "1. ",
    "# ", "## ", "-# ", "\n", "\n\n", "  ", "\t", "https://example.com/a|b", "<https://x.org>", "http://y.io/x_(1)",
    "[link](https://x.y/z)", "@everyone", "<@123>", "Baek", "백강혁", "😀", "👩‍⚕️", "…", "a", "word ", "\r\n",
])
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("Black Wings || Malak")
@example("ends with a pipe |")
@example("ends with a backslash \\")
@example("see https://example.com/path")
@example("```\ncode || more\n```")
@example("|")
@example("  - nested\n> - quote list")
def test_mask_hides_everything_and_unmasks_to_the_same_text(text: str) -> None:
    masked = mask(text)
    assert unmask(masked) == text
    assert_really_hidden(masked)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=0, max_value=120))
def test_cut_never_exceeds_the_limit_and_never_leaks(text: str, limit: int) -> None:
    masked = mask(text, limit)
    assert len(masked) <= limit
    assert_really_hidden(masked)
    shown = unmask(masked).removesuffix(ELLIPSIS).rstrip()
    assert text.startswith(shown), (text, masked)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(min_value=8, max_value=80), st.integers(min_value=8, max_value=80))
@example("> >>> >>> ", 8, 9)  # found by CI: a markup-only line cut where the first piece's room ends
def test_chunks_keep_every_character_within_the_limits(text: str, limit: int, first: int) -> None:
    chunks = mask_chunks(text, limit, first_limit=first)
    assert "".join(unmask(chunk) for chunk in chunks) == text
    for index, chunk in enumerate(chunks):
        assert len(chunk) <= (first if index == 0 else limit)
        if "||" in chunk:
            assert_really_hidden(chunk)
        else:  # a piece of a line that is all markup (`> >>> >>>`), cut because it alone is too long
            assert MARKUP_ONLY.fullmatch(chunk), chunk


@settings(max_examples=100, deadline=None)
@given(TEXT, st.sampled_from([1024, 2000, 4096]))
def test_render_respects_discord_limits(text: str, limit: int) -> None:
    text = text * 60  # long enough to need cutting most of the time
    rendered = SpoilerRules(Mode.MASK, 0).render(text, 3, limit)
    assert len(rendered) <= limit
    assert_really_hidden(rendered)


def test_block_markup_stays_outside_the_spoiler() -> None:
    assert mask("- first\n- second") == "- ||first||\n- ||second||"
    assert mask("> quoted\n# Heading\n1. item") == "> ||quoted||\n# ||Heading||\n1. ||item||"
    assert mask("line one\n\nline three") == "||line one||\n\n||line three||"


def test_a_code_block_is_wrapped_whole() -> None:
    text = "```py\nprint('hi')\n```"
    assert mask(text) == f"||{text}||"


def test_links_and_lone_pipes_are_left_alone_but_the_closing_tag_is_protected() -> None:
    # a URL last in the span gets a space before the closing tag, so no URL parser can swallow it
    assert mask("[the article](https://example.com/a)") == "||[the article](https://example.com/a) ||"
    assert mask("https://example.com/a then words") == "||https://example.com/a then words||"
    assert mask("read https://example.com/a") == "||read https://example.com/a ||"
    assert mask("a | b") == "||a | b||"


def test_pipes_that_would_end_the_spoiler_are_escaped() -> None:
    masked = mask("Malak || angel")
    assert masked == "||Malak \\|\\| angel||"
    assert unmask(masked) == "Malak || angel"


def test_a_cut_closes_the_span_it_falls_in() -> None:
    text = "Baek once belonged to Black Wings, a private military medical unit."
    masked = mask(text, 30)
    assert len(masked) <= 30
    assert masked.startswith("||") and masked.endswith(f"{ELLIPSIS}||")
    assert "Black Wings" not in discord_spans(masked)[0]


def test_hangul_and_emoji_survive() -> None:
    text = "백강혁 선생님 😀\n- 양재원 👩‍⚕️"
    assert unmask(mask(text)) == text
    assert mask(text).splitlines()[1].startswith("- ||")
