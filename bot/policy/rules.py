"""Who may see what, here: the effective spoiler rules, and how a piece of content is shown under them.

Discord-free on purpose: cogs, the trivia engine and the console all ask this one service, so the
spoiler model is implemented once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.policy.masking import mask

if TYPE_CHECKING:  # the store's mixins use the spoiler types, so import it lazily
    from bot.store import Store

DEFAULT_HORIZON = 0
T = TypeVar("T")


class Mode(enum.StrEnum):
    OFF = "off"  # show everything
    MASK = "mask"  # content past the horizon wrapped in ||spoiler tags||
    HIDE = "hide"  # content past the horizon withheld, with a one-line note


DEFAULT_MODE = Mode.MASK


class Treatment(enum.Enum):
    PLAIN = "plain"
    MASK = "mask"
    HIDE = "hide"


@dataclass(frozen=True)
class SpoilerRules:
    """The rules in effect for one reply. `origin` explains where they come from, for members."""

    mode: Mode
    horizon: int
    origin: str = "default"

    def treatment(self, episode: int | None) -> Treatment:
        if episode is None or self.mode is Mode.OFF or episode <= self.horizon:
            return Treatment.PLAIN
        return Treatment.MASK if self.mode is Mode.MASK else Treatment.HIDE

    def allows(self, episode: int | None) -> bool:
        """Whether content spoiling `episode` may be shown in the clear (trivia asks only these)."""
        return self.treatment(episode) is Treatment.PLAIN

    def render(self, text: str, episode: int | None, limit: int | None = None) -> str:
        """`text` as it may be shown here: plain, masked, or a one-line withheld note."""
        treatment = self.treatment(episode)
        if treatment is Treatment.PLAIN:
            return _cut(text, limit)
        if treatment is Treatment.MASK:
            return mask(text, limit)
        return _cut(withheld_note(episode), limit)

    @property
    def withheld_after(self) -> int | None:
        """Under `hide`, the last episode content may spoil and still be shown at all (anything later
        could only appear as a "withheld" note, so pickers skip it); None in other modes."""
        return self.horizon if self.mode is Mode.HIDE else None

    def describe(self) -> str:
        """One line for a footer: what these rules do, and where they come from."""
        if self.mode is Mode.OFF:
            what = "nothing masked"
        else:
            verb = "masked" if self.mode is Mode.MASK else "hidden"
            what = f"episodes after {self.horizon} {verb}" if self.horizon else f"every episode {verb}"
        return f"Spoilers: {what} ({self.origin})"


def _cut(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…" if limit >= 1 else ""


def withheld_note(episode: int | None) -> str:
    return f"🔒 Hidden here: spoils episode {episode}."


@dataclass(frozen=True)
class RulesExplained:
    """Everything `/spoilers show` tells a moderator: each layer, and where each effective value comes from."""

    server_mode: Mode | None  # None: not set, the default applies
    server_horizon: int | None
    rule_channel_id: int | None  # the channel whose override counts here (a thread's parent)
    channel_mode: Mode | None  # None: no override, the server rule applies
    channel_horizon: int | None
    effective: SpoilerRules
    mode_origin: str  # "default", "server rule" or "channel override"
    horizon_origin: str


class SpoilerPolicy:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def explain(self, guild_id: int | None, channel_id: int | None, *,
                      parent_id: int | None = None) -> RulesExplained:
        """The public rules of a channel, layer by layer: channel override > server rule > default.

        A thread has no rules of its own: it follows its parent channel, so the override looked up
        is the parent's.
        """
        server_mode = server_horizon = channel_mode = channel_horizon = None
        rule_channel = parent_id or channel_id
        if guild_id is not None:
            server = await self.store.guild_settings(guild_id)
            if server:
                server_mode = Mode(server["spoiler_mode"]) if server["spoiler_mode"] is not None else None
                server_horizon = server["horizon"]
            if rule_channel is not None:
                override = await self.store.channel_rule(guild_id, rule_channel)
                if override:
                    channel_mode = Mode(override["spoiler_mode"]) if override["spoiler_mode"] is not None else None
                    channel_horizon = override["horizon"]
        mode, mode_origin = _pick(channel_mode, server_mode, DEFAULT_MODE)
        horizon, horizon_origin = _pick(channel_horizon, server_horizon, DEFAULT_HORIZON)
        origins = {mode_origin, horizon_origin}
        origin = next((o for o in ("channel override", "server rule") if o in origins), "default")
        return RulesExplained(
            server_mode, server_horizon, rule_channel, channel_mode, channel_horizon,
            SpoilerRules(mode, horizon, origin), mode_origin, horizon_origin,
        )

    async def rules_for(
        self,
        guild_id: int | None,
        channel_id: int | None,
        *,
        parent_id: int | None = None,
        user_id: int | None = None,
        private: bool = False,
    ) -> SpoilerRules:
        """Effective rules: channel override > server rule > default; a thread follows its parent.

        A private (ephemeral) reply uses the member's recorded progress as the horizon when there is
        one; since they told us how far they have watched, such a reply masks past it even where the
        channel's mode is `off`. Public replies never look at anyone's progress.
        """
        rules = (await self.explain(guild_id, channel_id, parent_id=parent_id)).effective
        if private and user_id is not None:
            progress = await self.store.member_progress(user_id)
            if progress is not None:
                mode = Mode.MASK if rules.mode is Mode.OFF else rules.mode
                return SpoilerRules(mode, progress, "your progress")
        return rules


def _pick(channel: T | None, server: T | None, default: T) -> tuple[T, str]:
    if channel is not None:
        return channel, "channel override"
    if server is not None:
        return server, "server rule"
    return default, "default"
