"""A backtest's price chart over the whole file: candles decimated on the server to at most
:data:`MAX_CANDLES` for the full range, full detail for the range a user zooms into, every trade marked."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..backtest import BacktestTrade
from ..backtest.stats import parse_iso
from ..engine import indicators as ind
from ..engine.bars import Bars
from .chart_indicators import ChartIndicator
from .models import CandleOut, CandlesResponse, TradeMarker

MAX_CANDLES = 2000
"""Candles drawn for the whole range, and at most for a zoomed-in range (each may stand for several bars)."""


class BacktestChart:
    """The chart data of one backtest: indicator columns computed once, candles cut to what is asked for.

    :param indicators: what the chart draws besides the candles (e.g. the strategy's own indicators)
    """

    def __init__(self, bars: Bars, trades: Sequence[BacktestTrade], indicators: Sequence[ChartIndicator]) -> None:
        self.bars = bars
        engine = [i.engine_indicator() for i in indicators if i.kind != 'volume']
        self.columns = ind.compute(engine, bars.open, bars.high, bars.low, bars.close, bars.volume)
        self.columns['volume'] = bars.volume
        self.outputs = [name for i in indicators for name in i.outputs]
        self.markers = [_marker(k, t) for k, t in enumerate(trades, 1)]
        n = len(bars)
        self.overview_step = max(1, -(-n // MAX_CANDLES))

    def overview(self) -> CandlesResponse:
        """The whole range, every :attr:`overview_step` bars as one candle."""
        return self._response(np.arange(0, len(self.bars), self.overview_step))

    def detail(self, start: float, end: float) -> CandlesResponse:
        """Full detail (at most :data:`MAX_CANDLES` candles) from ``start`` to ``end`` (Unix seconds), the overview's
        candles outside it, so zooming out again shows the whole range at once."""
        n, step = len(self.bars), self.overview_step
        first = int(np.searchsorted(self.bars.time, start, side='right')) - 1
        last = int(np.searchsorted(self.bars.time, end, side='right'))
        first, last = max(0, first - first % step), min(n, last + (-last) % step)
        inner = max(1, -(-(last - first) // MAX_CANDLES))
        starts = np.concatenate(
            [np.arange(0, first, step), np.arange(first, last, inner), np.arange(last, n, step)]
        ).astype(np.int64)
        return self._response(starts)

    def _response(self, starts: np.ndarray) -> CandlesResponse:
        """One candle per run of bars beginning at each of ``starts`` (increasing, the first 0)."""
        bars = self.bars
        n = len(bars)
        if n == 0:
            return CandlesResponse(symbol='backtest', timeframe='1m', candles=[], indicators={}, trades=self.markers)
        ends = np.append(starts[1:], n) - 1
        highs, lows = np.maximum.reduceat(bars.high, starts), np.minimum.reduceat(bars.low, starts)
        volumes = np.add.reduceat(bars.volume, starts)
        candles = [
            CandleOut(time=t, open=o, high=h, low=lo, close=c, volume=v)
            for t, o, h, lo, c, v in zip(
                bars.time[starts].tolist(),
                bars.open[starts].tolist(),
                highs.tolist(),
                lows.tolist(),
                bars.close[ends].tolist(),
                volumes.tolist(),
                strict=True,
            )
        ]
        indicators = {}
        for name in self.outputs:
            column = volumes if name == 'volume' else self.columns[name][ends]
            indicators[name] = [None if np.isnan(x) else x for x in column.tolist()]
        return CandlesResponse(
            symbol='backtest',
            timeframe=f'{bars.interval_s}s',
            candles=candles,
            indicators=indicators,
            trades=self.markers,
        )


def _marker(k: int, t: BacktestTrade) -> TradeMarker:
    return TradeMarker(
        id=k,
        side=t.side,
        entry_time=parse_iso(t.entry_time),
        entry_price=t.entry_price,
        exit_time=parse_iso(t.exit_time) if t.exit_time is not None else None,
        exit_price=t.exit_price,
        pnl=t.pnl or 0.0,
        status='OPEN' if t.exit_time is None else 'CLOSED',
        stop_loss=None,
        take_profit=None,
        quantity=t.size,
        leverage=t.leverage,
        exit_reason=t.exit_reason or '',
    )
