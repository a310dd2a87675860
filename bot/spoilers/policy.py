"""Who may see what, here: the effective spoiler rules, and how a piece of content is shown under them.

Discord-free on purpose: cogs, the trivia engine and the console all ask this one service, so the
spoiler model is implemented once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.spoilers.masking import mask
from bot.store import Store

DEFAULT_HORIZON = 0


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
            return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"
        if treatment is Treatment.MASK:
            return mask(text, limit)
        return withheld_note(episode)


def withheld_note(episode: int | None) -> str:
    return f"🔒 Hidden here: spoils episode {episode}."


class SpoilerPolicy:
    def __init__(self, store: Store) -> None:
        self.store = store

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
        channel's mode is `off`.
        """
        mode, horizon, origin = DEFAULT_MODE, DEFAULT_HORIZON, "default"
        if guild_id is not None:
            server = await self.store.guild_settings(guild_id)
            if server:
                if server["spoiler_mode"] is not None:
                    mode, origin = Mode(server["spoiler_mode"]), "server rule"
                if server["horizon"] is not None:
                    horizon, origin = server["horizon"], "server rule"
            rule_channel = parent_id or channel_id
            if rule_channel is not None:
                override = await self.store.channel_rule(guild_id, rule_channel)
                if override:
                    if override["spoiler_mode"] is not None:
                        mode = Mode(override["spoiler_mode"])
                    if override["horizon"] is not None:
                        horizon = override["horizon"]
                    origin = "channel override"
        if private and user_id is not None:
            progress = await self.store.member_progress(user_id)
            if progress is not None:
                return SpoilerRules(Mode.MASK if mode is Mode.OFF else mode, progress, "your progress")
        return SpoilerRules(mode, horizon, origin)
