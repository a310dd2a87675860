"""Discord's rules for application commands: registering them, checked on the payload discord.py PUTs
(bulk overwrite, global or to one guild), and the option values a member's client lets through
(`check_options`, an `OptionCheck` of the fake Discord); the numbers are in bot/limits.py."""

from __future__ import annotations

import unicodedata
from typing import Any

from bot import limits
from bot.simulator import wire

USER_COMMAND, STRING, INTEGER, BOOLEAN, NUMBER, ATTACHMENT = 2, 3, 4, 5, 10, 11


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_choices(choices: list[dict[str, Any]], where: str = "autocomplete") -> list[str]:
    problems: list[str] = []
    if len(choices) > limits.CHOICES:
        problems.append(f"{where}: {len(choices)} choices (max {limits.CHOICES})")
    for choice in choices:
        name, value = choice.get("name"), choice.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= limits.CHOICE_NAME:
            problems.append(f"{where}: choice name {name!r} must be 1–{limits.CHOICE_NAME} characters")
        if isinstance(value, str) and len(value) > limits.CHOICE_VALUE:
            problems.append(f"{where}: choice value is {len(value)} characters (max {limits.CHOICE_VALUE})")
        if value is None:
            problems.append(f"{where}: choice {name!r} has no value")
    return problems


def valid_chat_name(name: Any) -> bool:
    """Matches `limits.COMMAND_NAME_PATTERN`, lowercase where a lowercase form exists (Devanagari/Thai marks
    aside); Python's `re` has no `\\p{L}`, so letters and digits are told by their Unicode category."""
    if not isinstance(name, str) or not 1 <= len(name) <= limits.COMMAND_NAME:
        return False
    for char in name:
        if char in "-_":
            continue
        if unicodedata.category(char)[0] not in "LN":
            return False
        if char.lower() != char:
            return False
    return True


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    """A bulk-overwrite registration payload (PUT /applications/{id}[/guilds/{id}]/commands)."""
    problems: list[str] = []
    by_type: dict[int, list[str]] = {}
    for command in commands:
        kind = command.get("type", wire.CHAT_INPUT)
        by_type.setdefault(kind, []).append(command.get("name"))
        problems += _check_command(command)
    for kind, names in by_type.items():
        limit = limits.CHAT_COMMANDS if kind == wire.CHAT_INPUT else limits.CONTEXT_COMMANDS
        if len(names) > limit:
            problems.append(f"{len(names)} commands of type {kind} (max {limit})")
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            problems.append(f"command names used twice for type {kind}: {sorted(map(str, duplicates))}")
    return problems


def _check_command(command: dict[str, Any]) -> list[str]:
    kind = command.get("type", wire.CHAT_INPUT)
    name = command.get("name")
    where = f"command {name!r}"
    problems: list[str] = []
    permissions = command.get("default_member_permissions")
    # documented as a string bit set; discord.py sends the integer, which Discord accepts as well
    valid = (isinstance(permissions, str) and permissions.isdigit()) or (
        isinstance(permissions, int) and not isinstance(permissions, bool) and permissions >= 0)
    if permissions is not None and not valid:
        problems.append(f"{where}: default_member_permissions must be a permission bit set or null")
    if kind == wire.CHAT_INPUT:
        if not valid_chat_name(name):
            problems.append(f"{where}: name must match {limits.COMMAND_NAME_PATTERN} in lowercase")
        problems += _check_description(command.get("description"), where)
        problems += _check_localizations(command, where)
        problems += _check_options(command.get("options") or [], where, depth=0)
        total = _counted_characters(command)
        if total > limits.COMMAND_TOTAL:
            problems.append(f"{where}: {total} characters of names/descriptions/choices (max {limits.COMMAND_TOTAL})")
    elif kind in (USER_COMMAND, wire.MESSAGE_COMMAND):
        if not isinstance(name, str) or not 1 <= len(name) <= limits.COMMAND_NAME:
            problems.append(f"{where}: context-menu names must be 1–{limits.COMMAND_NAME} characters")
        if command.get("description"):
            problems.append(f"{where}: context-menu commands take no description")
        if command.get("options"):
            problems.append(f"{where}: context-menu commands take no options")
    else:
        problems.append(f"{where}: unknown command type {kind!r}")
    return problems


def _check_description(description: Any, where: str) -> list[str]:
    if not isinstance(description, str) or not 1 <= len(description) <= limits.COMMAND_DESCRIPTION:
        return [f"{where}: description must be 1–{limits.COMMAND_DESCRIPTION} characters, got {description!r}"]
    return []


def _check_localizations(item: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    for locale, text in (item.get("name_localizations") or {}).items():
        if not valid_chat_name(text):
            problems.append(f"{where}: {locale} name {text!r} is not a valid name")
    for locale, text in (item.get("description_localizations") or {}).items():
        problems += _check_description(text, f"{where} ({locale})")
    return problems


def _check_options(options: list[dict[str, Any]], where: str, depth: int) -> list[str]:
    problems: list[str] = []
    if len(options) > limits.COMMAND_OPTIONS:
        problems.append(f"{where}: {len(options)} options (max {limits.COMMAND_OPTIONS})")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: option names repeat: {names}")
    kinds = [o.get("type") for o in options]
    nested = [k in (wire.SUBCOMMAND, wire.SUBCOMMAND_GROUP) for k in kinds]
    if any(nested) and not all(nested):
        problems.append(f"{where}: subcommands/groups can't sit beside ordinary options")
    seen_optional = False
    for option in options:
        kind, name = option.get("type"), option.get("name")
        label = f"{where} > {name!r}"
        if not valid_chat_name(name):
            problems.append(f"{label}: option name must match {limits.COMMAND_NAME_PATTERN} in lowercase")
        problems += _check_description(option.get("description"), label)
        problems += _check_localizations(option, label)
        if kind == wire.SUBCOMMAND_GROUP:
            if depth != 0:
                problems.append(f"{label}: a subcommand group can only sit at the top level")
            children = option.get("options") or []
            if not children or any(c.get("type") != wire.SUBCOMMAND for c in children):
                problems.append(f"{label}: a subcommand group must hold only subcommands (at least one)")
            problems += _check_options(children, label, depth + 1)
            continue
        if kind == wire.SUBCOMMAND:
            if depth > 1:
                problems.append(f"{label}: subcommands nest at most two levels deep")
            children = option.get("options") or []
            if any(c.get("type") in (wire.SUBCOMMAND, wire.SUBCOMMAND_GROUP) for c in children):
                problems.append(f"{label}: a subcommand can't hold subcommands")
            problems += _check_options(children, label, depth + 1)
            continue
        if kind not in range(STRING, ATTACHMENT + 1):
            problems.append(f"{label}: unknown option type {kind!r}")
        if option.get("options"):
            problems.append(f"{label}: only subcommands and groups hold options")
        required = bool(option.get("required"))
        if required and seen_optional:
            problems.append(f"{label}: required options must come before optional ones")
        seen_optional = seen_optional or not required
        problems += _check_option_constraints(option, label)
    return problems


def _check_option_constraints(option: dict[str, Any], label: str) -> list[str]:
    problems: list[str] = []
    kind = option.get("type")
    choices = option.get("choices") or []
    if choices:
        if kind not in (STRING, INTEGER, NUMBER):
            problems.append(f"{label}: only string, integer and number options take choices")
        if option.get("autocomplete"):
            problems.append(f"{label}: choices and autocomplete are mutually exclusive")
        problems += check_choices(choices, label)
        for choice in choices:
            value = choice.get("value")
            if kind == STRING and not isinstance(value, str):
                problems.append(f"{label}: choice value {value!r} is not a string")
            if kind in (INTEGER, NUMBER) and (isinstance(value, bool) or not isinstance(value, int | float)):
                problems.append(f"{label}: choice value {value!r} is not a number")
    if option.get("autocomplete") and kind not in (STRING, INTEGER, NUMBER):
        problems.append(f"{label}: only string, integer and number options autocomplete")
    for key in ("min_value", "max_value"):
        if key in option and kind not in (INTEGER, NUMBER):
            problems.append(f"{label}: {key} only applies to integer and number options")
    if "min_value" in option and "max_value" in option and option["min_value"] > option["max_value"]:
        problems.append(f"{label}: min_value is above max_value")
    for key in ("min_length", "max_length"):
        if key not in option:
            continue
        if kind != STRING:
            problems.append(f"{label}: {key} only applies to string options")
        elif not (0 if key == "min_length" else 1) <= option[key] <= limits.STRING_OPTION_LENGTH:
            problems.append(f"{label}: {key} {option[key]} out of range")
    if option.get("channel_types") and kind != wire.CHANNEL:
        problems.append(f"{label}: channel_types only applies to channel options")
    return problems


def _counted_characters(command: dict[str, Any]) -> int:
    """What Discord sums against the 4000-character budget of one command."""
    total = _length(command.get("name")) + _length(command.get("description"))
    for option in command.get("options") or []:
        total += _counted_characters(option)
        for choice in option.get("choices") or []:
            total += _length(choice.get("name")) + len(str(choice.get("value", "")))
    return total


def check_options(where: str, specs: list[dict[str, Any]], options: list[dict[str, Any]]) -> list[str]:
    """What Discord's client refuses to send for a command: a value of the wrong type, out of range, of
    the wrong length or not among the choices, and a required option left out (unless autocompleting)."""
    problems: list[str] = []
    for option in options:
        spec = next(s for s in specs if s["name"] == option["name"])
        if not option.get("focused"):
            problems += _client_allows(spec, option["value"], f"{where} {spec['name']}")
    missing = [s["name"] for s in specs if s.get("required") and s["name"] not in {o["name"] for o in options}]
    if missing and not any(o.get("focused") for o in options):
        problems.append(f"{where}: the client requires {missing}")
    return problems


def _client_allows(spec: dict[str, Any], value: Any, where: str) -> list[str]:
    kind = spec["type"]
    if kind in (wire.USER, wire.CHANNEL, wire.ROLE, wire.MENTIONABLE):
        return []  # resolved to something that exists, or refused, by the fake client
    expected = {STRING: str, INTEGER: int, BOOLEAN: bool, NUMBER: (int, float)}.get(kind)
    if expected is None:
        return [f"{where}: option type {kind} is not supported by the fake client"]
    if not isinstance(value, expected) or (kind in (INTEGER, NUMBER) and isinstance(value, bool)):
        return [f"{where}: {value!r} is not a valid value of type {kind}"]
    if spec.get("choices") and value not in [c["value"] for c in spec["choices"]]:
        return [f"{where}: {value!r} is not one of the choices"]
    if ("min_value" in spec and value < spec["min_value"]) or ("max_value" in spec and value > spec["max_value"]):
        return [f"{where}: {value!r} is outside the range the client allows"]
    longest = spec.get("max_length", limits.STRING_OPTION_LENGTH)
    if kind == STRING and not spec.get("min_length", 0) <= len(value) <= longest:
        return [f"{where}: {len(value)} characters is outside the length the client allows"]
    return []
