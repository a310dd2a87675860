"""Discord's documented limits, checked on the JSON payloads discord.py actually sends.

Discord answers a request over any of these limits with 400 and the member sees nothing (or "The
application did not respond"); installed in the fake Discord, `check_request` makes it refuse such a
request the same way. Each checker returns a list of human-readable problems (empty = fine) rather
than raising, so a test can report every problem of a payload at once.

The limits themselves are in bot/limits.py (the renderers cut their text to the same numbers); the
rules for registering commands are in commands.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot import limits
from bot.simulator import wire
from bot.simulator.models import Recorded
from tests.discord_rules.commands import check_choices, check_commands

PONG, ACTION_ROW, TEXT_INPUT, LINK_STYLE, PREMIUM_STYLE, COMPONENTS_V2_FLAG = 1, 1, 4, 5, 6, 1 << 15


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_message(payload: dict[str, Any] | None, where: str = "message") -> list[str]:
    """A message body: create/edit message, follow-up, or a callback's `data` for types 4 and 7."""
    if not payload:
        return []
    problems: list[str] = []
    content = payload.get("content")
    if content is not None and len(content) > limits.CONTENT:
        problems.append(f"{where}: content is {len(content)} characters (max {limits.CONTENT})")
    embeds = payload.get("embeds") or []
    if len(embeds) > limits.EMBEDS:
        problems.append(f"{where}: {len(embeds)} embeds (max {limits.EMBEDS})")
    total = 0
    for index, embed in enumerate(embeds):
        embed_problems, characters = _check_embed(embed, f"{where}: embed {index + 1}")
        problems += embed_problems
        total += characters
    if total > limits.EMBED_TOTAL:
        problems.append(f"{where}: embeds hold {total} characters in total (max {limits.EMBED_TOTAL})")
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
    for text, limit, name in ((title, limits.EMBED_TITLE, "title"),
                              (description, limits.EMBED_DESCRIPTION, "description"),
                              (footer, limits.FOOTER, "footer"), (author, limits.AUTHOR, "author name")):
        if len(text) > limit:
            problems.append(f"{where}: {name} is {len(text)} characters (max {limit})")
    fields = embed.get("fields") or []
    if len(fields) > limits.EMBED_FIELDS:
        problems.append(f"{where}: {len(fields)} fields (max {limits.EMBED_FIELDS})")
    characters = len(title) + len(description) + len(footer) + len(author)
    for index, field in enumerate(fields):
        name, value = field.get("name") or "", field.get("value") or ""
        label = f"{where}: field {index + 1}"
        if not name.strip():
            problems.append(f"{label}: empty name")
        if not value.strip():
            problems.append(f"{label}: empty value")
        if len(name) > limits.FIELD_NAME:
            problems.append(f"{label}: name is {len(name)} characters (max {limits.FIELD_NAME})")
        if len(value) > limits.FIELD_VALUE:
            problems.append(f"{label}: value is {len(value)} characters (max {limits.FIELD_VALUE})")
        characters += len(name) + len(value)
    if characters > limits.EMBED_TOTAL:
        problems.append(f"{where}: embed holds {characters} characters (max {limits.EMBED_TOTAL})")
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
        if kind == wire.BUTTON and component.get("style") in (LINK_STYLE, PREMIUM_STYLE):
            if "custom_id" in component:
                problems.append(f"{where}: a link button carries a custom_id")
            continue
        if kind not in (wire.BUTTON, TEXT_INPUT, *wire.SELECT_TYPES):
            continue
        custom_id = component.get("custom_id")
        if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= limits.CUSTOM_ID:
            problems.append(f"{where}: custom_id {custom_id!r} must be 1–{limits.CUSTOM_ID} characters")
        elif custom_id in seen:
            problems.append(f"{where}: custom_id {custom_id!r} is used twice")
        else:
            seen.add(custom_id)
        if kind == wire.BUTTON:
            label = component.get("label")
            if label is not None and len(label) > limits.BUTTON_LABEL:
                problems.append(f"{where}: button label is {len(label)} characters (max {limits.BUTTON_LABEL})")
            if not label and not component.get("emoji"):
                problems.append(f"{where}: button {custom_id!r} has neither label nor emoji")
        if kind in wire.SELECT_TYPES:
            problems += _check_select(component, where)
    return problems


def _check_select(select: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    options = select.get("options") or []
    if select.get("type") == wire.STRING_SELECT and not 1 <= len(options) <= limits.SELECT_OPTIONS:
        problems.append(f"{where}: select has {len(options)} options (1–{limits.SELECT_OPTIONS})")
    for option in options:
        for key in ("label", "value", "description"):
            if _length(option.get(key)) > limits.SELECT_OPTION_TEXT:
                problems.append(f"{where}: select option {key} over {limits.SELECT_OPTION_TEXT} characters")
        if not option.get("label") or not option.get("value"):
            problems.append(f"{where}: select option without label or value")
    if len({o.get("value") for o in options}) != len(options):
        problems.append(f"{where}: select option values repeat")
    if _length(select.get("placeholder")) > limits.SELECT_PLACEHOLDER:
        problems.append(f"{where}: select placeholder over {limits.SELECT_PLACEHOLDER} characters")
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not 0 <= low <= high <= limits.SELECT_OPTIONS:
        problems.append(f"{where}: select min/max values {low}/{high} out of range")
    if select.get("type") == wire.STRING_SELECT and options and high > len(options):
        problems.append(f"{where}: select max_values {high} exceeds its {len(options)} options")
    return problems


def _check_action_rows(components: list[dict[str, Any]], where: str) -> list[str]:
    problems: list[str] = []
    if len(components) > limits.ACTION_ROWS:
        problems.append(f"{where}: {len(components)} action rows (max {limits.ACTION_ROWS})")
    for index, row in enumerate(components):
        label = f"{where}: row {index + 1}"
        if row.get("type") != ACTION_ROW:
            problems.append(f"{label}: top-level component of type {row.get('type')} is not an action row")
            continue
        children = row.get("components") or []
        kinds = [c.get("type") for c in children]
        if not children:
            problems.append(f"{label}: empty action row")
        elif any(k in wire.SELECT_TYPES for k in kinds) and len(children) != 1:
            problems.append(f"{label}: a select must be alone in its row")
        elif kinds.count(wire.BUTTON) > limits.ROW_BUTTONS:
            problems.append(f"{label}: {kinds.count(wire.BUTTON)} buttons (max {limits.ROW_BUTTONS})")
    return problems + _check_custom_ids(components, where)


def check_modal(data: dict[str, Any], where: str = "modal") -> list[str]:
    problems: list[str] = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= limits.MODAL_TITLE:
        problems.append(f"{where}: title must be 1–{limits.MODAL_TITLE} characters")
    custom_id = data.get("custom_id") or ""
    if not 1 <= len(custom_id) <= limits.CUSTOM_ID:
        problems.append(f"{where}: custom_id must be 1–{limits.CUSTOM_ID} characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= limits.ACTION_ROWS:
        problems.append(f"{where}: {len(rows)} rows (1–{limits.ACTION_ROWS})")
    return problems + _check_custom_ids(rows, where)


def check_callback(body: dict[str, Any] | None) -> list[str]:
    """An interaction callback body (POST /interactions/{id}/{token}/callback)."""
    if body is None:
        return ["callback: no JSON body"]
    kind = body.get("type")
    data = body.get("data") or {}
    if kind in (wire.MESSAGE, wire.UPDATE):
        return check_message(data, "callback")
    if kind == wire.AUTOCOMPLETE:
        return check_choices(data.get("choices") or [])
    if kind == wire.MODAL:
        return check_modal(data)
    if kind in (PONG, wire.DEFERRED_MESSAGE, wire.DEFERRED_UPDATE):
        return []
    return [f"callback: unknown type {kind!r}"]


def check_request(request: Recorded) -> list[str]:
    """Any request the bot sends (a `RequestCheck` of the fake Discord): the right checker for its route."""
    method, path, body = request.method, request.path, request.body
    if path.endswith("/callback"):
        return check_callback(body)
    if path.endswith("/commands") and method == "PUT":
        return check_commands(body or [])
    if method in ("POST", "PATCH") and (path.startswith("/webhooks/") or "/messages" in path):
        return check_message(body, f"{method} {path}")
    return []


def check_no_pings(request: Recorded) -> list[str]:
    """The product's rule (not Discord's): a message the bot creates pings nobody unless it says whom.

    Creating requests must carry `allowed_mentions` without `everyone`/`roles` parsing; edits don't
    notify anyone on Discord, so they are not checked."""
    method, path, body = request.method, request.path, request.body
    if not isinstance(body, dict):
        return []
    if path.endswith("/callback"):
        if body.get("type") != wire.MESSAGE:
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
