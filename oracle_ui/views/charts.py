"""Chart data: stored candles at any timeframe built from the base one, indicator columns, trade markers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..backtest import BacktestTrade
from ..engine import indicators as ind
from ..engine.bars import Bars
from ..engine.models import Candle
from ..timeframes import timeframe_seconds
from .models import CandleOut, CandlesResponse, TradeMarker

if TYPE_CHECKING:
    from ..system import System

CHART_INDICATORS = [ind.ema('ema_10', 10), ind.ema('ema_20', 20), ind.ema('ema_50', 50), ind.bbands('bb', 20, 2.0)]
CHART_WARMUP = 300


def resample(candles: list[Candle], length_s: int) -> list[Candle]:
    """Aggregate candles into ``length_s`` buckets (a multiple of their own length)."""
    out: list[Candle] = []
    for c in candles:
        start = c.time - c.time % length_s
        if out and out[-1].time == start:
            last = out[-1]
            out[-1] = Candle(
                c.symbol,
                start,
                last.open,
                max(last.high, c.high),
                min(last.low, c.low),
                c.close,
                last.volume + c.volume,
            )
        else:
            out.append(Candle(c.symbol, start, c.open, c.high, c.low, c.close, c.volume))
    return out


def candle_out(c: Candle) -> CandleOut:
    return CandleOut(time=c.time, open=c.open, high=c.high, low=c.low, close=c.close, volume=c.volume)


def candles(system: System, symbol: str, timeframe: str | None, limit: int) -> CandlesResponse:
    """OHLCV history with chart indicators and the trades on it; raises ValueError for unknown inputs."""
    base = system.settings.timeframe
    timeframe = timeframe or base
    if symbol not in system.engine.symbols:
        raise ValueError(f'unknown symbol {symbol!r}; known: {", ".join(system.engine.symbols)}')
    length, base_length = timeframe_seconds(timeframe), timeframe_seconds(base)
    if length % base_length:
        raise ValueError(f'timeframe {timeframe} is not a multiple of the feed timeframe {base}')
    factor = length // base_length
    rows = system.store.candles(symbol, base, (limit + CHART_WARMUP) * factor)
    if factor > 1:
        rows = resample(rows, length)
    if rows:
        arrays = [
            np.array([getattr(c, f) for c in rows], dtype=float) for f in ('open', 'high', 'low', 'close', 'volume')
        ]
        values = ind.compute(CHART_INDICATORS, *arrays)
    else:
        values = {name: np.array([]) for i in CHART_INDICATORS for name in i.outputs}
    shown = rows[-limit:]
    start = len(rows) - len(shown)
    first_time = shown[0].time if shown else math.inf
    markers = [
        TradeMarker(
            id=t.id,
            side=t.side.value,
            entry_time=t.entry_time,
            entry_price=t.entry_price,
            exit_time=t.exit_time,
            exit_price=t.exit_price,
            pnl=t.pnl,
            status=t.status.value,
            stop_loss=t.stop_loss,
            take_profit=t.take_profit,
        )
        for t in system.store.trades(symbol=symbol, newest_first=False)
        if (t.exit_time or math.inf) >= first_time
    ]
    return CandlesResponse(
        symbol=symbol,
        timeframe=timeframe,
        candles=[candle_out(c) for c in shown],
        indicators={k: [None if math.isnan(x) else float(x) for x in v[start:]] for k, v in values.items()},
        trades=markers,
    )


def forming_candle(system: System, symbol: str) -> CandleOut | None:
    """The base-timeframe candle still forming from live ticks, or None."""
    state = system.engine.state.get(symbol)
    forming = state.forming if state is not None else None
    return candle_out(forming) if forming is not None else None


def backtest_chart(bars: Bars, trades: list[BacktestTrade], limit: int = 1500) -> CandlesResponse:
    """The last ``limit`` bars of a backtest with chart indicators and its trades."""
    values = ind.compute(CHART_INDICATORS, bars.open, bars.high, bars.low, bars.close, bars.volume)
    start = max(0, len(bars) - limit)
    times = bars.time
    markers = [
        TradeMarker(
            id=k,
            side=t.side,
            entry_time=float(times[t.entry_bar]),
            entry_price=t.entry_price,
            exit_time=float(times[t.exit_bar]) if t.exit_bar is not None else None,
            exit_price=t.exit_price,
            pnl=t.pnl or 0.0,
            status='OPEN' if t.exit_bar is None else 'CLOSED',
            stop_loss=None,
            take_profit=None,
        )
        for k, t in enumerate(trades, 1)
        if (t.exit_bar if t.exit_bar is not None else len(bars)) >= start
    ]
    return CandlesResponse(
        symbol='backtest',
        timeframe=f'{bars.interval_s}s',
        candles=[
            CandleOut(
                time=int(times[i]),
                open=float(bars.open[i]),
                high=float(bars.high[i]),
                low=float(bars.low[i]),
                close=float(bars.close[i]),
                volume=float(bars.volume[i]),
            )
            for i in range(start, len(bars))
        ],
        indicators={k: [None if math.isnan(x) else float(x) for x in v[start:]] for k, v in values.items()},
        trades=markers,
    )
