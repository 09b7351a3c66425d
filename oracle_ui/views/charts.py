"""Chart data: stored candles of any timeframe (the engine builds and stores every timeframe from the base one),
older pages of them on request, the candle still forming, indicator columns and trade markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..engine.candles import merge
from ..engine.models import Candle, Trade
from ..timeframes import timeframe_seconds
from .chart_indicators import WARMUP, ChartIndicator, indicator_values
from .models import CandleOut, CandlesResponse, TradeMarker

if TYPE_CHECKING:
    from ..system import System

DEFAULT_INDICATORS = (
    ChartIndicator(kind='ema', params=(10,), name='ema_10'),
    ChartIndicator(kind='ema', params=(20,), name='ema_20'),
    ChartIndicator(kind='ema', params=(50,), name='ema_50'),
    ChartIndicator(kind='bbands', params=(20, 2), name='bb'),
)
"""What ``GET /candles`` computes unless asked for others (the original chart's EMA 10/20/50 and Bollinger)."""


def chart_timeframes(system: System) -> list[str]:
    """The timeframes the system's candles can be charted in (the base one first)."""
    return [system.settings.timeframe, *system.engine.market.timeframes]


def candle_out(c: Candle) -> CandleOut:
    return CandleOut(time=c.time, open=c.open, high=c.high, low=c.low, close=c.close, volume=c.volume)


def check_timeframe(system: System, timeframe: str | None) -> str:
    """``timeframe`` (default: the feed's) if the system charts it; raises ValueError listing the valid ones."""
    valid = chart_timeframes(system)
    if timeframe is None:
        return valid[0]
    if timeframe not in valid:
        raise ValueError(f'timeframe {timeframe!r} is not charted; valid: {", ".join(valid)}')
    return timeframe


def candles(
    system: System,
    symbol: str,
    timeframe: str | None,
    limit: int,
    *,
    before: int | None = None,
    indicators: Sequence[ChartIndicator] = DEFAULT_INDICATORS,
) -> CandlesResponse:
    """The newest ``limit`` closed candles of ``timeframe`` opening before ``before`` (default: all), with
    ``indicators`` settled over earlier candles and the trades on them; raises ValueError for unknown inputs."""
    if symbol not in system.engine.symbols:
        raise ValueError(f'unknown symbol {symbol!r}; known: {", ".join(system.engine.symbols)}')
    timeframe = check_timeframe(system, timeframe)
    rows = system.store.candles(symbol, timeframe, limit + WARMUP, before=before)
    shown = rows[-limit:]
    values = indicator_values(indicators, rows)
    start = len(rows) - len(shown)
    has_more = len(rows) > len(shown)  # the warm-up rows are older candles
    length = timeframe_seconds(timeframe)
    trades = trade_markers(system, symbol, shown[0].time, shown[-1].time + length) if shown else []
    return CandlesResponse(
        symbol=symbol,
        timeframe=timeframe,
        candles=[candle_out(c) for c in shown],
        indicators={k: v[start:] for k, v in values.items()},
        trades=trades,
        has_more=has_more,
    )


def trade_markers(system: System, symbol: str, start: float, end: float | None = None) -> list[TradeMarker]:
    """Markers of ``symbol``'s trades open at some time in ``[start, end)`` (``end`` None: until now)."""
    trades = system.store.trades(symbol=symbol, until=end, newest_first=False)
    return [trade_marker(t) for t in trades if t.exit_time is None or t.exit_time >= start]


def trade_marker(t: Trade) -> TradeMarker:
    return TradeMarker(
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
        quantity=t.quantity,
        leverage=t.leverage,
        exit_reason=t.exit_reason,
    )


def forming_candle(system: System, symbol: str, timeframe: str | None = None) -> CandleOut | None:
    """The candle of ``timeframe`` (default: the feed's) still forming: the base candles closed in its period so
    far and the one forming from live ticks; None before any tick."""
    market = system.engine.market
    state = market.states.get(symbol)
    base = state.forming if state is not None else None
    if timeframe is None or timeframe == system.settings.timeframe:
        return candle_out(base) if base is not None else None
    rollup = market.rollups[symbol]
    length = rollup.lengths[timeframe]
    closed = rollup.forming.get(timeframe)
    if base is None:
        return candle_out(closed) if closed is not None else None
    start = base.time - base.time % length
    if closed is None or closed.time != start:
        return candle_out(merge(None, base, start))
    return candle_out(merge(closed, base, start))
