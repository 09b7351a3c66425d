"""Live trading against its backtest: the running strategy, with the same settings, backtested over the same stored
candles of a period, trade by trade (matched, missed, extra, and the price and timing differences of each pair),
with both equity curves and both columns of metrics."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from ..analytics import TradeArrays, analyze, periods_per_year
from ..backtest import BacktestConfig, BacktestTrade, closed_trade_arrays, parse_iso, run_backtest
from ..engine.bars import Bars
from ..timeframes import timeframe_seconds
from .analytics import account_report_data, market_now
from .analytics_models import AnalyticsFilters, Metrics
from .models import TradeMarker

if TYPE_CHECKING:
    from ..system import System

WARMUP_BARS = 2000
"""Stored candles before the period that warm the backtest's indicators up (as the live engine's are)."""


class TradeBrief(BaseModel):
    symbol: str
    side: str
    entry_time: float
    entry_price: float
    exit_time: float | None
    exit_price: float | None
    pnl: float | None


class TradePair(BaseModel):
    """One trade made both live and in the backtest; differences are live minus backtest, prices signed so that a
    positive slippage cost the trader (paid more on a long entry, got less on its exit)."""

    live: TradeBrief
    backtest: TradeBrief
    entry_slippage: float
    entry_delay_s: float
    exit_slippage: float | None
    exit_delay_s: float | None
    pnl_difference: float | None


class LiveVsBacktest(BaseModel):
    start: float
    end: float
    strategy: str
    params: dict[str, Any]
    config: dict[str, Any]
    live: Metrics
    backtest: Metrics
    live_equity: tuple[list[float], list[float]]
    backtest_equity: tuple[list[float], list[float]]
    matched: list[TradePair]
    missed: list[TradeBrief]
    """In the backtest, not made live."""
    extra: list[TradeBrief]
    """Made live, not in the backtest (e.g. a position already open when the period began)."""


def _bars(system: System, symbol: str, start: float, end: float) -> tuple[Bars, int]:
    """Stored base candles of ``symbol`` before ``end``, from :data:`WARMUP_BARS` before ``start``; and the index of
    the first bar whose signals can enter in the period (its close, where an entry is decided, is not before
    ``start``; the order fills at the next open)."""
    timeframe = system.settings.timeframe
    length = timeframe_seconds(timeframe)
    span = int((end - start) / length) + WARMUP_BARS + 1
    candles = system.store.candles(symbol, timeframe, limit=span, before=math.ceil(end))
    columns = np.asarray([[c.time, c.open, c.high, c.low, c.close, c.volume] for c in candles], dtype=float)
    columns = columns.reshape(-1, 6)
    bars = Bars(*(columns[:, k].copy() for k in range(6)))
    return bars, int(np.searchsorted(bars.time + length, start))


def _brief(symbol: str, t: BacktestTrade) -> TradeBrief:
    return TradeBrief(
        symbol=symbol,
        side=t.side,
        entry_time=parse_iso(t.entry_time),
        entry_price=t.entry_price,
        exit_time=parse_iso(t.exit_time) if t.exit_time else None,
        exit_price=t.exit_price,
        pnl=t.pnl if t.exit_time else None,
    )


def _match(live: list[TradeBrief], tested: list[TradeBrief], tolerance_s: float) -> list[tuple[int, int]]:
    """Pairs (live index, backtest index) of the same symbol and side entered within ``tolerance_s``, in time order."""
    pairs, used = [], set()
    for i, a in enumerate(live):
        for j, b in enumerate(tested):
            if (
                j not in used
                and (a.symbol, a.side) == (b.symbol, b.side)
                and abs(a.entry_time - b.entry_time) <= tolerance_s
            ):
                pairs.append((i, j))
                used.add(j)
                break
    return pairs


def _pair(a: TradeBrief, b: TradeBrief) -> TradePair:
    sign = 1.0 if a.side == 'long' else -1.0
    has_exit = a.exit_price is not None and b.exit_price is not None and a.exit_time and b.exit_time
    return TradePair(
        live=a,
        backtest=b,
        entry_slippage=(a.entry_price - b.entry_price) * sign,
        entry_delay_s=a.entry_time - b.entry_time,
        exit_slippage=(b.exit_price - a.exit_price) * sign if has_exit else None,  # type: ignore[operator]
        exit_delay_s=(a.exit_time - b.exit_time) if has_exit else None,  # type: ignore[operator]
        pnl_difference=(a.pnl - b.pnl) if a.pnl is not None and b.pnl is not None else None,
    )


def compare_live_with_backtest(system: System, start: float, end: float) -> LiveVsBacktest:
    """The running strategy backtested per symbol over ``[start, end)`` from the live equity at ``start`` with the
    live commission, slippage and sizing, against the live trades entered in the period."""
    filters = AnalyticsFilters(period='custom', since=start, until=end)
    now = market_now(system)
    live_report, _ = account_report_data(
        system.store, system.settings, filters, symbols=list(system.engine.symbols), now=now
    )
    cash = live_report.metrics.start_equity
    risk = system.engine.risk.settings
    config = BacktestConfig.from_risk(
        risk, cash=cash, commission=system.settings.commission, slippage=system.settings.slippage
    )
    strategy = system.strategy
    length = timeframe_seconds(system.settings.timeframe)
    tested: list[TradeBrief] = []
    closed: list[TradeArrays] = []
    times = np.empty(0)
    gains = np.empty(0)
    for symbol in system.engine.symbols:
        bars, first = _bars(system, symbol, start, end)
        if first >= len(bars):
            continue
        result = run_backtest(bars, strategy, config, trade_from=first)
        tested += [_brief(symbol, t) for t in result.trades]
        arrays = closed_trade_arrays(result.trades)
        arrays.symbol[:] = symbol
        closed.append(arrays)
        bar_times = result.times + length  # marked at each bar's close, as the live curve is
        if not len(times):
            times, gains = bar_times, result.equity - cash
        else:
            at = np.clip(np.searchsorted(bar_times, times, side='right') - 1, 0, None)
            gains = gains + np.where(times >= bar_times[0], result.equity[at] - cash, 0.0)
    columns = trade_columns(system, start, end)
    pairs = _match(columns, tested, tolerance_s=length)
    matched_live, matched_tested = {i for i, _ in pairs}, {j for _, j in pairs}
    equity = cash + gains
    trades = _concat(closed)
    per_year = periods_per_year(length)
    tested_metrics = analyze(trades, times, equity, cash, per_year, with_series=False).metrics
    return LiveVsBacktest(
        start=start,
        end=end,
        strategy=strategy.name,
        params=strategy.params.model_dump(mode='json'),
        config={'cash': cash, 'commission': config.commission, 'slippage': config.slippage, 'sizing': config.sizing},
        live=live_report.metrics,
        backtest=Metrics(**{**tested_metrics, 'exposure_pct': None, 'buy_hold_return_pct': None}),
        live_equity=(live_report.series.equity if live_report.series else ([], [])),
        backtest_equity=(times.tolist(), equity.tolist()),
        matched=[_pair(columns[i], tested[j]) for i, j in pairs],
        missed=[t for j, t in enumerate(tested) if j not in matched_tested],
        extra=[t for i, t in enumerate(columns) if i not in matched_live],
    )


def trade_columns(system: System, start: float, end: float) -> list[TradeBrief]:
    """The live trades entered in ``[start, end)``, in entry order."""
    rows = system.store.analytics.trades_overlapping(start, end)
    briefs = [
        TradeBrief(
            symbol=symbol,
            side=side,
            entry_time=entry_time,
            entry_price=entry_price,
            exit_time=exit_time,
            exit_price=exit_price,
            pnl=pnl if exit_time is not None else None,
        )
        for symbol, side, entry_time, entry_price, exit_time, exit_price, pnl in zip(
            rows['symbol'],
            rows['side'],
            rows['entry_time'],
            rows['entry_price'],
            rows['exit_time'],
            rows['exit_price'],
            rows['pnl'],
            strict=True,
        )
        if entry_time >= start
    ]
    return sorted(briefs, key=lambda t: t.entry_time)


def _concat(parts: list[TradeArrays]) -> TradeArrays:
    if not parts:
        return TradeArrays.empty()
    rows = [row for part in parts for row in part.rows()]
    return TradeArrays.from_columns({k: [r[k] for r in rows] for k in rows[0]}) if rows else TradeArrays.empty()


def backtest_markers(system: System, symbol: str, start: float, end: float) -> list[TradeMarker]:
    """The running strategy backtested over ``symbol``'s stored candles opening in ``[start, end)`` with the live
    commission, slippage and sizing (from the equity now), as chart markers: what it would have traded there.
    Their ids are negative, so they never merge with the live trades'."""
    bars, first = _bars(system, symbol, start, end)
    if first >= len(bars):
        return []
    config = BacktestConfig.from_risk(
        system.engine.risk.settings,
        cash=system.engine.broker.equity,
        commission=system.settings.commission,
        slippage=system.settings.slippage,
    )
    result = run_backtest(bars, system.strategy, config, trade_from=first)
    return [
        TradeMarker(
            id=-(k + 1),
            side=t.side,
            entry_time=parse_iso(t.entry_time),
            entry_price=t.entry_price,
            exit_time=parse_iso(t.exit_time) if t.exit_time else None,
            exit_price=t.exit_price,
            pnl=t.pnl or 0.0,
            status='BACKTEST',
            stop_loss=None,
            take_profit=None,
            quantity=t.size,
            leverage=t.leverage,
            exit_reason=t.exit_reason or '',
        )
        for k, t in enumerate(result.trades)
    ]
