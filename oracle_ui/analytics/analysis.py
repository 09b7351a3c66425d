"""The whole analysis of an account or a backtest over a period: headline metrics, per-group tables and the series
the pages and reports chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .groups import GROUPINGS, all_groups, period_equity
from .metrics import drawdown_of, equity_metrics, trade_metrics
from .trades import TradeArrays

MAX_SERIES_POINTS = 2000
"""Points per charted curve: longer curves are decimated (each bucket's last equity, deepest drawdown)."""
MAX_SCATTER_POINTS = 1500
"""Trades in the holding time vs PnL scatter (the newest)."""
CHART_DIGITS = 7
"""Significant digits of charted values (what a chart can show; keeps the pages' and the API's payload small)."""
WEEKDAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')


@dataclass(slots=True, kw_only=True)
class Analysis:
    """Metrics (every headline figure), groups (rows per symbol, side, strategy, exit reason, day, week, month) and
    series (chart data); all JSON-ready."""

    metrics: dict[str, Any]
    groups: dict[str, list[dict[str, Any]]]
    series: dict[str, Any] = field(default_factory=dict)


def exposure_pct(entries: np.ndarray, exits: np.ndarray, start: float, end: float) -> float:
    """Share of ``[start, end)`` with at least one position open (intervals ``[entry, exit)`` may overlap)."""
    if end <= start or not len(entries):
        return 0.0
    a, b = np.clip(entries, start, end), np.clip(exits, start, end)
    order = np.argsort(a)
    a, b = a[order], b[order]
    reach = np.maximum.accumulate(b)
    gaps = np.maximum(a[1:] - reach[:-1], 0.0)  # time between the covered span so far and the next entry
    covered = float(reach[-1] - a[0]) - float(gaps.sum())
    return 100.0 * covered / (end - start)


def analyze(
    trades: TradeArrays,
    times: np.ndarray,
    equity: np.ndarray,
    start_equity: float,
    per_year: float,
    *,
    exposure: float | None = None,
    buy_hold_return_pct: float | None = None,
    with_series: bool = True,
    groupings: tuple[str, ...] = GROUPINGS,
) -> Analysis:
    """Analyse closed ``trades`` and the marked equity (one point per bar at ``times``, ``per_year`` bars a year)
    that started from ``start_equity``; ``groupings``: which per-group tables (default: all)."""
    metrics = {
        **equity_metrics(equity, start_equity, per_year),
        **trade_metrics(trades),
        'exposure_pct': exposure,
        'buy_hold_return_pct': buy_hold_return_pct,
    }
    analysis = Analysis(metrics=metrics, groups=all_groups(trades, times, equity, start_equity, groupings))
    if with_series:
        analysis.series = chart_series(trades, times, equity, start_equity)
    return analysis


def rounded(values: np.ndarray) -> list[float]:
    """``values`` to :data:`CHART_DIGITS` significant digits."""
    finite = np.where(np.isfinite(values), values, 0.0)
    scale = np.floor(np.log10(np.maximum(np.abs(finite), 1e-300)))
    factor = 10.0 ** (CHART_DIGITS - 1 - np.clip(scale, -300, 300))
    result: list[float] = (np.round(finite * factor) / factor).tolist()
    return result


def decimate(times: np.ndarray, values: np.ndarray, *, how: str = 'last') -> tuple[list[float], list[float]]:
    """At most :data:`MAX_SERIES_POINTS` points: each bucket's first time (whole seconds) with its last (or lowest)
    value, to :data:`CHART_DIGITS` significant digits."""
    n = len(times)
    if n <= MAX_SERIES_POINTS:
        return np.round(times).tolist(), rounded(values)
    size = -(-n // MAX_SERIES_POINTS)
    starts = np.arange(0, n, size)
    picked = np.minimum.reduceat(values, starts) if how == 'min' else values[np.minimum(starts + size, n) - 1]
    return np.round(times[starts]).tolist(), rounded(picked)


def chart_series(trades: TradeArrays, times: np.ndarray, equity: np.ndarray, start_equity: float) -> dict[str, Any]:
    """Equity, drawdown and cumulative PnL curves, monthly returns, the PnL distribution, hour-of-day and weekday
    performance (by entry time, UTC) and holding time against PnL."""
    equity_times, equity_values = decimate(times, equity)
    drawdown_times, drawdown_values = decimate(times, drawdown_of(equity, start_equity) * 100.0, how='min')
    pnl = trades.pnl
    cumulative_times, cumulative = decimate(trades.exit_time, np.cumsum(pnl))
    months = period_equity(times, equity, start_equity, 'month')
    hours = (np.floor_divide(trades.entry_time, 3600) % 24).astype(np.int64)
    weekdays = ((np.floor_divide(trades.entry_time, 86_400) + 3) % 7).astype(np.int64)
    recent = slice(max(0, len(pnl) - MAX_SCATTER_POINTS), None)
    counts, edges = np.histogram(pnl, bins=min(40, max(1, len(pnl)))) if len(pnl) else (np.empty(0), np.empty(0))
    return {
        'equity': [equity_times, equity_values],
        'drawdown_pct': [drawdown_times, drawdown_values],
        'cumulative_pnl': [cumulative_times, cumulative],
        'monthly_returns': [
            {'month': str(np.datetime64(code, 'M')), 'return_pct': row['return_pct']} for code, row in months.items()
        ],
        'pnl_histogram': {'edges': edges.tolist(), 'counts': counts.astype(int).tolist()},
        'by_hour': _by_slot(hours, pnl, 24, [f'{h:02d}' for h in range(24)]),
        'by_weekday': _by_slot(weekdays, pnl, 7, list(WEEKDAYS)),
        'holding_vs_pnl': {
            'holding_s': np.round(trades.exit_time - trades.entry_time)[recent].tolist(),
            'pnl': rounded(pnl[recent]),
            'symbol': trades.symbol[recent].tolist(),
        },
    }


def _by_slot(slots: np.ndarray, pnl: np.ndarray, size: int, labels: list[str]) -> dict[str, list[Any]]:
    count = np.bincount(slots, minlength=size)
    wins = np.bincount(slots, weights=(pnl > 0).astype(float), minlength=size)
    with np.errstate(divide='ignore', invalid='ignore'):
        win_rate = np.where(count > 0, 100.0 * wins / np.maximum(count, 1), np.nan)
    return {
        'label': labels,
        'trades': count.tolist(),
        'pnl': np.bincount(slots, weights=pnl, minlength=size).tolist(),
        'win_rate_pct': [None if np.isnan(w) else float(w) for w in win_rate],
    }
