"""Test helpers: moving a manual clock until something happens, and waiting for real-time work (pages)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from oracle_ui.backtest import SAMPLES_DIR
from oracle_ui.clock import ManualClock

GOOG_SAMPLE = SAMPLES_DIR / 'GOOG_daily.csv'
"""Daily GOOG bars (from backtesting.py's test data), shipped with the package for /backtest."""
DATA = Path(__file__).parent / 'data'


class FakeClock(ManualClock):
    """A clock that moves as its sleepers sleep: a feed under test runs as fast as it is consumed."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        super().__init__(start, auto=True)


async def advance_until(
    clock: ManualClock,
    condition: Callable[[], object],
    *,
    step_s: float = 1.0,
    limit_s: float = 3600.0,
    what: str = 'condition',
) -> None:
    """Move ``clock`` forward ``step_s`` at a time until ``condition()`` holds; fail after ``limit_s`` of clock
    time (the market moves as fast as the engine can work, no real waiting)."""
    moved = 0.0
    while not condition():
        if moved >= limit_s:
            raise AssertionError(f'{what} did not happen within {limit_s:g} s of clock time')
        await clock.advance(step_s)
        moved += step_s


async def eventually(condition: Callable[[], object], timeout_s: float = 10.0, what: str = 'condition') -> None:
    """Poll ``condition()`` in real time until it holds: for work that runs on real timers (a page's refresh,
    a browser round trip), not for market time (move the clock with :func:`advance_until` for that)."""
    for _ in range(int(timeout_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f'{what} not met within {timeout_s:g} s')
