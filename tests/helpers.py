"""Test helpers: a fake wall clock that feeds can sleep on without real waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import oracle_ui

GOOG_SAMPLE = Path(oracle_ui.__file__).parent / 'samples' / 'GOOG_daily.csv'
"""Daily GOOG bars (from backtesting.py's test data), shipped with the package for /backtest."""


class FakeClock:
    """Wall time that only moves when a feed sleeps; sleeping yields to the event loop once."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


async def until(condition: Callable[[], bool], *, steps: int = 200_000, message: str = 'condition') -> None:
    """Yield to the loop until ``condition()`` holds (no wall-clock waiting); fail after ``steps`` yields."""
    for _ in range(steps):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError(f'{message} did not happen within {steps} loop iterations')


async def eventually(condition: Callable[[], object], timeout_s: float = 20.0, what: str = 'condition') -> None:
    """Poll ``condition()`` in real time (for servers and pages doing real work) until it holds."""
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f'{what} not met within {timeout_s:g} s')
