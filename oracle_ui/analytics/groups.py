"""Metrics per group of trades (symbol, side, strategy, exit reason) and per calendar period (UTC day, week
starting Monday, month), with each period's return and drawdown from the equity curve."""

from __future__ import annotations

import itertools
from typing import Any, Literal

import numpy as np

from .metrics import drawdown_of, trade_metrics
from .trades import TradeArrays

DAY_S = 86_400
Period = Literal['day', 'week', 'month']
TradeField = Literal['symbol', 'side', 'strategy', 'exit_reason']
GROUPINGS: tuple[str, ...] = ('symbol', 'side', 'strategy', 'exit_reason', 'day', 'week', 'month')


def period_codes(times: np.ndarray, period: Period) -> np.ndarray:
    """An integer per time naming its UTC period: days since 1970, Mondays since 1970 (as days), or months."""
    days: np.ndarray = np.floor_divide(np.asarray(times, dtype=float), DAY_S).astype(np.int64)
    if period == 'day':
        return days
    if period == 'week':
        mondays: np.ndarray = days - (days + 3) % 7  # 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays
        return mondays
    months: np.ndarray = days.astype('datetime64[D]').astype('datetime64[M]').astype(np.int64)
    return months


def period_label(code: int, period: Period) -> str:
    """``2026-11-28`` for a day, the Monday's date for a week, ``2026-11`` for a month."""
    if period == 'month':
        return str(np.datetime64(int(code), 'M'))
    return str(np.datetime64(int(code), 'D'))


def period_start(code: int, period: Period) -> float:
    """Unix seconds at the start of the period ``code`` names."""
    if period == 'month':
        return float(np.datetime64(int(code), 'M').astype('datetime64[s]').astype(np.int64))
    return float(code * DAY_S)


def _factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys sorted, each key's position among them); text as fixed-width unicode, which numpy sorts in C."""
    return np.unique(keys.astype(str) if keys.dtype == object else keys, return_inverse=True)


def _slices(keys: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """(key, positions) for each distinct key in sorted order, positions keeping their order."""
    if not len(keys):
        return []
    unique, inverse = _factorize(keys)
    order = np.argsort(inverse, kind='stable')
    bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
    return [(unique[k], order[bounds[k] : bounds[k + 1]]) for k in range(len(unique))]


def group_table(trades: TradeArrays, by: TradeField) -> list[dict[str, Any]]:
    """One row of trade metrics per distinct value of ``by``, sorted by that value."""
    return [{'key': str(key), **trade_metrics(trades, index)} for key, index in _slices(getattr(trades, by))]


def period_equity(
    times: np.ndarray, equity: np.ndarray, start_equity: float, period: Period
) -> dict[int, dict[str, float]]:
    """Per period with equity points: the equity it started from (the previous period's last point) and ended at,
    its return and its deepest drawdown (from its own running peak), in percent."""
    codes = period_codes(times, period)
    result: dict[int, dict[str, float]] = {}
    if not len(codes):
        return result
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(codes)) + 1, [len(codes)]])
    start = start_equity
    for a, b in itertools.pairwise(bounds):
        segment = equity[a:b]
        end = float(segment[-1])
        result[int(codes[a])] = {
            'start_equity': start,
            'end_equity': end,
            'return_pct': (end / start - 1.0) * 100.0 if start > 0 else 0.0,
            'max_drawdown_pct': float(drawdown_of(segment, start).min()) * 100.0,
        }
        start = end
    return result


def period_table(
    trades: TradeArrays, times: np.ndarray, equity: np.ndarray, start_equity: float, period: Period
) -> list[dict[str, Any]]:
    """One row per period with equity points or closed trades (trades count in the period they closed)."""
    by_equity = period_equity(times, equity, start_equity, period)
    by_trades = dict(_slices(period_codes(trades.exit_time, period)))
    rows = []
    empty = np.empty(0, dtype=np.int64)
    for code in sorted(set(by_equity) | {int(c) for c in by_trades}):
        account = by_equity.get(code, {})
        rows.append(
            {
                'key': period_label(code, period),
                'start_time': period_start(code, period),
                'return_pct': account.get('return_pct'),
                'max_drawdown_pct': account.get('max_drawdown_pct'),
                **trade_metrics(trades, by_trades.get(code, empty)),
            }
        )
    return rows


def all_groups(
    trades: TradeArrays,
    times: np.ndarray,
    equity: np.ndarray,
    start_equity: float,
    groupings: tuple[str, ...] = GROUPINGS,
) -> dict[str, list[dict[str, Any]]]:
    """The tables of ``groupings`` (default: every one of :data:`GROUPINGS`)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    fields: tuple[TradeField, ...] = ('symbol', 'side', 'strategy', 'exit_reason')
    for by in fields:
        if by in groupings:
            groups[by] = group_table(trades, by)
    periods: tuple[Period, ...] = ('day', 'week', 'month')
    for period in periods:
        if period in groupings:
            groups[period] = period_table(trades, times, equity, start_equity, period)
    return groups
