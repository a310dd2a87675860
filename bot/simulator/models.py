"""What the fake Discord holds and records (requests, and the exchange answering an event), as Discord's JSON."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.simulator import wire

snowflake = itertools.count(910_000_000_000_000_000).__next__  # a new id


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def bot_user(**extra: Any) -> dict[str, Any]:
    return {"id": str(wire.BOT_USER_ID), "username": "Golden Hour", "discriminator": "0", "avatar": None,
            "global_name": None, "bot": True, **extra}


@dataclass
class User:
    id: int
    name: str
    permissions: int = wire.EVERYONE  # what Discord computes for the member in a channel (no overwrites here)
    roles: list[int] = field(default_factory=list)

    def user(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "global_name": self.name, "discriminator": "0",
                "avatar": None}

    def member(self) -> dict[str, Any]:
        return {"user": self.user(), "roles": [str(r) for r in self.roles], "joined_at": now(), "deaf": False,
                "mute": False, "flags": 0, "permissions": str(self.permissions)}


@dataclass
class Channel:
    """A text channel."""

    id: int
    name: str
    guild_id: int

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "guild_id": str(self.guild_id), "name": self.name, "type": 0, "position": 0,
                "parent_id": None, "topic": None, "nsfw": False, "permission_overwrites": [], "rate_limit_per_user": 0,
                "last_message_id": None, "flags": 0}


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    moderator_role_id: int
    channels: dict[str, Channel] = field(default_factory=dict)
    bot_permissions: int = wire.BOT_PERMISSIONS  # the bot's managed role
    bot_role_id: int = wire.BOT_ROLE_ID

    def roles(self) -> list[dict[str, Any]]:
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0, "permissions": "0"}
        return [{**role, "id": str(self.id), "name": "@everyone", "permissions": str(wire.EVERYONE), "position": 0},
                {**role, "id": str(self.moderator_role_id), "name": "Spoiler Police", "position": 1},
                {**role, "id": str(self.bot_role_id), "name": "Golden Hour", "position": 2, "managed": True,
                 "permissions": str(self.bot_permissions), "tags": {"bot_id": str(wire.BOT_USER_ID)}}]

    def payload(self, members: int) -> dict[str, Any]:
        """GUILD_CREATE's data."""
        me = {"user": bot_user(), "roles": [str(self.bot_role_id)], "joined_at": now(), "deaf": False, "mute": False,
              "flags": 0}
        channels = [c.payload() for c in self.channels.values()]  # what discord.py reads; it defaults the rest
        return {"id": str(self.id), "name": self.name, "owner_id": str(self.owner_id), "unavailable": False,
                "joined_at": now(), "roles": self.roles(), "members": [me], "member_count": members + 1,
                "channels": [c for c in channels if c["type"] != wire.PUBLIC_THREAD],
                "threads": [c for c in channels if c["type"] == wire.PUBLIC_THREAD], "features": []}


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
    deleted: bool = False
    author: User | None = None  # None: the bot
    allowed_mentions: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    exchange: Exchange | None = None  # a member's message: what the bot sent Discord in answer to it

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & wire.EPHEMERAL)

    def apply(self, body: dict[str, Any]) -> Message:
        for key, empty in (("content", ""), ("embeds", []), ("components", [])):
            if key in body:
                setattr(self, key, body[key] or empty)
        self.flags = self.flags if body.get("flags") is None else body["flags"]
        self.allowed_mentions = body.get("allowed_mentions", self.allowed_mentions)
        return self

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk(self.components) if c.get("type") == wire.BUTTON]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in walk(self.components) if c.get("type") in wire.SELECT_TYPES]

    def text(self) -> str:
        """Everything a member can read in the message, flattened (for assertions)."""
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
    problems: list[str] = field(default_factory=list)  # why Discord refused it (the fake's `checks`)

    @property
    def token(self) -> str | None:
        """The interaction token of a callback or webhook request (None: a channel's or the bot's own)."""
        parts = self.path.strip("/").split("/")
        return parts[2] if len(parts) > 2 and parts[0] in ("interactions", "webhooks") else None


@dataclass
class Exchange:
    """Everything the bot sent Discord in answer to one gateway event (an interaction, a member's message)."""

    interaction: dict[str, Any]  # the event's data
    sent_at: float = field(default_factory=time.monotonic)
    requests: list[Recorded] = field(default_factory=list)  # from the event on, filled once the bot is quiet
    answered_in: float | None = None  # seconds from INTERACTION_CREATE to its callback (Discord allows 3)
    original: Message | None = None  # the interaction's original response (webhooks' @original)

    @property
    def callback(self) -> Recorded:
        if (found := next((r for r in self.requests if r.path.endswith("/callback")), None)) is None:
            raise AssertionError(f"the bot never answered the interaction; it sent {self.requests}")
        return found

    @property
    def messages(self) -> list[Message]:
        """What the bot showed in answer, created or edited, in order: for this interaction, or in a channel."""
        own = self.interaction.get("token")
        return [r.message for r in self.requests if r.message is not None and r.token in (None, own)]

    @property
    def message(self) -> Message:
        """The message a member sees as the answer (the last one created or edited)."""
        if not (messages := self.messages):
            raise AssertionError(f"the bot showed no message; it sent {self.requests}")
        return messages[-1]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices."""
        body = self.callback.body
        assert body["type"] == wire.AUTOCOMPLETE, body
        return body["data"]["choices"]

    @property
    def problems(self) -> list[str]:
        return [p for r in self.requests for p in r.problems]

    def text(self) -> str:
        return "\n".join(m.text() for m in self.messages)
