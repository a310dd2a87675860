"""Discord's documented limits, checked on the JSON payloads discord.py actually sends.

Discord answers a request over any of these limits with 400 and the member sees nothing (or "The
application did not respond"), so every end-to-end test runs its recorded payloads through here.
Each checker returns a list of human-readable problems (empty = fine) rather than raising, so a test
can report every problem of a payload at once.

Sources: discord.com/developers/docs — Message resource (create message), Embed limits, Message
components, Interactions > Receiving and responding (callback types, autocomplete), Application
commands (naming, option rules). Only what Discord documents is checked; nothing stricter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000  # summed over every embed of one message (so also per embed)
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100  # label, value, description
SELECT_PLACEHOLDER = 150
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100  # string choice values
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
COMMAND_TOTAL = 4000  # names + descriptions + choice names/values of one command, summed
CHAT_COMMANDS = 100
CONTEXT_COMMANDS = 15  # per type (user, message)
MODAL_TITLE = 45

# Interaction callback types (Discord's InteractionResponseType).
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE, MODAL = 1, 4, 5, 6, 7, 8, 9
COMPONENTS_V2_FLAG = 1 << 15

BUTTON, STRING_SELECT, TEXT_INPUT = 2, 3, 4
SELECT_TYPES = {3, 5, 6, 7, 8}
LINK_STYLE, PREMIUM_STYLE = 5, 6

SUBCOMMAND, SUBCOMMAND_GROUP, STRING, INTEGER, NUMBER = 1, 2, 3, 4, 10
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_message(payload: dict[str, Any] | None, where: str = "message") -> list[str]:
    """A message body: create/edit message, follow-up, or a callback's `data` for types 4 and 7."""
    if not payload:
        return []
    problems: list[str] = []
    content = payload.get("content")
    if content is not None and len(content) > CONTENT:
        problems.append(f"{where}: content is {len(content)} characters (max {CONTENT})")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"{where}: {len(embeds)} embeds (max {EMBEDS})")
    total = 0
    for index, embed in enumerate(embeds):
        embed_problems, characters = _check_embed(embed, f"{where}: embed {index + 1}")
        problems += embed_problems
        total += characters
    if total > EMBED_TOTAL:
        problems.append(f"{where}: embeds hold {total} characters in total (max {EMBED_TOTAL})")
    flags = payload.get("flags") or 0
    components = payload.get("components") or []
    if flags & COMPONENTS_V2_FLAG:
        problems += _check_custom_ids(components, where)
    else:
        problems += _check_action_rows(components, where)
    return problems


def _check_embed(embed: dict[str, Any], where: str) -> tuple[list[str], int]:
    problems: list[str] = []
    title = embed.get("title") or ""
    description = embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    for text, limit, name in ((title, EMBED_TITLE, "title"), (description, EMBED_DESCRIPTION, "description"),
                              (footer, FOOTER, "footer"), (author, AUTHOR, "author name")):
        if len(text) > limit:
            problems.append(f"{where}: {name} is {len(text)} characters (max {limit})")
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        problems.append(f"{where}: {len(fields)} fields (max {EMBED_FIELDS})")
    characters = len(title) + len(description) + len(footer) + len(author)
    for index, field in enumerate(fields):
        name, value = field.get("name") or "", field.get("value") or ""
        label = f"{where}: field {index + 1}"
        if not name.strip():
            problems.append(f"{label}: empty name")
        if not value.strip():
            problems.append(f"{label}: empty value")
        if len(name) > FIELD_NAME:
            problems.append(f"{label}: name is {len(name)} characters (max {FIELD_NAME})")
        if len(value) > FIELD_VALUE:
            problems.append(f"{label}: value is {len(value)} characters (max {FIELD_VALUE})")
        characters += len(name) + len(value)
    if characters > EMBED_TOTAL:
        problems.append(f"{where}: embed holds {characters} characters (max {EMBED_TOTAL})")
    return problems, characters


def _walk(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components") or [])
        accessory = component.get("accessory")
        if accessory:
            yield accessory


def _check_custom_ids(components: list[dict[str, Any]], where: str) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for component in _walk(components):
        kind = component.get("type")
        if kind == BUTTON and component.get("style") in (LINK_STYLE, PREMIUM_STYLE):
            if "custom_id" in component:
                problems.append(f"{where}: a link button carries a custom_id")
            continue
        if kind not in (BUTTON, TEXT_INPUT, *SELECT_TYPES):
            continue
        custom_id = component.get("custom_id")
        if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= CUSTOM_ID:
            problems.append(f"{where}: custom_id {custom_id!r} must be 1–{CUSTOM_ID} characters")
        elif custom_id in seen:
            problems.append(f"{where}: custom_id {custom_id!r} is used twice")
        else:
            seen.add(custom_id)
        if kind == BUTTON:
            label = component.get("label")
            if label is not None and len(label) > BUTTON_LABEL:
                problems.append(f"{where}: button label is {len(label)} characters (max {BUTTON_LABEL})")
            if not label and not component.get("emoji"):
                problems.append(f"{where}: button {custom_id!r} has neither label nor emoji")
        if kind in SELECT_TYPES:
            problems += _check_select(component, where)
    return problems


def _check_select(select: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    options = select.get("options") or []
    if select.get("type") == STRING_SELECT and not 1 <= len(options) <= SELECT_OPTIONS:
        problems.append(f"{where}: select has {len(options)} options (1–{SELECT_OPTIONS})")
    for option in options:
        for key in ("label", "value", "description"):
            if _length(option.get(key)) > SELECT_OPTION_TEXT:
                problems.append(f"{where}: select option {key} over {SELECT_OPTION_TEXT} characters")
        if not option.get("label") or not option.get("value"):
            problems.append(f"{where}: select option without label or value")
    if len({o.get("value") for o in options}) != len(options):
        problems.append(f"{where}: select option values repeat")
    if _length(select.get("placeholder")) > SELECT_PLACEHOLDER:
        problems.append(f"{where}: select placeholder over {SELECT_PLACEHOLDER} characters")
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not 0 <= low <= high <= SELECT_OPTIONS:
        problems.append(f"{where}: select min/max values {low}/{high} out of range")
    if select.get("type") == STRING_SELECT and options and high > len(options):
        problems.append(f"{where}: select max_values {high} exceeds its {len(options)} options")
    return problems


def _check_action_rows(components: list[dict[str, Any]], where: str) -> list[str]:
    problems: list[str] = []
    if len(components) > ACTION_ROWS:
        problems.append(f"{where}: {len(components)} action rows (max {ACTION_ROWS})")
    for index, row in enumerate(components):
        label = f"{where}: row {index + 1}"
        if row.get("type") != 1:
            problems.append(f"{label}: top-level component of type {row.get('type')} is not an action row")
            continue
        children = row.get("components") or []
        kinds = [c.get("type") for c in children]
        if not children:
            problems.append(f"{label}: empty action row")
        elif any(k in SELECT_TYPES for k in kinds) and len(children) != 1:
            problems.append(f"{label}: a select must be alone in its row")
        elif kinds.count(BUTTON) > ROW_BUTTONS:
            problems.append(f"{label}: {kinds.count(BUTTON)} buttons (max {ROW_BUTTONS})")
    return problems + _check_custom_ids(components, where)


def check_choices(choices: list[dict[str, Any]], where: str = "autocomplete") -> list[str]:
    problems: list[str] = []
    if len(choices) > CHOICES:
        problems.append(f"{where}: {len(choices)} choices (max {CHOICES})")
    for choice in choices:
        name, value = choice.get("name"), choice.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME:
            problems.append(f"{where}: choice name {name!r} must be 1–{CHOICE_NAME} characters")
        if isinstance(value, str) and len(value) > CHOICE_VALUE:
            problems.append(f"{where}: choice value is {len(value)} characters (max {CHOICE_VALUE})")
        if value is None:
            problems.append(f"{where}: choice {name!r} has no value")
    return problems


def check_modal(data: dict[str, Any], where: str = "modal") -> list[str]:
    problems: list[str] = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= MODAL_TITLE:
        problems.append(f"{where}: title must be 1–{MODAL_TITLE} characters")
    custom_id = data.get("custom_id") or ""
    if not 1 <= len(custom_id) <= CUSTOM_ID:
        problems.append(f"{where}: custom_id must be 1–{CUSTOM_ID} characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= ACTION_ROWS:
        problems.append(f"{where}: {len(rows)} rows (1–{ACTION_ROWS})")
    return problems + _check_custom_ids(rows, where)


def check_callback(body: dict[str, Any] | None) -> list[str]:
    """An interaction callback body (POST /interactions/{id}/{token}/callback)."""
    if body is None:
        return ["callback: no JSON body"]
    kind = body.get("type")
    data = body.get("data") or {}
    if kind in (MESSAGE, UPDATE):
        return check_message(data, "callback")
    if kind == AUTOCOMPLETE:
        return check_choices(data.get("choices") or [])
    if kind == MODAL:
        return check_modal(data)
    if kind in (PONG, DEFERRED_MESSAGE, DEFERRED_UPDATE):
        return []
    return [f"callback: unknown type {kind!r}"]


def check_request(method: str, path: str, body: Any) -> list[str]:
    """Any recorded REST request: dispatches to the right checker by route."""
    if path.endswith("/callback"):
        return check_callback(body)
    if path.endswith("/commands") and method == "PUT":
        return check_commands(body or [])
    if method in ("POST", "PATCH") and (path.startswith("/webhooks/") or "/messages" in path):
        return check_message(body, f"{method} {path}")
    return []


def check_no_pings(method: str, path: str, body: Any) -> list[str]:
    """The product's rule (not Discord's): a message the bot creates pings nobody unless it says whom.

    Creating requests must carry `allowed_mentions` without `everyone`/`roles` parsing; edits don't
    notify anyone on Discord, so they are not checked."""
    if not isinstance(body, dict):
        return []
    if path.endswith("/callback"):
        if body.get("type") != MESSAGE:
            return []
        body = body.get("data") or {}
    elif method != "POST" or not (path.startswith("/webhooks/") or path.endswith("/messages")):
        return []
    mentions = body.get("allowed_mentions")
    if mentions is None:
        return [f"{method} {path}: no allowed_mentions, so Discord would ping whatever the text mentions"]
    parsed = set(mentions.get("parse") or [])
    if parsed & {"everyone", "roles"}:
        return [f"{method} {path}: allowed_mentions parses {sorted(parsed)}"]
    return []


# -- command registration --------------------------------------------------------------------------------


def valid_chat_name(name: Any) -> bool:
    """`^[-_\\p{L}\\p{N}]{1,32}$`, lowercase where a lowercase form exists (Devanagari/Thai marks aside)."""
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME:
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
        kind = command.get("type", CHAT_INPUT)
        by_type.setdefault(kind, []).append(command.get("name"))
        problems += _check_command(command)
    for kind, names in by_type.items():
        limit = CHAT_COMMANDS if kind == CHAT_INPUT else CONTEXT_COMMANDS
        if len(names) > limit:
            problems.append(f"{len(names)} commands of type {kind} (max {limit})")
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            problems.append(f"command names used twice for type {kind}: {sorted(map(str, duplicates))}")
    return problems


def _check_command(command: dict[str, Any]) -> list[str]:
    kind = command.get("type", CHAT_INPUT)
    name = command.get("name")
    where = f"command {name!r}"
    problems: list[str] = []
    permissions = command.get("default_member_permissions")
    # documented as a string bit set; discord.py sends the integer, which Discord accepts as well
    valid = (isinstance(permissions, str) and permissions.isdigit()) or (
        isinstance(permissions, int) and not isinstance(permissions, bool) and permissions >= 0)
    if permissions is not None and not valid:
        problems.append(f"{where}: default_member_permissions must be a permission bit set or null")
    if kind == CHAT_INPUT:
        if not valid_chat_name(name):
            problems.append(f"{where}: name must match ^[-_\\p{{L}}\\p{{N}}]{{1,32}}$ in lowercase")
        problems += _check_description(command.get("description"), where)
        problems += _check_localizations(command, where)
        problems += _check_options(command.get("options") or [], where, depth=0)
        total = _counted_characters(command)
        if total > COMMAND_TOTAL:
            problems.append(f"{where}: {total} characters of names/descriptions/choices (max {COMMAND_TOTAL})")
    elif kind in (USER_COMMAND, MESSAGE_COMMAND):
        if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME:
            problems.append(f"{where}: context-menu names must be 1–{COMMAND_NAME} characters")
        if command.get("description"):
            problems.append(f"{where}: context-menu commands take no description")
        if command.get("options"):
            problems.append(f"{where}: context-menu commands take no options")
    else:
        problems.append(f"{where}: unknown command type {kind!r}")
    return problems


def _check_description(description: Any, where: str) -> list[str]:
    if not isinstance(description, str) or not 1 <= len(description) <= COMMAND_DESCRIPTION:
        return [f"{where}: description must be 1–{COMMAND_DESCRIPTION} characters, got {description!r}"]
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
    if len(options) > COMMAND_OPTIONS:
        problems.append(f"{where}: {len(options)} options (max {COMMAND_OPTIONS})")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: option names repeat: {names}")
    kinds = [o.get("type") for o in options]
    nested = [k in (SUBCOMMAND, SUBCOMMAND_GROUP) for k in kinds]
    if any(nested) and not all(nested):
        problems.append(f"{where}: subcommands/groups can't sit beside ordinary options")
    seen_optional = False
    for option in options:
        kind, name = option.get("type"), option.get("name")
        label = f"{where} > {name!r}"
        if not valid_chat_name(name):
            problems.append(f"{label}: option name must match ^[-_\\p{{L}}\\p{{N}}]{{1,32}}$ in lowercase")
        problems += _check_description(option.get("description"), label)
        problems += _check_localizations(option, label)
        if kind == SUBCOMMAND_GROUP:
            if depth != 0:
                problems.append(f"{label}: a subcommand group can only sit at the top level")
            children = option.get("options") or []
            if not children or any(c.get("type") != SUBCOMMAND for c in children):
                problems.append(f"{label}: a subcommand group must hold only subcommands (at least one)")
            problems += _check_options(children, label, depth + 1)
            continue
        if kind == SUBCOMMAND:
            if depth > 1:
                problems.append(f"{label}: subcommands nest at most two levels deep")
            children = option.get("options") or []
            if any(c.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP) for c in children):
                problems.append(f"{label}: a subcommand can't hold subcommands")
            problems += _check_options(children, label, depth + 1)
            continue
        if kind not in range(3, 12):
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
        elif not (0 if key == "min_length" else 1) <= option[key] <= 6000:
            problems.append(f"{label}: {key} {option[key]} out of range")
    if option.get("channel_types") and kind != 7:
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
