"""The metrics module against quantstats (same per-bar returns, same periods per year) on generated and real series
and the edge cases; per-group sums equal the totals; exposure and periods."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from oracle_ui.analytics import (
    TradeArrays,
    analyze,
    equity_metrics,
    exposure_pct,
    periods_per_year,
    returns_of,
    trade_metrics,
)
from oracle_ui.backtest import BacktestConfig, run_backtest
from oracle_ui.engine.bars import load_bars
from oracle_ui.engine.strategies import create_strategy

from .helpers import GOOG_SAMPLE

qs = pytest.importorskip('quantstats')
RTOL = 1e-6
DAY = 86_400


def quantstats_metrics(equity: np.ndarray, start: float, times: np.ndarray, per_year: float) -> dict[str, float]:
    returns = pd.Series(returns_of(equity, start), index=pd.to_datetime(times, unit='s'))
    periods = per_year
    drawdown = qs.stats.to_drawdown_series(returns)
    details = qs.stats.drawdown_details(drawdown)
    theirs = {
        'cagr_pct': qs.stats.cagr(returns, periods=periods) * 100,
        'volatility_pct': qs.stats.volatility(returns, periods=periods) * 100,
        'sharpe': qs.stats.sharpe(returns, periods=periods),
        'sortino': qs.stats.sortino(returns, periods=periods),
        'calmar': qs.stats.calmar(returns, periods=periods),
        'max_drawdown_pct': qs.stats.max_drawdown(returns) * 100,
    }
    if not len(drawdown) or drawdown.iloc[0] == 0:  # quantstats misses a drawdown under way at the first bar
        theirs['max_drawdown_duration_bars'] = int(details['days'].max()) if len(details) else 0
    return theirs


def assert_same(ours: dict, theirs: dict) -> None:
    for key, value in theirs.items():
        mine = ours[key]
        if value is None or not math.isfinite(value):
            assert mine is None, f'{key}: quantstats {value}, ours {mine}'
        elif value == 0:
            assert mine == pytest.approx(0, abs=1e-12), key
        else:
            assert mine == pytest.approx(value, rel=RTOL), key


def daily(equity: list[float] | np.ndarray, start_day: int = 19_000) -> tuple[np.ndarray, np.ndarray]:
    """Equity with one point per calendar day (so quantstats' drawdown days equal our bars)."""
    values = np.asarray(equity, dtype=float)
    return (start_day + np.arange(len(values))) * float(DAY), values


@pytest.mark.parametrize('seed', [1, 2, 3])
@pytest.mark.parametrize('per_year', [365.0, 252.0])
def test_generated_series_match_quantstats(seed: int, per_year: float) -> None:
    rng = np.random.default_rng(seed)
    times, equity = daily(10_000 * np.cumprod(1 + rng.normal(0.0005, 0.02, 800)))
    ours = equity_metrics(equity, 10_000, per_year)
    assert_same(ours, quantstats_metrics(equity, 10_000, times, per_year))


def test_real_series_match_quantstats() -> None:
    """GOOG's closes held from the first one, and the equity of the golden sma_cross backtest on them."""
    bars = load_bars(GOOG_SAMPLE)
    held = bars.close / bars.close[0] * 10_000
    backtest = run_backtest(bars, create_strategy('sma_cross'), BacktestConfig(sizing='all-in'))
    for equity in (held, backtest.equity):
        ours = equity_metrics(equity, 10_000, 252)
        theirs = quantstats_metrics(equity, 10_000, bars.time, 252)
        theirs.pop('max_drawdown_duration_bars', None)  # trading days are not calendar days: see daily series
        assert_same(ours, theirs)
    assert backtest.stats['sharpe'] is not None


@pytest.mark.filterwarnings('ignore::RuntimeWarning')  # quantstats divides by zero on purpose here
@pytest.mark.parametrize(
    ('name', 'equity'),
    [
        ('no trades: flat equity', [10_000.0] * 30),
        ('one trade', [10_000.0] * 10 + [10_050.0, 10_120.0, 10_090.0] + [10_090.0] * 10),
        ('all losses', list(10_000 * np.cumprod(np.full(40, 0.99)))),
        ('one bar', [10_100.0]),
        ('recovering drawdown', [10_000, 9_000, 9_500, 10_000, 10_200, 9_800, 9_900, 10_300]),
    ],
)
def test_edge_cases_match_quantstats(name: str, equity: list[float]) -> None:
    times, values = daily(equity)
    ours = equity_metrics(values, 10_000, 365)
    theirs = quantstats_metrics(values, 10_000, times, 365)
    if len(values) < 2:  # quantstats' sample std of one return is NaN: so is ours (None)
        theirs['volatility_pct'] = math.nan
    assert_same(ours, theirs)


def make_trades(pnls: list[float], *, symbols: list[str] | None = None) -> TradeArrays:
    n = len(pnls)
    entry = 1_700_000_000 + 3600.0 * np.arange(n)
    return TradeArrays.from_columns(
        {
            'entry_time': entry,
            'exit_time': entry + 1800,
            'entry_price': [100.0] * n,
            'exit_price': [100.0] * n,
            'quantity': [1.0] * n,
            'pnl': pnls,
            'fees': [0.5] * n,
            'margin': [100.0] * n,
            'risk': [10.0] * n,
            'symbol': symbols or ['BTC/USDT'] * n,
            'side': ['long' if k % 3 else 'short' for k in range(n)],
            'strategy': ['regime'] * n,
            'exit_reason': ['take-profit' if p > 0 else 'stop-loss' for p in pnls],
        }
    )


def test_trade_metrics_by_hand() -> None:
    m = trade_metrics(make_trades([10, 20, -5, -5, -5, 30]))
    assert m['trades'] == 6 and m['wins'] == 3 and m['win_rate_pct'] == 50
    assert m['profit_factor'] == pytest.approx(60 / 15)
    assert m['expectancy'] == pytest.approx(45 / 6) and m['expectancy_r'] == pytest.approx(4.5 / 6)
    assert m['sqn'] == pytest.approx(math.sqrt(6) * 7.5 / np.std([10, 20, -5, -5, -5, 30], ddof=1))
    assert m['avg_win'] == pytest.approx(20) and m['avg_loss'] == pytest.approx(-5)
    assert (m['best_trade'], m['worst_trade'], m['best_trade_pct']) == (30, -5, 30)
    assert (m['max_consecutive_wins'], m['max_consecutive_losses']) == (2, 3)
    assert m['avg_holding_s'] == 1800 and m['median_holding_s'] == 1800
    assert m['fees'] == 3 and m['fees_share_of_gross_profit_pct'] == pytest.approx(100 * 3 / (10.5 + 20.5 + 30.5))
    none = trade_metrics(make_trades([]))
    assert none['trades'] == 0 and none['win_rate_pct'] is None and none['profit_factor'] is None
    all_losses = trade_metrics(make_trades([-1, -2]))
    assert all_losses['profit_factor'] == 0 and all_losses['avg_win'] is None


def test_group_sums_equal_the_totals() -> None:
    rng = np.random.default_rng(5)
    n = 500
    pnls = rng.normal(1, 10, n).tolist()
    trades = make_trades(pnls, symbols=list(rng.choice(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], n)))
    times = np.arange(trades.entry_time[0] - 3600, trades.exit_time[-1] + 3600, 60.0)
    equity = 10_000 + np.interp(times, trades.exit_time, np.cumsum(trades.pnl))
    analysis = analyze(trades, times, equity, 10_000, periods_per_year(60))
    totals = analysis.metrics
    for name, rows in analysis.groups.items():
        for key in ('trades', 'wins', 'losses'):
            assert sum(r[key] for r in rows) == totals[key], (name, key)
        for key in ('net_pnl', 'fees', 'gross_profit', 'gross_loss'):
            assert sum(r[key] for r in rows) == pytest.approx(totals[key], rel=1e-9), (name, key)
    growth = np.prod([1 + r['return_pct'] / 100 for r in analysis.groups['day']])
    assert growth == pytest.approx(equity[-1] / 10_000, rel=1e-9), 'daily returns compound to the total'
    months = analysis.series['monthly_returns']
    assert np.prod([1 + m['return_pct'] / 100 for m in months]) == pytest.approx(growth, rel=1e-9)


def test_exposure_merges_overlapping_positions() -> None:
    entries, exits = np.array([0.0, 10, 15, 50]), np.array([20.0, 12, 30, 60])
    assert exposure_pct(entries, exits, 0, 100) == pytest.approx(40)
    assert exposure_pct(entries, exits, 25, 75) == pytest.approx(30)
    assert exposure_pct(np.empty(0), np.empty(0), 0, 100) == 0


def test_periods_per_year_from_the_bar_length() -> None:
    assert periods_per_year(86_400) == 365 and periods_per_year(60) == 525_600 and periods_per_year(3600) == 8760
