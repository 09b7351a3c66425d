"""The one path a bar is assumed to take, shared by the CSV replay (its ticks) and the backtest (its exits).

A bar's prices are visited in the order open, the extreme nearer the open, the other extreme, close, moving
continuously between them; point ``k`` happens at the bar's time plus ``k`` quarters of its length. A stop-loss
or take-profit crossed between two points fills at its level; one the open is already beyond fills at the open.
"""

from __future__ import annotations

POINTS = 4
"""Points on a bar's path: open, nearer extreme, other extreme, close."""


def bar_path(open_: float, high: float, low: float, close: float) -> tuple[float, float, float, float]:
    """The bar's prices in the order they are assumed to trade.

    The extreme nearer the open comes first; when both are equally near, the low first if the bar closes at or
    above its open, else the high.
    """
    to_low, to_high = open_ - low, high - open_
    if to_low < to_high or (to_low == to_high and close >= open_):
        return open_, low, high, close
    return open_, high, low, close


def path_times(time: float, interval_s: float) -> tuple[float, float, float, float]:
    """When the points of :func:`bar_path` happen: ``time`` plus ``k`` quarters of ``interval_s``."""
    step = interval_s / POINTS
    return time, time + step, time + 2 * step, time + 3 * step
