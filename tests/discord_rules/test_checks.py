"""The rules checkers themselves: they must catch what Discord rejects, or the suite proves nothing."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from bot.simulator.fake_discord import TOKEN, FakeDiscord, Recorded
from bot.simulator.session import SimulatedServer
from tests import discord_rules as rules


def _button_rows(rows: int, per_row: int) -> list[dict]:
    return [{"type": 1, "components": [{"type": 2, "style": 1, "label": f"b{r}-{i}", "custom_id": f"id-{r}-{i}"}
                                       for i in range(per_row)]} for r in range(rows)]


def test_a_message_within_limits_passes() -> None:
    card = discord.Embed(title="t" * 256, description="d" * 4096)
    card.add_field(name="n" * 256, value="v" * 1024)
    card.set_footer(text="f" * 300)
    payload = {"content": "c" * 2000, "embeds": [card.to_dict()], "components": _button_rows(5, 5)}
    assert rules.check_message(payload) == []


@pytest.mark.parametrize(("payload", "expected"), [
    ({"content": "x" * 2001}, "content is 2001"),
    ({"embeds": [{"description": "x" * 4097}]}, "description is 4097"),
    ({"embeds": [{"title": "x" * 257}]}, "title is 257"),
    ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "value is 1025"),
    ({"embeds": [{"fields": [{"name": "n", "value": ""}]}]}, "empty value"),
    ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "26 fields"),
    ({"embeds": [{"footer": {"text": "x" * 2049}}]}, "footer is 2049"),
    ({"embeds": [{"author": {"name": "x" * 257}}]}, "author name is 257"),
    ({"embeds": [{"description": "x" * 4000, "fields": [{"name": "n", "value": "v" * 1000}] * 2}]},
     "6002 characters"),
    ({"embeds": [{"description": "x" * 3500}, {"description": "y" * 3500}]}, "7000 characters in total"),
    ({"embeds": [{}] * 11}, "11 embeds"),
    ({"components": _button_rows(6, 1)}, "6 action rows"),
    ({"components": _button_rows(1, 6)}, "6 buttons"),
    ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "x" * 101}]}]},
     "custom_id"),
    ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "same"},
                                                {"type": 2, "style": 1, "label": "b", "custom_id": "same"}]}]},
     "used twice"),
    ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x" * 81, "custom_id": "a"}]}]},
     "label is 81"),
    ({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [
        {"label": str(i), "value": str(i)} for i in range(26)]}]}]}, "26 options"),
    ({"components": [{"type": 2, "style": 1, "label": "a", "custom_id": "a"}]}, "not an action row"),
])
def test_each_limit_is_caught(payload: dict, expected: str) -> None:
    problems = rules.check_message(payload)
    assert any(expected in p for p in problems), problems


def test_autocomplete_choices() -> None:
    assert rules.check_callback({"type": 8, "data": {"choices": [{"name": "a", "value": "a"}] * 25}}) == []
    assert rules.check_callback({"type": 8, "data": {"choices": [{"name": "a", "value": "a"}] * 26}})
    assert rules.check_callback({"type": 8, "data": {"choices": [{"name": "", "value": "a"}]}})
    assert rules.check_callback({"type": 8, "data": {"choices": [{"name": "x" * 101, "value": "a"}]}})


def _command(**overrides: object) -> dict:
    command = {"type": 1, "name": "recap", "description": "An episode recap", "options": [
        {"type": 4, "name": "episode", "description": "Which episode", "required": True, "min_value": 1,
         "max_value": 8}]}
    command.update(overrides)
    return command


def test_a_valid_registration_passes() -> None:
    menu = {"type": 3, "name": "Mark as spoiler", "description": ""}
    assert rules.check_commands([_command(), menu]) == []


@pytest.mark.parametrize(("command", "expected"), [
    (_command(name="Recap"), "lowercase"),
    (_command(name="re cap"), "lowercase"),
    (_command(name="x" * 33), "lowercase"),
    (_command(description=""), "description must be"),
    (_command(description="x" * 101), "description must be"),
    (_command(options=[{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)]), "26 options"),
    (_command(options=[{"type": 3, "name": "a", "description": "d"},
                       {"type": 3, "name": "b", "description": "d", "required": True}]), "before optional"),
    (_command(options=[{"type": 3, "name": "a", "description": "d",
                        "choices": [{"name": str(i), "value": str(i)} for i in range(26)]}]), "26 choices"),
    (_command(options=[{"type": 3, "name": "a", "description": "d", "autocomplete": True,
                        "choices": [{"name": "x", "value": "x"}]}]), "mutually exclusive"),
    (_command(options=[{"type": 1, "name": "sub", "description": "d"},
                       {"type": 3, "name": "a", "description": "d"}]), "beside ordinary options"),
    (_command(options=[{"type": 1, "name": "sub", "description": "d",
                        "options": [{"type": 1, "name": "deeper", "description": "d"}]}]), "can't hold"),
    (_command(options=[{"type": 2, "name": "group", "description": "d",
                        "options": [{"type": 3, "name": "a", "description": "d"}]}]), "only subcommands"),
    (_command(options=[{"type": 3, "name": "a", "description": "d", "min_value": 1}]), "min_value only"),
    ({"type": 3, "name": "Mark as spoiler", "description": "marks it"}, "no description"),
])
def test_each_registration_rule_is_caught(command: dict, expected: str) -> None:
    problems = rules.check_commands([command])
    assert any(expected in p for p in problems), problems


def test_duplicate_names_are_caught() -> None:
    assert any("used twice" in p for p in rules.check_commands([_command(), _command()]))


def _pings(method: str, path: str, body: dict) -> list[str]:
    return rules.check_no_pings(Recorded(method, path, {}, body, None))


def test_pings_are_caught_on_created_messages_only() -> None:
    silent = {"content": "@everyone hi", "allowed_mentions": {"parse": []}}
    assert _pings("POST", "/channels/1/messages", silent) == []
    assert _pings("POST", "/channels/1/messages", {"content": "@everyone hi"})
    assert _pings("POST", "/webhooks/1/t", {"content": "x", "allowed_mentions": {"parse": ["everyone"]}})
    assert _pings("POST", "/interactions/1/t/callback", {"type": 4, "data": {"content": "x"}})
    assert _pings("POST", "/interactions/1/t/callback", {"type": 8, "data": {"choices": []}}) == []
    assert _pings("PATCH", "/channels/1/messages/2", {"content": "x"}) == []


EPISODE = {"type": 4, "name": "episode", "description": "d", "required": True, "min_value": 1, "max_value": 8}


@pytest.mark.parametrize(("options", "expected"), [
    ([{"name": "episode", "type": 4, "value": 9}], "outside the range"),
    ([{"name": "episode", "type": 4, "value": "3"}], "not a valid value"),
    ([{"name": "episode", "type": 4, "value": True}], "not a valid value"),
    ([], "the client requires ['episode']"),
])
def test_the_client_refuses_what_discord_would_not_let_a_member_send(options: list, expected: str) -> None:
    problems = rules.check_options("/recap", [EPISODE], options)
    assert any(expected in p for p in problems), problems


def test_the_client_sends_valid_values_and_what_is_typed_so_far() -> None:
    assert rules.check_options("/recap", [EPISODE], [{"name": "episode", "type": 4, "value": 8}]) == []
    typing = {"name": "episode", "type": 4, "value": "", "focused": True}
    assert rules.check_options("/recap", [EPISODE], [typing]) == []


async def test_the_client_check_is_installed_in_the_simulated_server(sim: SimulatedServer) -> None:
    with pytest.raises(AssertionError, match="outside the range"):
        await sim.command("/trivia start", questions=999)


async def test_the_fake_refuses_a_payload_over_a_limit_as_discord_does() -> None:
    fake = await FakeDiscord(**rules.HOOKS).start()
    try:
        url = f"{fake.api_base}/channels/{fake.channels['general'].id}/messages"
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {TOKEN}"}) as http:
            async with http.post(url, json={"content": "x" * 2001}) as response:
                assert response.status == 400 and (await response.json())["code"] == 50035
            async with http.post(url, json={"content": "x" * 2000}) as response:
                assert response.status == 200
    finally:
        await fake.close()
    refused, accepted = fake.requests
    assert refused.problems == [f"POST {refused.path}: content is 2001 characters (max 2000)"] and not accepted.problems
