"""The validator reports every problem as file + item + field, and checks evidence for real."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.pack.load import load_pack
from tests.conftest import MINI_PACK


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINI_PACK, target)
    return target


def edit(pack_dir: Path, name: str, change) -> None:
    path = pack_dir / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def problems(pack_dir: Path) -> list[tuple[str, str, str]]:
    return [(p.file, p.item, p.field) for p in load_pack(pack_dir).problems]


def test_the_fixture_pack_is_valid(pack_dir: Path) -> None:
    result = load_pack(pack_dir)
    assert result.ok, result.problems


def test_evidence_absent_from_its_document_is_named(pack_dir: Path) -> None:
    edit(pack_dir, "characters.yaml", lambda d: d["characters"][0]["facts"][0].update(evidence="saves the city"))
    assert problems(pack_dir) == [("characters.yaml", "id dr-hero", "facts[0].evidence")]


def test_evidence_from_the_wrong_document_is_caught(pack_dir: Path) -> None:
    edit(pack_dir, "trivia.yaml", lambda d: d["questions"][0].update(source="reviews"))
    assert problems(pack_dir) == [("trivia.yaml", "id cast-001", "evidence")]


def test_unknown_source_is_named(pack_dir: Path) -> None:
    edit(pack_dir, "people.yaml", lambda d: d["people"][0].update(source="wikipedia"))
    assert problems(pack_dir) == [("people.yaml", "id writer-person", "source")]


def test_question_without_exactly_one_correct_answer(pack_dir: Path) -> None:
    edit(pack_dir, "trivia.yaml", lambda d: d["questions"][0].update(wrong=["jane actor", "Jim Actor", "Joan Actor"]))
    assert problems(pack_dir) == [("trivia.yaml", "id cast-001", "wrong")]


def test_question_with_two_wrong_answers_is_named(pack_dir: Path) -> None:
    edit(pack_dir, "trivia.yaml", lambda d: d["questions"][1].update(wrong=["Day Hawk", "Red Fox"]))
    assert ("trivia.yaml", "id plot-001", "wrong") in problems(pack_dir)


def test_episode_outside_the_run_is_named(pack_dir: Path) -> None:
    edit(pack_dir, "trivia.yaml", lambda d: d["questions"][1].update(episode=9))
    assert problems(pack_dir) == [("trivia.yaml", "id plot-001", "episode")]
    edit(pack_dir, "episodes.yaml", lambda d: d["episodes"].append({"number": 0, "covered": False}))
    assert ("episodes.yaml", "number 0", "number") in problems(pack_dir)


def test_alias_shared_by_two_characters_is_named(pack_dir: Path) -> None:
    alias = {"name": "night-owl", "kind": "nickname", "source": "article", "evidence": "the code name Night Owl"}
    edit(pack_dir, "characters.yaml", lambda d: d["characters"][1].setdefault("aliases", []).append(alias))
    assert problems(pack_dir) == [("characters.yaml", "id dr-sidekick", "aliases[0]")]


def test_schema_errors_name_the_field_and_keep_going(pack_dir: Path) -> None:
    def break_two(d: dict) -> None:
        d["questions"][0]["difficulty"] = "impossible"
        del d["questions"][1]["answer"]

    edit(pack_dir, "trivia.yaml", break_two)
    assert problems(pack_dir) == [
        ("trivia.yaml", "id cast-001", "difficulty"),
        ("trivia.yaml", "id plot-001", "answer"),
    ]


def test_invalid_yaml_and_missing_file_are_reported_not_raised(pack_dir: Path) -> None:
    (pack_dir / "episodes.yaml").write_text("episodes: [unclosed\n")
    (pack_dir / "people.yaml").unlink()
    found = problems(pack_dir)
    assert ("people.yaml", "-", "-") in found
    assert any(f == "episodes.yaml" and item.startswith("line") for f, item, _ in found)


def test_spoiler_keyword_must_occur_in_a_document(pack_dir: Path) -> None:
    edit(pack_dir, "episodes.yaml", lambda d: d["episodes"][1]["spoiler_keywords"].append("Purple Dragon"))
    assert problems(pack_dir) == [("episodes.yaml", "number 2", "spoiler_keywords[1]")]


def test_a_spoiler_marker_must_be_in_its_document(pack_dir: Path) -> None:
    edit(pack_dir, "manifest.yaml", lambda d: d["sources"][1].update(spoils_episode=2, spoilers_after="Beware!"))
    assert problems(pack_dir) == [("manifest.yaml", "source article", "sources[1].spoilers_after_evidence")]
    edit(pack_dir, "manifest.yaml", lambda d: d["sources"][1].update(spoils_episode=3, spoilers_after=None))
    assert problems(pack_dir) == [("manifest.yaml", "source article", "sources[1].spoils_episode")]
