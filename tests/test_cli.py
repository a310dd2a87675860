"""The `goldenhour` CLI as an operator meets it: real processes, one-line errors, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REAL_PACK, ROOT


def goldenhour(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GOLDENHOUR_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60,
        env={**base, **(env or {})}, cwd=cwd or ROOT,
    )


def test_run_without_token_explains_and_exits_fast(tmp_path: Path) -> None:
    started = time.monotonic()
    result = goldenhour("run", env={"GOLDENHOUR_DATABASE": str(tmp_path / "x.db")}, cwd=tmp_path)
    assert time.monotonic() - started < 5
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "applications.commands" in result.stderr and "274878000128" in result.stderr
    assert "-m bot console" in result.stderr  # the advice names the command the way it was started
    assert "Traceback" not in result.stderr


def test_seed_twice_gives_the_same_counts(tmp_path: Path) -> None:
    env = {"GOLDENHOUR_DATABASE": str(tmp_path / "g.db")}
    first, second = goldenhour("seed", env=env), goldenhour("seed", env=env)
    assert first.returncode == second.returncode == 0, first.stderr
    counts = lambda out: [line for line in out.splitlines() if line.startswith("  ")]  # noqa: E731
    assert counts(first.stdout) == counts(second.stdout)
    assert any("trivia questions" in line for line in counts(first.stdout))


def test_seed_with_a_broken_pack_names_the_problem_and_keeps_content(tmp_path: Path) -> None:
    env = {"GOLDENHOUR_DATABASE": str(tmp_path / "g.db")}
    assert goldenhour("seed", env=env).returncode == 0
    broken = tmp_path / "broken"
    shutil.copytree(REAL_PACK, broken)
    characters = broken / "characters.yaml"
    characters.write_text(characters.read_text().replace("evidence: ", "evidence: XX", 1))
    result = goldenhour("seed", "--pack", str(broken), env=env)
    assert result.returncode == 1
    assert "characters.yaml: id baek-kang-hyuk:" in result.stderr and "not found verbatim" in result.stderr
    assert "Traceback" not in result.stderr
    stats = goldenhour("stats", env=env)
    assert stats.returncode == 0 and "The Trauma Code" in stats.stdout
    assert "  characters" in stats.stdout


def test_validate_writes_nothing_and_fails_on_problems(tmp_path: Path) -> None:
    ok = goldenhour("validate", env={"GOLDENHOUR_DATABASE": str(tmp_path / "never.db")})
    assert ok.returncode == 0 and "OK" in ok.stdout
    assert not (tmp_path / "never.db").exists()
    missing = goldenhour("validate", "--pack", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_backup_copies_the_database(tmp_path: Path) -> None:
    env = {"GOLDENHOUR_DATABASE": str(tmp_path / "g.db")}
    assert goldenhour("seed", env=env).returncode == 0
    result = goldenhour("backup", str(tmp_path / "copy.db"), env=env)
    assert result.returncode == 0, result.stderr
    again = goldenhour("stats", "--database", str(tmp_path / "copy.db"))
    assert again.returncode == 0 and "The Trauma Code" in again.stdout
    refused = goldenhour("backup", str(tmp_path / "copy.db"), env=env)
    assert refused.returncode == 2 and "already exists" in refused.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOLDENHOUR_DATABASE": "/nonexistent-dir/g.db"}, "database folder does not exist"),
        ({"GOLDENHOUR_LOG_LEVEL": "LOUD"}, "GOLDENHOUR_LOG_LEVEL"),
        ({"GOLDENHOUR_DEV_GUILD_ID": "my-server"}, "numeric Discord id"),
        ({"GOLDENHOUR_SPOILER_GUARD": "maybe"}, "on or off"),
    ],
)
def test_config_errors_are_one_line(env: dict[str, str], message: str) -> None:
    result = goldenhour("stats", env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unusable_database_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_text("not a database " * 200)
    result = goldenhour("stats", env={"GOLDENHOUR_DATABASE": str(path)})
    assert result.returncode == 2 and "not a usable SQLite database" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_an_invalid_pack_on_an_empty_database_fails_cleanly(tmp_path: Path) -> None:
    result = goldenhour("run", "--pack", str(tmp_path / "missing-pack"),
                        env={"DISCORD_TOKEN": "x", "GOLDENHOUR_DATABASE": str(tmp_path / "g.db")})
    assert result.returncode == 2
    assert "data pack is invalid" in result.stderr and "Traceback" not in result.stderr
