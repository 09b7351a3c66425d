"""Candlestick chart with volume, EMA and Bollinger overlays, trade markers and the open position's SL/TP.

Built once from the store's history; live changes go out as small ``extendTraces``/``restyle``/``relayout``
calls instead of resending the figure (about 0.2 KB instead of about 24 KB per update).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from components.plot import Plot
from oracle_ui.api.schemas import CandleOut, CandlesResponse, OpenPosition

MAX_POINTS = 500
OVERLAYS = (('ema_10', 'EMA 10', '#f59e0b', 'solid'), ('ema_20', 'EMA 20', '#a855f7', 'solid'),
            ('ema_50', 'EMA 50', '#38bdf8', 'solid'), ('bb_upper', 'BB upper', '#64748b', 'dot'),
            ('bb_lower', 'BB lower', '#64748b', 'dot'))
CANDLES, FORMING, VOLUME = 0, 1, 2
FIRST_OVERLAY = 3


def _time(seconds: float, timezone: tzinfo) -> str:
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S')


class PriceChart(Plot):
    """The chart of one symbol; ``timezone`` is the viewer's."""

    def __init__(self, data: CandlesResponse, timezone: tzinfo, position: OpenPosition | None = None) -> None:
        self.timezone = timezone
        self.last_time = data.candles[-1].time if data.candles else 0
        super().__init__(self._figure(data, position))
        self.classes('w-full h-[440px]')

    def _figure(self, data: CandlesResponse, position: OpenPosition | None) -> dict[str, Any]:
        tz = self.timezone
        times = [_time(c.time, tz) for c in data.candles]
        traces: list[dict[str, Any]] = [
            {'type': 'candlestick', 'name': data.symbol, 'x': times, 'open': [c.open for c in data.candles],
             'high': [c.high for c in data.candles], 'low': [c.low for c in data.candles],
             'close': [c.close for c in data.candles], 'increasing': {'line': {'color': '#16a34a'}},
             'decreasing': {'line': {'color': '#dc2626'}}},
            {'type': 'candlestick', 'name': 'forming', 'x': [], 'open': [], 'high': [], 'low': [], 'close': [],
             'opacity': 0.6, 'showlegend': False},
            {'type': 'bar', 'name': 'volume', 'x': times, 'y': [c.volume for c in data.candles], 'yaxis': 'y2',
             'marker': {'color': '#475569'}, 'showlegend': False},
        ]
        for key, name, color, dash in OVERLAYS:
            traces.append({'type': 'scatter', 'mode': 'lines', 'name': name, 'x': times,
                           'y': data.indicators.get(key, []), 'line': {'color': color, 'width': 1, 'dash': dash}})
        for is_entry in (True, False):
            marks = [t for t in data.trades if (t.entry_time if is_entry else t.exit_time)]
            traces.append({
                'type': 'scatter', 'mode': 'markers', 'name': 'entries' if is_entry else 'exits',
                'x': [_time(t.entry_time if is_entry else t.exit_time, tz) for t in marks],
                'y': [t.entry_price if is_entry else t.exit_price for t in marks],
                'text': [f'#{t.id} {t.side} {t.status} PnL {t.pnl:+.2f}' for t in marks],
                'marker': {'size': 10, 'color': ['#22c55e' if t.side == 'long' else '#ef4444' for t in marks]
                           if is_entry else '#e5e7eb',
                           'symbol': [('triangle-up' if t.side == 'long' else 'triangle-down') for t in marks]
                           if is_entry else 'x'}})
        return {'data': traces, 'layout': {
            'template': 'plotly_dark', 'paper_bgcolor': 'rgba(0,0,0,0)', 'plot_bgcolor': 'rgba(0,0,0,0)',
            'margin': {'l': 50, 'r': 10, 't': 10, 'b': 30}, 'showlegend': True,
            'legend': {'orientation': 'h', 'y': 1.02, 'x': 0, 'font': {'size': 10}},
            'xaxis': {'rangeslider': {'visible': False}, 'type': 'date', 'gridcolor': '#334155'},
            'yaxis': {'domain': [0.25, 1.0], 'gridcolor': '#334155'},
            'yaxis2': {'domain': [0.0, 0.2], 'showticklabels': False, 'gridcolor': '#334155'},
            'shapes': self._levels(position)}, 'config': {'displaylogo': False, 'responsive': True}}

    @staticmethod
    def _levels(position: OpenPosition | None) -> list[dict[str, Any]]:
        if position is None:
            return []
        lines = []
        for value, color in ((position.stop_loss, '#ef4444'), (position.take_profit, '#22c55e'),
                             (position.entry_price, '#94a3b8')):
            if value is not None:
                lines.append({'type': 'line', 'xref': 'paper', 'x0': 0, 'x1': 1, 'y0': value, 'y1': value,
                              'line': {'color': color, 'width': 1, 'dash': 'dash'}})
        return lines

    def append(self, candles: list[CandleOut], indicators: dict[str, list[float | None]]) -> None:
        """Add closed candles (and their indicator values) at the right edge, keeping MAX_POINTS."""
        if not candles:
            return
        times = [_time(c.time, self.timezone) for c in candles]
        self.run_plot_method('extendTraces', {
            'x': [times], 'open': [[c.open for c in candles]], 'high': [[c.high for c in candles]],
            'low': [[c.low for c in candles]], 'close': [[c.close for c in candles]]}, [CANDLES], MAX_POINTS)
        series = [[c.volume for c in candles]] + [indicators.get(k, [None] * len(candles)) for k, *_ in OVERLAYS]
        self.run_plot_method('extendTraces', {'x': [times] * len(series), 'y': series},
                             [VOLUME, *range(FIRST_OVERLAY, FIRST_OVERLAY + len(OVERLAYS))], MAX_POINTS)
        self.last_time = candles[-1].time

    def show_forming(self, candle: CandleOut | None) -> None:
        """Redraw the bar still forming from live ticks."""
        if candle is None:
            return
        self.run_plot_method('restyle', {'x': [[_time(candle.time, self.timezone)]], 'open': [[candle.open]],
                                         'high': [[candle.high]], 'low': [[candle.low]],
                                         'close': [[candle.close]]}, [FORMING])

    def show_levels(self, position: OpenPosition | None) -> None:
        self.run_plot_method('relayout', {'shapes': self._levels(position)})
