"""The Python tokenizer behind searches answered from memory, checked against FTS5 itself: every
character it calls plain, and the marks on every quote of the real pack."""

from __future__ import annotations

import re
import sqlite3

import pytest

from bot.quotes import tokens
from bot.quotes.service import split_marked
from bot.store import Store
from bot.store.quotes import MARK_CLOSE, MARK_OPEN


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, 't', 'instance')")
    return conn


def _fts_terms(conn: sqlite3.Connection, text: str) -> list[str]:
    conn.execute("DELETE FROM t")
    conn.execute("INSERT INTO t VALUES (?)", (text,))
    return [row[0] for row in conn.execute("SELECT term FROM v ORDER BY offset")]


def test_every_plain_character_tokenizes_and_folds_as_in_fts5(fts: sqlite3.Connection) -> None:
    plain = [chr(code) for low, high in tokens.PLAIN_RANGES for code in range(low, high + 1)]
    assert len(plain) > 11_000
    differ = []
    for char in plain:
        for text in (f"a{char}b", char, f"x {char}{char}y Z"):
            ours = [tokens.fold(token) for token in re.findall(r"[^\W_]+", text)]
            if _fts_terms(fts, text) != ours:
                differ.append(hex(ord(char)))
                break
    assert differ == []


def test_token_characters_are_those_str_isalnum_accepts() -> None:
    """`mark` finds token boundaries with str.isalnum(); `term` and FTS5's categories with the class
    [^\\W_]. Every code point must get the same answer from both."""
    token_char = re.compile(r"[^\W_]")
    differ = [hex(code) for code in range(0x110000)
              if chr(code).isalnum() != (token_char.fullmatch(chr(code)) is not None)]
    assert differ == []


def test_marks_fall_on_whole_tokens_only() -> None:
    text = "The theme: then “the” THE-end, other"
    assert [piece for piece, matched in tokens.mark(text, ["the"], [False]) if matched] == ["The", "the", "THE"]
    assert [piece for piece, matched in tokens.mark(text, ["the"], [True]) if matched] == [
        "The", "theme", "then", "the", "THE"]
    assert tokens.mark(text, ["he"], [True]) == ((text, False),)


@pytest.mark.parametrize("char", ["µ", "ſ", "\u0301", "\u2066", "\ue000", "ﬁ", "α"])
def test_characters_where_python_and_fts5_part_are_not_plain(fts: sqlite3.Connection, char: str) -> None:
    assert not tokens.is_plain(f"a{char}b")
    assert tokens.mark(f"a{char}b", ["a"], [False]) is None
    assert tokens.term(f"a{char}b") is None


def test_search_words_become_fts5_vocabulary_terms() -> None:
    assert tokens.term("Café") == "cafe"
    assert tokens.term("BAEK") == "baek"
    assert tokens.term("이국종") == "이국종"
    assert tokens.term("Straße") == "straße"
    assert tokens.term("two words") is None


async def test_marks_equal_fts5_highlight_on_every_real_quote(seeded_store: Store) -> None:
    rows = await seeded_store.fetchall("SELECT id, text FROM quotes ORDER BY id")
    assert len(rows) > 300
    plain = {row["id"]: row["text"] for row in rows if tokens.is_plain(row["text"])}
    assert len(plain) >= 0.98 * len(rows)  # all but a few quotes with emoji, which FTS5 marks instead
    queries = [(["the"], [False]), (["baek"], [True]), (["trauma", "center"], [False, True]),
               (["이국종"], [True]), (["s"], [False]), (["he"], [True])]
    compared = 0
    for terms, prefixes in queries:
        match = " ".join(f'"{t}"*' if p else f'"{t}"' for t, p in zip(terms, prefixes, strict=True))
        marked = await seeded_store.fetchall(
            "SELECT rowid, highlight(quotes_fts, 0, ?, ?) AS marked FROM quotes_fts WHERE quotes_fts MATCH ?",
            (MARK_OPEN, MARK_CLOSE, match))
        for row in marked:
            text = plain.get(row["rowid"])
            if text is None:
                continue
            assert tokens.mark(text, terms, prefixes) == split_marked(row["marked"], text), (terms, text)
            compared += 1
    assert compared > 200
