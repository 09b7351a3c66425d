"""Time as the engine, the feeds and the bus see it: the wall clock in production, a manual one in tests.

Nothing in the core reads ``time.time()`` or sleeps directly where time drives behaviour (the market's pace,
the account's once-a-second updates, event timestamps): it asks its :class:`Clock`, so a test can move time
forward instantly and deterministically instead of waiting.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    """Wall time, monotonic time and sleeping."""

    def time(self) -> float:
        """Unix seconds."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start, never going back."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""


class WallClock:
    """The machine's clock."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


WALL_CLOCK = WallClock()


class ManualClock:
    """Time that moves only when :meth:`advance` moves it, waking each sleeper at its deadline, in order.

    :param start: the Unix time it starts at
    :param auto: sleeping moves time forward by the amount slept, at once (a feed under test then runs as fast
        as it is consumed, with no one advancing the clock)
    """

    def __init__(self, start: float = 1_750_000_000.0, *, auto: bool = False) -> None:
        self.start = start
        self.now = start
        self.auto = auto
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now - self.start

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0 or self.auto:
            self.now += max(seconds, 0.0)
            await asyncio.sleep(0)
            return
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), wake))
        await wake

    @property
    def sleepers(self) -> int:
        """Tasks waiting on this clock now."""
        return sum(1 for *_, wake in self._sleepers if not wake.done())

    async def advance(self, seconds: float) -> None:
        """Move time ``seconds`` forward; each sleeper wakes at its deadline and runs until it waits again (on
        this clock or on anything else) before time moves on."""
        target = self.now + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, wake = heapq.heappop(self._sleepers)
            if wake.done():  # its task was cancelled
                continue
            self.now = max(self.now, deadline)
            wake.set_result(None)
            await _settle()
        self.now = target
        await _settle()


async def _settle(turns: int = 8) -> None:
    """Give the tasks woken so far a few loop turns to run up to their next wait."""
    for _ in range(turns):
        await asyncio.sleep(0)
