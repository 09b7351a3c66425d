"""Candlestick chart with volume, EMA and Bollinger overlays, trade markers and the open position's SL/TP.

Built once from the store's history; live changes go out as small ``extendTraces``/``relayout`` calls instead of
resending the figure (about 0.2 KB instead of about 24 KB per update). The candle still forming and the position's
levels are layout shapes: replacing a shape redraws only that shape (~2 ms in Chromium here), where restyling a
trace redraws the whole chart (~35 ms every second, which delayed every other live update on the page). Shapes
do not count for the axes' autorange, so an invisible one-candle trace spans the forming candle; it is restyled
(a full redraw) only when a new candle starts or the forming one reaches past everything the chart already spans.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, tzinfo
from typing import Any

from components.plot import TRANSPARENT, Plot
from oracle_ui.timeframes import timeframe_seconds
from oracle_ui.views import CandleOut, CandlesResponse, OpenPosition

MAX_POINTS = 500
OVERLAYS = (
    ('ema_10', 'EMA 10', '#f59e0b', 'solid'),
    ('ema_20', 'EMA 20', '#a855f7', 'solid'),
    ('ema_50', 'EMA 50', '#38bdf8', 'solid'),
    ('bb_upper', 'BB upper', '#64748b', 'dot'),
    ('bb_lower', 'BB lower', '#64748b', 'dot'),
)
CANDLES, VOLUME, FIRST_OVERLAY = 0, 1, 2
SPAN = FIRST_OVERLAY + len(OVERLAYS) + 2
"""After the overlays and the entry/exit markers: the invisible trace that keeps the forming candle in range."""
BODY, WICK, FIRST_LEVEL = 0, 1, 2
"""Shape slots: the forming candle's body and wick, then stop-loss, take-profit and entry lines."""
UP, DOWN = '#16a34a', '#dc2626'
BODY_WIDTH = 0.7
"""Of a candle's period, as plotly draws candlesticks."""


def _time(seconds: float, timezone: tzinfo) -> str:
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S')


class PriceChart(Plot):
    """The chart of one symbol; ``timezone`` is the viewer's."""

    def __init__(self, data: CandlesResponse, timezone: tzinfo, position: OpenPosition | None = None) -> None:
        self.timezone = timezone
        self.period_s = timeframe_seconds(data.timeframe)
        self.last_time = data.candles[-1].time if data.candles else 0
        self._ranges: deque[tuple[float, float]] = deque(((c.low, c.high) for c in data.candles), maxlen=MAX_POINTS)
        self._extent = self._closed_extent()
        """(low, high) over the closed candles shown, kept for the per-tick check in ``show_forming``."""
        self._spanned: tuple[float, float, float] | None = None
        """(time, low, high) of the forming candle as the SPAN trace covers it."""
        super().__init__(self._figure(data, position))
        self.classes('w-full h-[440px]')

    def _figure(self, data: CandlesResponse, position: OpenPosition | None) -> dict[str, Any]:
        tz = self.timezone
        times = [_time(c.time, tz) for c in data.candles]
        traces: list[dict[str, Any]] = [
            {
                'type': 'candlestick',
                'name': data.symbol,
                'x': times,
                'open': [c.open for c in data.candles],
                'high': [c.high for c in data.candles],
                'low': [c.low for c in data.candles],
                'close': [c.close for c in data.candles],
                'increasing': {'line': {'color': UP}},
                'decreasing': {'line': {'color': DOWN}},
            },
            {
                'type': 'bar',
                'name': 'volume',
                'x': times,
                'y': [c.volume for c in data.candles],
                'yaxis': 'y2',
                'marker': {'color': '#475569'},
                'showlegend': False,
            },
        ]
        for key, name, color, dash in OVERLAYS:
            traces.append(
                {
                    'type': 'scatter',
                    'mode': 'lines',
                    'name': name,
                    'x': times,
                    'y': data.indicators.get(key, []),
                    'line': {'color': color, 'width': 1, 'dash': dash},
                }
            )
        for is_entry in (True, False):
            marks = [t for t in data.trades if (t.entry_time if is_entry else t.exit_time)]
            traces.append(
                {
                    'type': 'scatter',
                    'mode': 'markers',
                    'name': 'entries' if is_entry else 'exits',
                    'x': [_time(t.entry_time if is_entry else t.exit_time, tz) for t in marks],
                    'y': [t.entry_price if is_entry else t.exit_price for t in marks],
                    'text': [f'#{t.id} {t.side} {t.status} PnL {t.pnl:+.2f}' for t in marks],
                    'marker': {
                        'size': 10,
                        'color': ['#22c55e' if t.side == 'long' else '#ef4444' for t in marks]
                        if is_entry
                        else '#e5e7eb',
                        'symbol': [('triangle-up' if t.side == 'long' else 'triangle-down') for t in marks]
                        if is_entry
                        else 'x',
                    },
                }
            )
        hidden = {'line': {'width': 0, 'color': 'rgba(0,0,0,0)'}, 'fillcolor': 'rgba(0,0,0,0)'}
        traces.append(
            {
                'type': 'candlestick',
                'name': 'forming',
                'x': [],
                'open': [],
                'high': [],
                'low': [],
                'close': [],
                'increasing': hidden,
                'decreasing': hidden,
                'hoverinfo': 'skip',
                'showlegend': False,
            }
        )  # padded like the candles, unlike a scatter trace
        return {
            'data': traces,
            'layout': {
                **TRANSPARENT,
                'margin': {'l': 50, 'r': 10, 't': 10, 'b': 30},
                'showlegend': True,
                'legend': {'orientation': 'h', 'y': 1.02, 'x': 0, 'font': {'size': 10}},
                'xaxis': {'rangeslider': {'visible': False}, 'type': 'date'},
                'yaxis': {'domain': [0.25, 1.0]},
                'yaxis2': {'domain': [0.0, 0.2], 'showticklabels': False},
                'shapes': [*self._forming(None), *self._levels(position)],
            },
            'config': {'displaylogo': False, 'responsive': True},
        }

    def _forming(self, candle: CandleOut | None) -> list[dict[str, Any]]:
        if candle is None:
            return [{'type': 'rect', 'visible': False}, {'type': 'line', 'visible': False}]
        color = UP if candle.close >= candle.open else DOWN
        half = self.period_s * BODY_WIDTH / 2
        middle = candle.time  # plotly centres a candle on its time
        return [
            {
                'type': 'rect',
                'xref': 'x',
                'yref': 'y',
                'x0': _time(middle - half, self.timezone),
                'x1': _time(middle + half, self.timezone),
                'y0': candle.open,
                'y1': candle.close,
                'fillcolor': color,
                'opacity': 0.6,
                'line': {'color': color, 'width': 1},
            },
            {
                'type': 'line',
                'xref': 'x',
                'yref': 'y',
                'x0': _time(middle, self.timezone),
                'x1': _time(middle, self.timezone),
                'y0': candle.low,
                'y1': candle.high,
                'opacity': 0.6,
                'line': {'color': color, 'width': 1},
            },
        ]

    @staticmethod
    def _levels(position: OpenPosition | None) -> list[dict[str, Any]]:
        lines = []
        for name, color in (('stop_loss', '#ef4444'), ('take_profit', '#22c55e'), ('entry_price', '#94a3b8')):
            value = getattr(position, name) if position else None
            lines.append(
                {
                    'type': 'line',
                    'xref': 'paper',
                    'x0': 0,
                    'x1': 1,
                    'y0': value,
                    'y1': value,
                    'line': {'color': color, 'width': 1, 'dash': 'dash'},
                }
                if value is not None
                else {'type': 'line', 'visible': False}
            )
        return lines

    def _replace_shapes(self, first: int, shapes: list[dict[str, Any]]) -> None:
        self.run_plot_method('relayout', {f'shapes[{first + i}]': shape for i, shape in enumerate(shapes)})

    def append(self, candles: list[CandleOut], indicators: dict[str, list[float | None]]) -> None:
        """Add closed candles (and their indicator values) at the right edge, keeping MAX_POINTS."""
        if not candles:
            return
        times = [_time(c.time, self.timezone) for c in candles]
        self.run_plot_method(
            'extendTraces',
            {
                'x': [times],
                'open': [[c.open for c in candles]],
                'high': [[c.high for c in candles]],
                'low': [[c.low for c in candles]],
                'close': [[c.close for c in candles]],
            },
            [CANDLES],
            MAX_POINTS,
        )
        series = [[c.volume for c in candles]] + [indicators.get(k, [None] * len(candles)) for k, *_ in OVERLAYS]
        self.run_plot_method(
            'extendTraces',
            {'x': [times] * len(series), 'y': series},
            [VOLUME, *range(FIRST_OVERLAY, FIRST_OVERLAY + len(OVERLAYS))],
            MAX_POINTS,
        )
        self.last_time = candles[-1].time
        self._ranges.extend((c.low, c.high) for c in candles)
        self._extent = self._closed_extent()

    def _closed_extent(self) -> tuple[float, float]:
        return (
            min((r[0] for r in self._ranges), default=float('inf')),
            max((r[1] for r in self._ranges), default=float('-inf')),
        )

    def show_forming(self, candle: CandleOut | None) -> None:
        """Redraw the bar still forming from live ticks (None hides it)."""
        self._replace_shapes(BODY, self._forming(candle))
        if candle is None:
            return
        spanned = self._spanned
        if spanned is not None and spanned[0] == candle.time:  # the same candle: move the span only past the chart
            low, high = min(spanned[1], self._extent[0]), max(spanned[2], self._extent[1])
            if low <= candle.low and candle.high <= high:
                return
        self._spanned = (candle.time, candle.low, candle.high)
        moment = _time(candle.time, self.timezone)
        self.run_plot_method(
            'restyle',
            {
                'x': [[moment]],
                'open': [[candle.low]],
                'high': [[candle.high]],
                'low': [[candle.low]],
                'close': [[candle.high]],
            },
            [SPAN],
        )

    def show_levels(self, position: OpenPosition | None) -> None:
        """Draw the open position's stop-loss, take-profit and entry lines (None hides them)."""
        self._replace_shapes(FIRST_LEVEL, self._levels(position))
