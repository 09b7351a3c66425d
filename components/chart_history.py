"""When the price chart loads another page of history: as the view nears either end of the candles it holds."""

from __future__ import annotations

from datetime import tzinfo
from typing import Literal

from components.chart_marks import parse_chart_time

WINDOW_CANDLES = 1_500
"""Candles a chart holds in the browser; panning beyond them drops those at the other end."""
PAGE_CANDLES = 500
"""Candles loaded per page of history, older or newer."""
PREFETCH_SCREENS = 2.0
"""A page is fetched when fewer than this many screens of candles are left beyond the visible range (so panning a
screen at a time finds the next one loaded)."""
PAGES_PER_PAN = 4
"""Pages loaded at most after one pan or zoom (a view wider than the window must not walk through all history)."""


def page_wanted(
    view: tuple[str, str] | None,
    tz: tzinfo,
    held: tuple[int, int],
    has_more: bool,
    has_newer: bool,
    *,
    forward: bool,
) -> Literal['older', 'newer'] | None:
    """Which page the view ``(start, end)`` (None: zoomed out to everything) needs, given the open times of the
    first and last candle ``held``, whether older or newer ones are stored beyond them, and which way the user
    went (``forward``: towards the newest; pages load only ahead of the user, so they never undo each other)."""
    if view is None:
        return 'older' if has_more else None
    first, last = (parse_chart_time(t, tz) for t in view)
    screen = PREFETCH_SCREENS * (last - first)
    if not forward and has_more and first - held[0] < screen:
        return 'older'
    if forward and has_newer and held[1] - last < screen:
        return 'newer'
    return None
