"""Clocks for the trivia engine: the real one, and a manual one that tests (and the console) advance.

A game's only notion of time is `now()` and `sleep()`, so a test can play a whole 20-question game
without waiting: it advances a `ManualClock` and the game wakes exactly as it would have.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
from collections.abc import Awaitable, Callable
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    async def sleep(self, seconds: float, *, until: asyncio.Future[Any] | None = None) -> None:
        """Wait `seconds`, or less when `until` completes first (how a game's stop cuts a question short)."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def sleep(self, seconds: float, *, until: asyncio.Future[Any] | None = None) -> None:
        if until is None:
            await asyncio.sleep(max(0.0, seconds))
        elif not until.done():
            # asyncio.wait on the future itself: no helper task, and the future is never cancelled.
            await asyncio.wait([until], timeout=max(0.0, seconds))


class ManualClock:
    """Time moves only when `advance()` is called. Sleepers wake in deadline order."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)
        self._sleepers: list[tuple[dt.datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._parked: set[asyncio.Task[Any]] = set()

    def now(self) -> dt.datetime:
        return self._now

    def set(self, when: dt.datetime) -> None:
        """Jump to `when` without waking anyone (to put a test in a given month, say)."""
        self._now = when

    async def sleep(self, seconds: float, *, until: asyncio.Future[Any] | None = None) -> None:
        if until is not None and until.done():
            return
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + dt.timedelta(seconds=seconds), next(self._order), wake))
        if until is not None:
            until.add_done_callback(lambda _: wake.done() or wake.set_result(None))
        task = asyncio.current_task()
        if task is not None:
            self._parked.add(task)
        try:
            await wake
        finally:
            if task is not None:
                self._parked.discard(task)
            if not wake.done():
                wake.cancel()

    def is_parked(self, task: asyncio.Task[Any]) -> bool:
        """Whether `task` is asleep on this clock (so it can only move when time does)."""
        return task in self._parked

    async def advance(self, seconds: float, settle: Callable[[], Awaitable[None]] | None = None) -> None:
        """Move time forward, waking each sleeper at its own deadline and letting it run (`settle`)
        before the next one wakes, as real time would."""
        target = self._now + dt.timedelta(seconds=seconds)
        if settle is not None:
            await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, wake = heapq.heappop(self._sleepers)
            if wake.done():
                continue
            self._now = max(self._now, deadline)
            wake.set_result(None)
            if settle is not None:
                await settle()
            else:
                await asyncio.sleep(0)
        self._now = target
