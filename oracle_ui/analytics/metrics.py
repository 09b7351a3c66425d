"""Performance metrics of an equity curve and of closed trades, on numpy arrays (fast enough to recompute on
every closed trade): the one definition live trading, backtests, the API, the pages and the reports share.

Ratio metrics use the per-bar returns of the marked-to-market equity, ``r[i] = equity[i] / equity[i-1] - 1`` with
``equity[-1]`` the starting equity, and give quantstats' value for those returns (``sharpe``, ``sortino``,
``volatility``, ``cagr``, ``max_drawdown``, ``calmar``; a test compares them). Trade metrics are per closed trade
(quantstats computes its win rate, profit factor and expectancy per period instead; docs/ANALYTICS.md says how they
differ). A value that is undefined (a ratio over zero) is None.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .trades import TradeArrays

YEAR_S = 365 * 86_400
"""Crypto trades every day: a year of bars is 365 days of them (use 252 daily periods for stock data)."""


def periods_per_year(interval_s: float) -> float:
    """Bars per year of bars ``interval_s`` long, trading around the clock (``1d`` -> 365, ``1m`` -> 525,600)."""
    if interval_s <= 0:
        raise ValueError(f'bar length must be positive, got {interval_s}')
    return YEAR_S / interval_s


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def returns_of(equity: np.ndarray, start_equity: float) -> np.ndarray:
    """Per-bar returns of ``equity`` (the first against ``start_equity``)."""
    previous = np.empty(len(equity))
    if len(equity):
        previous[0] = start_equity
        previous[1:] = equity[:-1]
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.asarray(equity, dtype=float) / previous - 1.0


def drawdown_of(equity: np.ndarray, start_equity: float) -> np.ndarray:
    """Fraction below the running peak (the starting equity counts as a peak) at each bar: 0 or negative."""
    if not len(equity):
        return np.empty(0)
    peaks = np.maximum.accumulate(np.concatenate([[start_equity], equity]))[1:]
    with np.errstate(divide='ignore', invalid='ignore'):
        drawdown = np.where(peaks > 0, equity / peaks - 1.0, 0.0)
    return np.minimum(drawdown, 0.0)


def longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of True in ``mask``."""
    if not mask.any():
        return 0
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max())


def equity_metrics(equity: np.ndarray, start_equity: float, per_year: float) -> dict[str, Any]:
    """Return, CAGR, volatility, Sharpe, Sortino, Calmar, drawdown and time under water of a marked equity curve
    with one point per bar (``per_year`` bars a year); percentages are percent, drawdown negative."""
    n = len(equity)
    end = float(equity[-1]) if n else start_equity
    result: dict[str, Any] = {
        'start_equity': start_equity,
        'end_equity': end,
        'return_pct': (end / start_equity - 1.0) * 100.0 if start_equity > 0 else None,
        'cagr_pct': None,
        'volatility_pct': None,
        'sharpe': None,
        'sortino': None,
        'calmar': None,
        'max_drawdown_pct': 0.0,
        'max_drawdown_duration_bars': 0,
        'time_under_water_pct': 0.0,
        'periods_per_year': per_year,
    }
    if n == 0 or start_equity <= 0:
        return result
    returns = returns_of(equity, start_equity)
    returns = returns[np.isfinite(returns)]
    drawdown = drawdown_of(equity, start_equity)
    under = drawdown < 0
    max_drawdown = float(drawdown.min())
    result['max_drawdown_pct'] = max_drawdown * 100.0
    result['max_drawdown_duration_bars'] = longest_run(under)
    result['time_under_water_pct'] = 100.0 * float(under.mean())
    count = len(returns)
    if count == 0:
        return result
    growth = end / start_equity
    if growth >= 0:
        with np.errstate(over='ignore'):  # a huge periods_per_year over few bars: infinite, reported as None
            cagr = float(np.power(growth, per_year / count)) - 1.0 if growth > 0 else -1.0
        result['cagr_pct'] = _finite(cagr * 100.0)
        if max_drawdown < 0:
            result['calmar'] = _finite(cagr / abs(max_drawdown))
    if count < 2:
        return result
    mean = float(returns.mean())
    std = float(returns.std(ddof=1))
    result['volatility_pct'] = std * math.sqrt(per_year) * 100.0
    if std > 0:
        result['sharpe'] = _finite(mean / std * math.sqrt(per_year))
    downside = math.sqrt(float(np.square(returns[returns < 0]).sum()) / count)
    if downside > 0:
        result['sortino'] = _finite(mean / downside * math.sqrt(per_year))
    return result


def _streaks(pnl: np.ndarray) -> tuple[int, int]:
    return longest_run(pnl > 0), longest_run(pnl < 0)


def trade_metrics(trades: TradeArrays, index: np.ndarray | None = None) -> dict[str, Any]:
    """Per-trade statistics of closed trades (in the order they closed; ``index``: only those rows, in order);
    money in quote currency, fee-inclusive."""
    rows = slice(None) if index is None else index
    pnl, fees, margin, risk = trades.pnl[rows], trades.fees[rows], trades.margin[rows], trades.risk[rows]
    n = len(pnl)
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    gross_profit, gross_loss = float(wins.sum()), float(-losses.sum())
    before_fees = pnl + fees
    winners_before_fees = float(before_fees[before_fees > 0].sum())
    with np.errstate(divide='ignore', invalid='ignore'):
        pct = np.where(margin > 0, 100.0 * pnl / margin, np.nan)
        r_multiple = pnl / risk
    r_known = r_multiple[np.isfinite(r_multiple)]
    holding = trades.exit_time[rows] - trades.entry_time[rows]
    std = float(pnl.std(ddof=1)) if n > 1 else 0.0
    longest_wins, longest_losses = _streaks(pnl)
    return {
        'trades': n,
        'wins': len(wins),
        'losses': len(losses),
        'win_rate_pct': 100.0 * len(wins) / n if n else None,
        'net_pnl': float(pnl.sum()),
        'gross_profit': gross_profit,
        'gross_loss': gross_loss,
        'profit_factor': gross_profit / gross_loss if gross_loss > 0 else None,
        'expectancy': float(pnl.mean()) if n else None,
        'expectancy_r': float(r_known.mean()) if len(r_known) else None,
        'sqn': math.sqrt(n) * float(pnl.mean()) / std if std > 0 else None,
        'avg_win': float(wins.mean()) if len(wins) else None,
        'avg_loss': float(losses.mean()) if len(losses) else None,
        'best_trade': float(pnl.max()) if n else None,
        'worst_trade': float(pnl.min()) if n else None,
        'best_trade_pct': _finite(float(np.nanmax(pct))) if n and np.isfinite(pct).any() else None,
        'worst_trade_pct': _finite(float(np.nanmin(pct))) if n and np.isfinite(pct).any() else None,
        'max_consecutive_wins': longest_wins,
        'max_consecutive_losses': longest_losses,
        'avg_holding_s': float(holding.mean()) if n else None,
        'median_holding_s': float(np.median(holding)) if n else None,
        'fees': float(fees.sum()),
        'fees_share_of_gross_profit_pct': 100.0 * float(fees.sum()) / winners_before_fees
        if winners_before_fees > 0
        else None,
    }
