"""What the fake Discord holds (users, guilds, channels, messages) and what it records (requests, and
the exchange of requests that answered one gateway event), with the JSON Discord would send for each."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.simulator import payload_limits, wire

TOKEN = "e2e.dummy.token"
APPLICATION_ID = 110_000_000_000_000_001
BOT_USER_ID = APPLICATION_ID
GUILD_ID = 210_000_000_000_000_001
MODERATOR_ROLE_ID = 310_000_000_000_000_001  # the first guild's "Spoiler Police" role
BOT_ROLE_ID = 310_000_000_000_000_002  # the managed role Discord gives the bot when it is invited
EVERYONE = wire.VIEW_CHANNEL | wire.SEND_MESSAGES | wire.READ_MESSAGE_HISTORY | wire.USE_APPLICATION_COMMANDS
MODERATOR = EVERYONE | wire.MANAGE_GUILD | wire.MANAGE_MESSAGES
BOT_PERMISSIONS = 274878000128  # what the invite asks for (see bot/cli.py)

_ids = itertools.count(910_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def bot_user() -> dict[str, Any]:
    return {"id": str(BOT_USER_ID), "username": "Golden Hour", "discriminator": "0", "avatar": None,
            "global_name": None, "bot": True}


@dataclass
class User:
    id: int
    name: str
    permissions: int = EVERYONE  # what Discord computes for the member in a channel (no overwrites here)
    roles: list[int] = field(default_factory=list)

    def user(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
                "avatar": None}

    def member(self) -> dict[str, Any]:
        return {"user": self.user(), "roles": [str(r) for r in self.roles], "joined_at": now(), "deaf": False,
                "mute": False, "flags": 0, "permissions": str(self.permissions)}


@dataclass
class Channel:
    id: int
    name: str
    guild_id: int
    parent_id: int | None = None  # set for a thread

    def payload(self) -> dict[str, Any]:
        common = {"id": str(self.id), "guild_id": str(self.guild_id), "name": self.name, "rate_limit_per_user": 0,
                  "last_message_id": None, "flags": 0}
        if self.parent_id is None:
            return {**common, "type": wire.TEXT_CHANNEL, "position": 0, "permission_overwrites": [], "nsfw": False,
                    "parent_id": None, "topic": None}
        return {**common, "type": wire.PUBLIC_THREAD, "parent_id": str(self.parent_id), "owner_id": str(BOT_USER_ID),
                "message_count": 0, "member_count": 1,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": now(),
                                    "locked": False}}


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    moderator_role_id: int
    channels: dict[str, Channel] = field(default_factory=dict)
    bot_permissions: int = BOT_PERMISSIONS  # the bot's managed role
    bot_role_id: int = BOT_ROLE_ID

    def roles(self) -> list[dict[str, Any]]:
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return [{**role, "id": str(self.id), "name": "@everyone", "permissions": str(EVERYONE), "position": 0},
                {**role, "id": str(self.moderator_role_id), "name": "Spoiler Police", "permissions": "0",
                 "position": 1},
                {**role, "id": str(self.bot_role_id), "name": "Golden Hour", "position": 2, "managed": True,
                 "permissions": str(self.bot_permissions), "tags": {"bot_id": str(BOT_USER_ID)}}]

    def role(self, role_id: int) -> dict[str, Any] | None:
        return next((r for r in self.roles() if r["id"] == str(role_id)), None)

    @property
    def app_permissions(self) -> int:
        """The bot's permissions in a channel, as interactions carry them: @everyone's and its role's."""
        return EVERYONE | self.bot_permissions

    def payload(self, members: int) -> dict[str, Any]:
        """GUILD_CREATE's data."""
        me = {"user": bot_user(), "roles": [str(self.bot_role_id)], "joined_at": now(), "deaf": False, "mute": False,
              "flags": 0}
        channels = [c.payload() for c in self.channels.values() if c.parent_id is None]
        threads = [c.payload() for c in self.channels.values() if c.parent_id is not None]
        return {
            "id": str(self.id), "name": self.name, "owner_id": str(self.owner_id), "icon": None, "unavailable": False,
            "large": False, "joined_at": now(), "roles": self.roles(), "channels": channels, "threads": threads,
            "members": [me], "member_count": members + 1, "voice_states": [], "presences": [], "emojis": [],
            "stickers": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "features": [], "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "premium_tier": 0, "preferred_locale": "en-US",
            "nsfw_level": 0, "afk_timeout": 300, "system_channel_flags": 0,
        }


@dataclass
class Message:
    """A message as the fake Discord holds it, so its buttons can be clicked later."""

    id: int
    channel_id: int
    guild_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    token: str | None = None  # the interaction that created it
    original: bool = False  # the interaction's original response
    deleted: bool = False
    author: User | None = None  # None: the bot
    allowed_mentions: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    exchange: Exchange | None = None  # a member's message: what the bot sent Discord in answer to it

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & wire.EPHEMERAL)

    def apply(self, body: dict[str, Any]) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                setattr(self, key, body[key] or ([] if key != "content" else ""))
        if body.get("flags") is not None:
            self.flags = body["flags"]
        if "allowed_mentions" in body:
            self.allowed_mentions = body["allowed_mentions"]

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk(self.components) if c.get("type") == wire.BUTTON]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in walk(self.components) if c.get("type") in wire.SELECT_TYPES]

    def text(self) -> str:
        """Everything a member can read in the message, flattened (for assertions and the console)."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for item in embed.get("fields", []):
                parts += [item.get("name", ""), item.get("value", "")]
            parts += [(embed.get("footer") or {}).get("text", ""), (embed.get("author") or {}).get("name", "")]
        return "\n".join(p for p in parts if p)

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "channel_id": str(self.channel_id), "guild_id": str(self.guild_id),
                "author": self.author.user() if self.author else bot_user(), "content": self.content,
                "embeds": self.embeds, "components": self.components, "attachments": self.attachments,
                "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
                "type": 0, "flags": self.flags, "timestamp": now(), "edited_timestamp": None}


def walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from walk(component.get("components") or [])


@dataclass
class Recorded:
    """One HTTP request as Discord received it."""

    method: str
    path: str  # below /api/v10, without the query
    query: dict[str, str]
    body: Any
    authorization: str | None
    at: float = field(default_factory=time.monotonic)
    status: int = 0
    message: Message | None = None  # the message this request created or edited, as Discord holds it

    def problems(self) -> list[str]:
        return payload_limits.check_request(self.method, self.path, self.body)

    @property
    def token(self) -> str | None:
        """The interaction token of a callback or webhook request."""
        parts = self.path.strip("/").split("/")
        return parts[2] if len(parts) > 2 and parts[0] in ("interactions", "webhooks") else None


@dataclass
class Exchange:
    """Everything the bot sent Discord in answer to one gateway event."""

    interaction: dict[str, Any]
    requests: list[Recorded]
    messages: list[Message]  # created or edited, in order
    sent_at: float

    @property
    def callback(self) -> Recorded:
        for request in self.requests:
            if request.path.endswith("/callback"):
                return request
        raise AssertionError(f"the bot never answered the interaction; it sent {self.requests}")

    @property
    def message(self) -> Message:
        """The message a member sees as the answer (the last one created or edited)."""
        if not self.messages:
            raise AssertionError(f"the bot showed no message; it sent {self.requests}")
        return self.messages[-1]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices."""
        body = self.callback.body
        assert body["type"] == wire.AUTOCOMPLETE, body
        return body["data"]["choices"]

    def problems(self) -> list[str]:
        return [p for r in self.requests for p in r.problems()]

    def text(self) -> str:
        return "\n".join(m.text() for m in self.messages)
