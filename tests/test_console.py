"""The offline console runs the real tree and shows replies as text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from bot.simulator.console import run_console
from bot.simulator.session import SimulatedServer
from tests.conftest import ROOT


async def run(sim: SimulatedServer, *lines: str) -> str:
    out = io.StringIO()
    assert await run_console(sim, list(lines), out=out) == 0
    return out.getvalue()


async def test_about_renders_embed_as_text(sim: SimulatedServer) -> None:
    text = await run(sim, "/about")
    assert "(only you can see this)" in text
    assert "┃ Golden Hour — The Trauma Code: Heroes on Call" in text
    assert "▸ Sources" in text


async def test_meta_commands_switch_user_and_channel_and_report_errors(sim: SimulatedServer) -> None:
    text = await run(sim, ":as moderator", ":channel spoilers", ":as nobody", "/nope", ":press 1", "hello")
    assert "You are now moderator." in text and "You are now in #spoilers." in text
    assert "! unknown user" in text
    assert "! no command /nope" in text
    assert "! no message with buttons yet" in text
    assert "Commands start with /" in text


async def test_interactive_mode_reads_until_quit(sim: SimulatedServer) -> None:
    lines = iter(["/about", ":quit", "/about"])
    out = io.StringIO()
    assert await run_console(sim, None, out=out, read=lambda prompt: next(lines)) == 0
    assert out.getvalue().count("Golden Hour — The Trauma Code") == 1


def test_console_cli_runs_without_a_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--database", str(tmp_path / "c.db"), "-c", "/about"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "> /about" in result.stdout and "The Trauma Code" in result.stdout


async def test_buttons_menus_and_autocomplete_work_from_the_console(sim: SimulatedServer) -> None:
    text = await run(sim, ":complete /character name:kang hy")
    assert "Baek Kang-hyuk" in text
    text = await run(sim, "/character name:Kang", ":choose Kang Myung-hui")
    assert "[menu:" in text  # two characters match "Kang" about equally: the console shows the menu
    assert "┃ Kang Myung-hui" in text  # and choosing turns it into her card
    text = await run(sim, "/trivia start questions:1", ":press 1", ":press 2")
    assert "[1] A." in text and "Locked in" in text and "You already answered" in text


async def test_spoilers_show_masked_until_revealed(sim: SimulatedServer) -> None:
    text = await run(sim, "/recap episode:8", ":reveal")
    masked, revealed = text.split("> :reveal")
    assert "(spoiler)" in masked
    assert "(spoiler)" not in revealed and "[" in revealed


async def test_options_by_name_and_mentions_shown_as_names(sim: SimulatedServer) -> None:
    text = await run(sim, ":as moderator", "/spoilers modrole role:Spoiler Police", "/spoilers modrole role:Nope",
                     "/trivia stats member:helper", ":as helper", "/spoilers mode mode:off")
    assert "→ @Spoiler Police" in text and "<@&" not in text
    assert "no role 'Nope'" in text
    assert "Trivia stats · helper" in text
    assert "Server mode: default → `off`" in text  # the helper holds the role now


async def test_values_may_hold_quotes_and_apostrophes(sim: SimulatedServer) -> None:
    text = await run(sim, "/quote search text:Baek's \"hand of god\"")
    assert "cannot parse" not in text and "Sorry, something went wrong" not in text
    assert "No quotes match “Baek's \"hand of god\"”" in text  # the whole value reached the command
