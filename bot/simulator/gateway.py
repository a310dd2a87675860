"""The fake Discord's gateway: the websocket discord.py connects to, zlib-stream compressed as it asks,
with HELLO, IDENTIFY (checked against the token), READY and a GUILD_CREATE per guild, heartbeats, and
the events the rest of the fake sends the connected bot."""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

from aiohttp import WSMsgType, web

from bot.simulator import wire
from bot.simulator.models import APPLICATION_ID, TOKEN, Guild, User, bot_user

HEARTBEAT_INTERVAL_MS = 41_250


class Session:
    """One gateway connection, speaking zlib-stream when the client asked for it (discord.py does)."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        if compress not in (None, "zlib-stream"):
            raise ValueError(f"unsupported gateway compression {compress!r}")
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self.sequence = 0
        self.intents = 0
        self.open = True

    async def send(self, payload: dict[str, Any]) -> None:
        if payload.get("op") == wire.DISPATCH:
            self.sequence += 1
            payload["s"] = self.sequence
        text = json.dumps(payload)
        if self._zlib is None:
            await self.ws.send_str(text)
        else:  # one shared deflate stream; every message ends with a sync flush (00 00 ff ff)
            await self.ws.send_bytes(self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH))


class Gateway:
    """The gateway half of the fake Discord (its REST half, server.py, holds `guilds` and `users`)."""

    guilds: dict[int, Guild]
    users: dict[str, User]

    def __init__(self) -> None:
        self.identify: dict[str, Any] | None = None
        self.gateway_query: dict[str, str] = {}
        self.heartbeats = 0
        self.ready = asyncio.Event()  # set once a bot has identified
        self.sessions: list[Session] = []  # in the order they identified
        self.port = 0
        self._pending: list[tuple[str, dict[str, Any]]] = []  # events for the bot, sent before the next one
        self._changed = asyncio.Condition()  # notified on every request and heartbeat

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def session(self) -> Session | None:
        """The newest open session: the one events go to (an older one is a process since replaced)."""
        return next((s for s in reversed(self.sessions) if s.open), None)

    def queue_event(self, event: str, data: dict[str, Any]) -> None:
        """An event for the connected bot, sent ahead of the next one (or with `flush`)."""
        if self.session is not None:
            self._pending.append((event, data))

    async def flush(self) -> None:
        session = self.session
        pending, self._pending = self._pending, []
        if session is not None:
            for event, data in pending:
                await session.send({"op": wire.DISPATCH, "t": event, "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH frame to the connected bot."""
        await self.flush()
        if (session := self.session) is None:
            raise AssertionError("no bot is connected to the gateway")
        await session.send({"op": wire.DISPATCH, "t": event, "d": data})

    async def barrier(self) -> None:
        """Return once the bot has processed every frame sent so far.

        A gateway HEARTBEAT request (op 1) from the server must be answered at once, and discord.py
        reads frames in order: when its heartbeat comes back, every earlier event has been parsed and
        its listeners scheduled."""
        await self.flush()
        if (session := self.session) is None:
            raise AssertionError("no bot is connected to the gateway")
        seen = self.heartbeats
        await session.send({"op": wire.HEARTBEAT, "d": session.sequence})
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.heartbeats > seen), 5)

    async def _serve_gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_query = dict(request.query)
        session = Session(ws, request.query.get("compress"))
        try:
            await session.send({"op": wire.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    break
                message = json.loads(frame.data)
                op = message.get("op")
                if op == wire.HEARTBEAT:
                    self.heartbeats += 1
                    await session.send({"op": wire.HEARTBEAT_ACK})
                    async with self._changed:
                        self._changed.notify_all()
                elif op == wire.IDENTIFY:
                    if message["d"].get("token") != TOKEN:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    await self._identified(session, message["d"])
                elif op == wire.RESUME:
                    await session.send({"op": wire.INVALID_SESSION, "d": False})  # identify again
        finally:
            session.open = False
        return ws

    async def _identified(self, session: Session, identify: dict[str, Any]) -> None:
        self.identify = identify
        session.intents = int(identify.get("intents", 0))
        self.sessions.append(session)
        self._pending = []  # READY and GUILD_CREATE carry everything as it is now
        await session.send({"op": wire.DISPATCH, "t": "READY", "d": self._ready()})
        for guild in self.guilds.values():
            await session.send({"op": wire.DISPATCH, "t": "GUILD_CREATE", "d": guild.payload(len(self.users))})
        self.ready.set()

    def _ready(self) -> dict[str, Any]:
        return {"v": 10, "user": {**bot_user(), "verified": True, "mfa_enabled": False, "flags": 0},
                "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
                "session_id": f"e2e-session-{len(self.sessions)}", "resume_gateway_url": self.gateway_url,
                "shard": [0, 1], "application": {"id": str(APPLICATION_ID), "flags": 0}}
