"""The incremental pieces rules are checked with, each O(log n) or O(1) per update whatever the number of rules:
price levels in sorted order (a tick touches only the levels it passed), rolling price windows (monotonic
queues), indicators on closed candles of one symbol and timeframe, and open positions' PnL."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..engine.indicators import Indicator, LiveIndicators
from ..engine.models import Candle
from .operands import Operand

T = TypeVar('T')


class LevelBook(Generic[T]):
    """Items at price levels whose condition is ``price >= level`` (``rising``) or ``price <= level``; reports
    which items' conditions a move from one price to another switched on and off."""

    def __init__(self) -> None:
        self._up: list[tuple[float, int, T]] = []
        self._up_levels: list[float] = []
        self._down: list[tuple[float, int, T]] = []
        self._down_levels: list[float] = []
        self._order = 0

    def __len__(self) -> int:
        return len(self._up) + len(self._down)

    def add(self, level: float, item: T, *, rising: bool) -> None:
        entries, levels = (self._up, self._up_levels) if rising else (self._down, self._down_levels)
        self._order += 1
        entry = (level, self._order, item)
        index = bisect_right(levels, level)
        entries.insert(index, entry)
        levels.insert(index, level)

    def remove(self, item: T) -> None:
        for entries, levels in ((self._up, self._up_levels), (self._down, self._down_levels)):
            for index, entry in enumerate(entries):
                if entry[2] is item:
                    del entries[index]
                    del levels[index]
                    return

    def moved(self, before: float, after: float) -> tuple[list[T], list[T]]:
        """(items switched on, items switched off) by a move from ``before`` to ``after``."""
        if after > before:  # up-levels in (before, after] hold now; down-levels in [before, after) no longer do
            on = self._up[bisect_right(self._up_levels, before) : bisect_right(self._up_levels, after)]
            off = self._down[bisect_left(self._down_levels, before) : bisect_left(self._down_levels, after)]
        elif after < before:  # up-levels in (after, before] no longer hold; down-levels in [after, before) do
            off = self._up[bisect_right(self._up_levels, after) : bisect_right(self._up_levels, before)]
            on = self._down[bisect_left(self._down_levels, after) : bisect_left(self._down_levels, before)]
        else:
            return [], []
        return [e[2] for e in on], [e[2] for e in off]


class MoveWindow(Generic[T]):
    """A symbol's prices over the last ``window_s`` seconds (monotonic queues for its high and low) and the items
    whose condition is "moved more than X %" in sorted order of X."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._highs: deque[tuple[float, float]] = deque()
        self._lows: deque[tuple[float, float]] = deque()
        self._thresholds: list[float] = []
        self._items: list[tuple[float, int, T]] = []
        self._order = 0
        self._holding = 0
        """Items ``[0, _holding)`` (the lowest thresholds) see their condition hold now."""
        self.move_pct = 0.0

    def __len__(self) -> int:
        return len(self._items)

    def add(self, threshold_pct: float, item: T) -> None:
        self._order += 1
        index = bisect_right(self._thresholds, threshold_pct)
        self._thresholds.insert(index, threshold_pct)
        self._items.insert(index, (threshold_pct, self._order, item))
        self._holding = bisect_left(self._thresholds, abs(self.move_pct))

    def remove(self, item: T) -> None:
        for index, entry in enumerate(self._items):
            if entry[2] is item:
                del self._items[index]
                del self._thresholds[index]
                self._holding = bisect_left(self._thresholds, abs(self.move_pct))
                return

    def holds(self, item: T) -> bool:
        return any(e[2] is item for e in self._items[: self._holding])

    def update(self, time: float, price: float) -> tuple[list[T], list[T]]:
        """Take a price; returns (items switched on, items switched off). The move is the larger of the rise from
        the window's low and the fall from its high, in percent (signed: negative for a fall)."""
        highs, lows, start = self._highs, self._lows, time - self.window_s
        while highs and highs[-1][1] <= price:
            highs.pop()
        highs.append((time, price))
        while lows and lows[-1][1] >= price:
            lows.pop()
        lows.append((time, price))
        while highs[0][0] < start:
            highs.popleft()
        while lows[0][0] < start:
            lows.popleft()
        rise = 100.0 * (price / lows[0][1] - 1.0)
        fall = 100.0 * (price / highs[0][1] - 1.0)
        self.move_pct = rise if rise >= -fall else fall
        holding = bisect_left(self._thresholds, abs(self.move_pct))
        before, self._holding = self._holding, holding
        if holding > before:
            return [e[2] for e in self._items[before:holding]], []
        return [], [e[2] for e in self._items[holding:before]]


class IndicatorFeed:
    """The indicators rules need on one symbol and timeframe, updated once per closed candle."""

    def __init__(self, indicators: Iterable[Indicator]) -> None:
        self.indicators = {i.key: i for i in indicators}
        self.live = LiveIndicators(self.indicators.values())
        self.current: dict[str, float] = {}
        self.previous: dict[str, float] = {}

    def warm_up(self, candles: Sequence[Candle]) -> None:
        for candle in candles:
            self.update(candle)

    def update(self, candle: Candle) -> None:
        self.previous = self.current
        values = self.live.update(candle.high, candle.low, candle.close, candle.volume)
        self.current = {
            **values,
            'open': candle.open,
            'high': candle.high,
            'low': candle.low,
            'close': candle.close,
            'volume': candle.volume,
        }

    def value(self, operand: Operand | float) -> float:
        """The operand's value at the last closed candle (NaN until warmed up)."""
        if isinstance(operand, float | int):
            return float(operand)
        return self.current.get(operand.output, math.nan)


@dataclass(slots=True)
class OpenPosition:
    """What a position's PnL is computed from (as ``position_opened`` announces it)."""

    id: int
    symbol: str
    is_long: bool
    quantity: float
    entry_price: float
    margin: float

    def pnl(self, price: float) -> float:
        """Gross unrealized PnL at ``price`` (as the broker marks it)."""
        move = price - self.entry_price
        return (move if self.is_long else -move) * self.quantity

    def pnl_pct(self, price: float) -> float:
        """Unrealized PnL in percent of the margin put up."""
        return 100.0 * self.pnl(price) / self.margin if self.margin > 0 else 0.0

    @classmethod
    def of(cls, info: Any) -> OpenPosition:
        """From a ``PositionInfo`` payload or an engine ``Position``."""
        side = getattr(info.side, 'value', info.side)
        return cls(info.id, info.symbol, side == 'long', info.quantity, info.entry_price, info.margin)
