"""Messages for the spoiler rules: `/spoilers show`, the audit log, `/progress`, guard warnings, reposts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import discord

from bot import limits
from bot.common.embeds import add_field, embed, escape, truncate
from bot.policy.masking import mask_chunks
from bot.policy.rules import DEFAULT_MODE, Mode, RulesExplained, SpoilerRules
from bot.spoilers.guard import GuardAction
from bot.store.rules import SERVER_SCOPE, AuditEntry

MODE_MEANING = {
    Mode.OFF: "everything shown",
    Mode.MASK: "spoilers wrapped in spoiler tags",
    Mode.HIDE: "spoilers withheld, with a one-line note",
}
SETTING_NAMES = {
    "spoiler_mode": "mode",
    "horizon": "horizon",
    "moderator_role_id": "moderator role",
    "guard_enabled": "spoiler guard",
    "guard_action": "guard action",
}
AUDIT_PAGE_SIZE = 10


@dataclass(frozen=True)
class GuardStatus:
    available: bool  # the operator turned the guard on (it needs the message-content intent)
    enabled: bool
    action: GuardAction
    can_manage_messages: bool  # whether the bot may delete messages here (`repost` needs it)


def channel_mention(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "this conversation"


def horizon_text(horizon: int) -> str:
    return f"episode {horizon}" if horizon else "nothing (0)"


def rules_embed(explained: RulesExplained, *, channel_id: int | None, thread_parent_id: int | None,
                moderator_role_id: int | None, guard: GuardStatus, overrides: list[dict[str, object]],
                episode_count: int) -> discord.Embed:
    """Where each rule in effect here comes from: default, server rule, or this channel's override."""
    effective = explained.effective
    card = embed(
        "Spoiler rules here",
        f"In {channel_mention(channel_id)}: **{effective.mode.value}** ({MODE_MEANING[effective.mode]}), horizon "
        f"**{horizon_text(effective.horizon)}** of {episode_count}.\n"
        f"Mode from the {explained.mode_origin}; horizon from the {explained.horizon_origin}.",
    )
    server_mode = explained.server_mode.value if explained.server_mode else f"{DEFAULT_MODE.value} (default)"
    server_horizon = (horizon_text(explained.server_horizon) if explained.server_horizon is not None
                      else "nothing (0, default)")
    add_field(card, "Server rule", f"mode **{server_mode}**, horizon **{server_horizon}**")
    where = channel_mention(thread_parent_id or channel_id)
    if explained.channel_mode is None and explained.channel_horizon is None:
        override = f"{where} has no override: it follows the server."
    else:
        parts = []
        if explained.channel_mode is not None:
            parts.append(f"mode **{explained.channel_mode.value}**")
        if explained.channel_horizon is not None:
            parts.append(f"horizon **{horizon_text(explained.channel_horizon)}**")
        override = f"{where}: " + ", ".join(parts) + " (the rest follows the server)" * (len(parts) < 2)
    if thread_parent_id:
        override += f"\nThreads follow their parent channel, {channel_mention(thread_parent_id)}."
    add_field(card, "Channel override", override)
    others = [o for o in overrides if o["channel_id"] != (thread_parent_id or channel_id)]
    if others:
        lines = [f"{channel_mention(int(o['channel_id']))}: {_override_text(o)}" for o in others]
        add_field(card, "Other channel overrides", _lines_within(lines, limits.FIELD_VALUE))
    add_field(card, "Moderators", "Manage Server" + (f", and <@&{moderator_role_id}>" if moderator_role_id else "")
              + "\nMembers' own progress (`/progress`) only changes replies only they see.")
    add_field(card, "Spoiler guard", guard_text(guard))
    return card


def _override_text(override: dict[str, object]) -> str:
    parts = []
    if override["spoiler_mode"] is not None:
        parts.append(f"mode {override['spoiler_mode']}")
    if override["horizon"] is not None:
        parts.append(f"horizon {override['horizon']}")
    return ", ".join(parts)


def guard_text(guard: GuardStatus) -> str:
    if not guard.available:
        return "Not available: the bot's operator has not turned it on (GOLDENHOUR_SPOILER_GUARD)."
    if not guard.enabled:
        return f"Off (action when on: {guard.action.value})."
    text = f"On: messages naming a spoiler past the horizon get **{guard.action.value}**."
    if guard.action is GuardAction.REPOST and not guard.can_manage_messages:
        text += "\n⚠️ I lack Manage Messages here, so I can only warn in this channel."
    return text


def _lines_within(lines: list[str], limit: int) -> str:
    shown: list[str] = []
    for index, line in enumerate(lines):
        rest = f"…and {len(lines) - index} more"
        if len("\n".join([*shown, line])) + len(rest) + 1 > limit:
            shown.append(rest)
            break
        shown.append(line)
    return "\n".join(shown)


def audit_value(setting: str, value: str | None, scope: str) -> str:
    if value is None:
        return "default" if scope == SERVER_SCOPE else "server's"
    if setting == "moderator_role_id":
        return f"<@&{value}>"
    if setting == "guard_enabled":
        return "on" if value == "1" else "off"
    return f"`{value}`"


def audit_line(entry: AuditEntry) -> str:
    where = "server" if entry.scope == SERVER_SCOPE else channel_mention(int(entry.scope.split(":", 1)[1]))
    setting = SETTING_NAMES.get(entry.setting, entry.setting)
    try:  # a Discord timestamp shows in each reader's own time zone
        when = f"<t:{int(dt.datetime.fromisoformat(entry.at).timestamp())}:f>"
    except ValueError:
        when = f"`{entry.at}`"
    return (f"{when} **{escape(entry.user_name)}** — {where} {setting}: "
            f"{audit_value(entry.setting, entry.old_value, entry.scope)} → "
            f"{audit_value(entry.setting, entry.new_value, entry.scope)}")


def audit_embed(entries: list[AuditEntry], *, page: int, pages: int, total: int) -> discord.Embed:
    if not entries:
        return embed("Spoiler rules: audit log", "No changes recorded yet." if total == 0 else
                     f"There is no page {page}; the log has {pages}.")
    card = embed("Spoiler rules: audit log", _lines_within([audit_line(e) for e in entries],
                                                           limits.EMBED_DESCRIPTION))
    card.set_footer(text=f"Newest first · page {page} of {pages} · {total} changes")
    return card


def change_text(changes: list[tuple[str, str, str]], where: str) -> str:
    """A moderator's confirmation: `where`'s settings, each old → new (already rendered)."""
    if not changes:
        return f"Nothing changed: {where} already had that."
    return "\n".join(f"✅ {where} {SETTING_NAMES.get(setting, setting)}: {old} → {new}"
                     for setting, old, new in changes)


def progress_text(progress: int | None, episode_count: int, public_rules: SpoilerRules) -> str:
    here = f"Public replies in this channel follow its rules: {rules_line(public_rules)}."
    if progress is None:
        return ("You haven't recorded how far you've watched. Private replies use this channel's rules until you do "
                f"(`/progress set`).\n{here}")
    if progress == 0:
        return (f"You haven't watched any of the {episode_count} episodes yet, so private replies (only you see "
                f"them) treat every episode as a spoiler.\n{here}")
    return (f"You've watched up to **{horizon_text(progress)}** of {episode_count}. Private replies (only you see "
            f"them) reveal everything up to there and treat later episodes as spoilers.\n{here}")


def rules_line(rules: SpoilerRules) -> str:
    if rules.mode is Mode.OFF:
        return "mode off, nothing masked"
    return f"mode {rules.mode.value}, horizon {rules.horizon}"


def guard_warning(episode: int, rules: SpoilerRules, note: str | None = None) -> str:
    """A reply to a message that names a spoiler in the clear. It must not spoil anything itself."""
    treatment = "masked" if rules.mode is Mode.MASK else "hidden"
    scope = f"episodes after {rules.horizon} are" if rules.horizon else "every episode is"
    text = (f"⚠️ This message looks like a spoiler for episode {episode}, and in this channel {scope} {treatment}. "
            "Please wrap spoilers in `||spoiler tags||` (you can edit your message).")
    if note:
        text += f"\n-# {note}"
    return truncate(text, limits.CONTENT)


def repost_messages(author_name: str, content: str, reason: str) -> list[str]:
    """The author's message, masked, under a line naming them; split so that nothing is cut away.

    The masked part is the author's text exactly (it unmasks to it); only the header is ours.
    """
    header = truncate(f"🔒 **{escape(author_name)}** wrote ({reason}):", 300) + "\n"
    chunks = [c for c in mask_chunks(content, limits.CONTENT, first_limit=limits.CONTENT - len(header))]
    if not chunks:
        return [header.rstrip()]
    chunks[0] = header + chunks[0]
    return [c for c in chunks if c.strip()]
