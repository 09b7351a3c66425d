"""Candlestick chart of one symbol and timeframe: the chosen indicators (on the price or in panes of their own),
entry/exit markers with their story on hover, the open position's levels, the candle still forming, and older
history loaded as the user pans or zooms out.

Built once from the store's newest candles; after that every change is a small plot call: ``extendTraces`` for
closed candles, ``prependTraces`` for older pages, ``restyle`` of the two marker traces, and ``relayout`` of the
layout shapes (the forming candle and the levels; replacing shapes redraws only them, ~2 ms, where restyling a
trace redraws the whole chart). Shapes do not count for the autorange, so an invisible one-candle trace spans
the forming candle; it is restyled only when a new candle starts or the forming one reaches past the chart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from nicegui import events

from components.plot import TRANSPARENT, Plot
from oracle_ui import formatting as fmt
from oracle_ui.alerts.rules import PriceLine
from oracle_ui.timeframes import timeframe_seconds
from oracle_ui.views import CandleOut, CandlesResponse, ChartIndicator, OpenPosition, TradeMarker

MAX_POINTS = 50_000
"""Candles a chart keeps in the browser however far back the user pans."""
PREFETCH_SCREENS = 1.0
"""Older candles are fetched when fewer than this many screens of them are left of the visible range."""
UP, DOWN = '#16a34a', '#dc2626'
LEVEL_COLORS = (('stop_loss', '#ef4444', 'SL'), ('take_profit', '#22c55e', 'TP'), ('entry_price', '#94a3b8', 'entry'))
LINE_COLORS = ('#f59e0b', '#a855f7', '#38bdf8', '#ec4899', '#14b8a6', '#eab308', '#6366f1')
BODY_WIDTH = 0.7
"""Of a candle's period, as plotly draws candlesticks."""
ALERT_COLORS = {'armed': '#f59e0b', 'triggered': '#ef4444', 'cooling_down': '#fb923c'}
"""Price-line alerts by state (snoozed and disabled ones are grey)."""
LoadOlder = Callable[[int], Awaitable[CandlesResponse]]


def chart_time(seconds: float, timezone: tzinfo) -> str:
    """How the chart's x axis names a moment: wall time in the viewer's timezone."""
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S')


def parse_chart_time(text: str, timezone: tzinfo) -> float:
    """The moment a chart x value names (plotly may add fractions of a second)."""
    return datetime.fromisoformat(text.strip().replace(' ', 'T')[:19]).replace(tzinfo=timezone).timestamp()


def marker_text(t: TradeMarker, entry: bool) -> str:
    size = f'{t.quantity:.6g} ' if t.quantity is not None else ''
    lines = [
        f'#{t.id} {t.side} {size}{"entry" if entry else "exit"} @ {fmt.price(t.entry_price if entry else t.exit_price)}'
    ]
    if t.exit_price is not None:
        lines.append(f'{fmt.price(t.entry_price)} → {fmt.price(t.exit_price)} ({t.exit_reason or t.status})')
        lines.append(f'PnL {fmt.signed_money(t.pnl)}')
    elif t.stop_loss is not None or t.take_profit is not None:
        lines.append(f'SL {fmt.price(t.stop_loss)} · TP {fmt.price(t.take_profit)}')
    return '<br>'.join(lines)


class PriceChart(Plot):
    """The chart of one symbol at one timeframe; ``timezone`` is the viewer's.

    :param indicators: what to draw besides the candles (overlays on the price, the rest in panes below)
    :param load_older: ``before -> CandlesResponse``: the page of candles before a time (None: no history paging)
    :param alerts: price-line alerts to draw (``draggable_alerts``: the user may drag them)
    """

    def __init__(
        self,
        data: CandlesResponse,
        timezone: tzinfo,
        indicators: Sequence[ChartIndicator],
        position: OpenPosition | None = None,
        load_older: LoadOlder | None = None,
        alerts: Sequence[PriceLine] = (),
        draggable_alerts: bool = False,
    ) -> None:
        self.timezone = timezone
        self.period_s = timeframe_seconds(data.timeframe) if data.timeframe[-1] in 'smhdw' else 60
        self.indicators = list(indicators)
        self.first_time = data.candles[0].time if data.candles else 0
        self.last_time = data.candles[-1].time if data.candles else 0
        self.has_more = data.has_more
        self.markers = {t.id: t for t in data.trades}
        self._load_older = load_older
        self._loading = False
        self._high = max((c.high for c in data.candles), default=float('-inf'))
        self._low = min((c.low for c in data.candles), default=float('inf'))
        self._spanned: tuple[float, float, float] | None = None
        self._level_shapes = self._levels(position)
        self._alert_shapes = [_alert_line(line, draggable_alerts) for line in alerts]
        self._shapes: list[dict[str, Any]] = [*self._forming(None), *self._level_shapes, *self._alert_shapes]
        self.series: list[tuple[int, str]] = []
        """(trace index, indicator output) of every indicator trace, in the order the traces were built."""
        figure = self._figure(data)
        if draggable_alerts:
            figure['draggable_shapes'] = 'alert:'
        super().__init__(figure)
        panes = sum(1 for i in self.indicators if i.pane == 'subplot')
        self.classes('w-full').style(f'height: {360 + 110 * panes}px')
        if load_older is not None:
            self.on('xrange', self._on_range)

    # ---- the figure --------------------------------------------------------------------------------------
    def _figure(self, data: CandlesResponse) -> dict[str, Any]:
        times = [chart_time(c.time, self.timezone) for c in data.candles]
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
                'yaxis': 'y',
            }
        ]
        subplots = [i for i in self.indicators if i.pane == 'subplot']
        colors = iter(LINE_COLORS * 4)
        for indicator in (i for i in self.indicators if i.pane == 'overlay'):
            for output in indicator.outputs:
                self.series.append((len(traces), output))
                traces.append(self._line(indicator, output, times, data, 'y', next(colors)))
        self.entries, self.exits = len(traces), len(traces) + 1
        traces += [self._markers(entry=True), self._markers(entry=False)]
        hidden = {'line': {'width': 0, 'color': 'rgba(0,0,0,0)'}, 'fillcolor': 'rgba(0,0,0,0)'}
        self.span = len(traces)
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
                'yaxis': 'y',
            }
        )
        layout: dict[str, Any] = {
            **TRANSPARENT,
            'margin': {'l': 60, 'r': 10, 't': 10, 'b': 30},
            'showlegend': True,
            'legend': {'orientation': 'h', 'y': 1.02, 'x': 0, 'font': {'size': 10}},
            'xaxis': {'rangeslider': {'visible': False}, 'type': 'date'},
            'hovermode': 'x',
            'shapes': self._shapes,
            'uirevision': 'keep',
        }
        pane_height = min(0.22, 0.5 / max(len(subplots), 1))
        bottom = pane_height * len(subplots)
        layout['yaxis'] = {'domain': [bottom + 0.03 if subplots else 0.0, 1.0], 'tickformat': _price_format(data)}
        for k, indicator in enumerate(subplots, start=2):
            axis = f'y{k}'
            top = bottom - pane_height * (k - 2)
            layout[f'yaxis{k}'] = {
                'domain': [max(0.0, top - pane_height + 0.02), top],
                'title': {'text': indicator.label, 'font': {'size': 10}},
                'tickformat': '~s' if indicator.kind == 'volume' else '',
            }
            for output in indicator.outputs:
                self.series.append((len(traces), output))
                traces.append(self._line(indicator, output, times, data, axis, next(colors)))
        return {'data': traces, 'layout': layout, 'config': {'displaylogo': False, 'responsive': True}, 'fit_y': True}

    def _line(
        self, indicator: ChartIndicator, output: str, times: list[str], data: CandlesResponse, axis: str, color: str
    ) -> dict[str, Any]:
        name = indicator.label + output.removeprefix(indicator.key).replace('_', ' ')
        values = data.indicators.get(output, [])
        is_bar = output == 'volume' or output.endswith('_hist')
        trace: dict[str, Any] = {
            'type': 'bar' if is_bar else 'scatter',
            'name': name,
            'x': times,
            'y': values,
            'yaxis': axis,
            'showlegend': axis == 'y',
        }
        if is_bar:
            trace['marker'] = {'color': '#64748b'}
        else:
            trace.update(
                mode='lines',
                line={'color': color, 'width': 1, 'dash': 'dot' if indicator.kind == 'bbands' else 'solid'},
            )
        return trace

    def _markers(self, *, entry: bool) -> dict[str, Any]:
        return {
            'type': 'scatter',
            'mode': 'markers',
            'name': 'entries' if entry else 'exits',
            'yaxis': 'y',
            'hoverinfo': 'text',
            **self._marker_arrays(entry=entry),
        }

    def _marker_arrays(self, *, entry: bool) -> dict[str, Any]:
        marks = sorted((t for t in self.markers.values() if entry or t.exit_time is not None), key=lambda t: t.id)
        long = [t.side == 'long' for t in marks]
        return {
            'x': [chart_time(t.entry_time if entry else t.exit_time or 0, self.timezone) for t in marks],
            'y': [t.entry_price if entry else t.exit_price for t in marks],
            'text': [marker_text(t, entry) for t in marks],
            'marker': {
                'size': 11 if entry else 10,
                'color': [UP if x else DOWN for x in long] if entry else '#f59e0b',
                'symbol': [('triangle-up' if x else 'triangle-down') for x in long] if entry else 'x',
                'line': {'width': 1, 'color': '#0f172a'},
            },
        }

    # ---- live updates ------------------------------------------------------------------------------------
    def append(self, data: CandlesResponse) -> None:
        """Add closed candles newer than the chart's last one (with their indicator values) at the right edge."""
        new = [(i, c) for i, c in enumerate(data.candles) if c.time > self.last_time]
        if not new:
            return
        first = new[0][0]
        candles = [c for _, c in new]
        self._extend('extendTraces', candles, {k: v[first:] for k, v in data.indicators.items()})
        self.last_time = candles[-1].time
        self._high = max(self._high, *(c.high for c in candles))
        self._low = min(self._low, *(c.low for c in candles))

    def prepend(self, data: CandlesResponse) -> None:
        """Add a page of older candles at the left edge (and their trades' markers)."""
        older = [(i, c) for i, c in enumerate(data.candles) if c.time < self.first_time]
        self.has_more = data.has_more
        if not older:
            return
        count = len(older)
        candles = [c for _, c in older]
        self._extend('prependTraces', candles, {k: v[:count] for k, v in data.indicators.items()})
        self.first_time = candles[0].time
        self.show_trades(data.trades)

    def _extend(self, method: str, candles: list[CandleOut], indicators: dict[str, list[float | None]]) -> None:
        times = [chart_time(c.time, self.timezone) for c in candles]
        self.run_plot_method(
            method,
            {
                'x': [times],
                'open': [[c.open for c in candles]],
                'high': [[c.high for c in candles]],
                'low': [[c.low for c in candles]],
                'close': [[c.close for c in candles]],
            },
            [0],
            MAX_POINTS,
        )
        if self.series:
            indices = [index for index, _ in self.series]
            values = [indicators.get(output, [None] * len(candles)) for _, output in self.series]
            self.run_plot_method(method, {'x': [times] * len(indices), 'y': values}, indices, MAX_POINTS)

    def show_trades(self, trades: Sequence[TradeMarker]) -> None:
        """Merge ``trades`` into the markers (a new entry, an exit, older history) and redraw the two traces."""
        changed = [t for t in trades if self.markers.get(t.id) != t]
        if not changed:
            return
        self.markers.update((t.id, t) for t in changed)
        for trace, entry in ((self.entries, True), (self.exits, False)):
            arrays = self._marker_arrays(entry=entry)
            self.run_plot_method('restyle', {k: [v] for k, v in arrays.items()}, [trace])

    def show_forming(self, candle: CandleOut | None) -> None:
        """Redraw the candle still forming from live ticks (None hides it)."""
        self._shapes[:2] = self._forming(candle)
        self.run_plot_method('relayout', {'shapes[0]': self._shapes[0], 'shapes[1]': self._shapes[1]})
        if candle is None:
            return
        spanned = self._spanned
        if spanned is not None and spanned[0] == candle.time:  # the same candle: move the span only past the chart
            low, high = min(spanned[1], self._low), max(spanned[2], self._high)
            if low <= candle.low and candle.high <= high:
                return
        self._spanned = (candle.time, candle.low, candle.high)
        moment = chart_time(candle.time, self.timezone)
        self.run_plot_method(
            'restyle',
            {
                'x': [[moment]],
                'open': [[candle.low]],
                'high': [[candle.high]],
                'low': [[candle.low]],
                'close': [[candle.high]],
            },
            [self.span],
        )

    def show_levels(self, position: OpenPosition | None) -> None:
        """Draw the open position's stop-loss, take-profit and entry lines; None removes them."""
        self._level_shapes = self._levels(position)
        self._shapes[2:] = [*self._level_shapes, *self._alert_shapes]
        self.run_plot_method('relayout', {'shapes': self._shapes})

    def show_alerts(self, lines: Sequence[PriceLine], *, draggable: bool) -> None:
        """Draw price-line alerts (``draggable``: as given to the constructor; see :meth:`on_alert_moved`)."""
        self._alert_shapes = [_alert_line(line, draggable) for line in lines]
        self._shapes[2:] = [*self._level_shapes, *self._alert_shapes]
        self.run_plot_method('relayout', {'shapes': self._shapes})

    def on_alert_moved(self, handler: Callable[[int, float], Any]) -> None:
        """Call ``handler(alert id, new level)`` when the user drops a dragged alert line."""

        def moved(event: events.GenericEventArguments) -> Any:
            name, y = event.args.get('name', ''), event.args.get('y')
            if name.startswith('alert:') and isinstance(y, int | float):
                return handler(int(name.removeprefix('alert:')), float(y))
            return None

        self.on('shape_moved', moved)

    def on_price_menu(self, handler: Callable[[float], Any]) -> None:
        """Call ``handler(price)`` on a right-click in the price pane (the browser's menu does not open)."""
        self.figure['price_menu'] = True
        self.on('price_at', lambda event: handler(float(event.args['price'])))

    def _forming(self, candle: CandleOut | None) -> list[dict[str, Any]]:
        if candle is None:
            return [{'type': 'rect', 'visible': False}, {'type': 'line', 'visible': False}]
        color = UP if candle.close >= candle.open else DOWN
        half = self.period_s * BODY_WIDTH / 2
        middle = candle.time  # plotly centres a candle on its time
        tz = self.timezone
        return [
            {
                'type': 'rect',
                'xref': 'x',
                'yref': 'y',
                'x0': chart_time(middle - half, tz),
                'x1': chart_time(middle + half, tz),
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
                'x0': chart_time(middle, tz),
                'x1': chart_time(middle, tz),
                'y0': candle.low,
                'y1': candle.high,
                'opacity': 0.6,
                'line': {'color': color, 'width': 1},
            },
        ]

    @staticmethod
    def _levels(position: OpenPosition | None) -> list[dict[str, Any]]:
        if position is None:
            return []
        lines = []
        for name, color, label in LEVEL_COLORS:
            value = getattr(position, name)
            if value is not None:
                lines.append(
                    {
                        'type': 'line',
                        'xref': 'paper',
                        'yref': 'y',
                        'x0': 0,
                        'x1': 1,
                        'y0': value,
                        'y1': value,
                        'line': {'color': color, 'width': 1, 'dash': 'dash'},
                        'label': {
                            'text': f'{label} {fmt.price(value)}',
                            'textposition': 'end',
                            'font': {'size': 10, 'color': color},
                        },
                    }
                )
        return lines

    # ---- history -----------------------------------------------------------------------------------------
    async def _on_range(self, event: events.GenericEventArguments) -> None:
        args = event.args if isinstance(event.args, dict) else {}
        start, end = args.get('start'), args.get('end')
        if start is None or end is None:  # zoomed out to everything: fetch more
            near_edge = True
        else:
            first, last = parse_chart_time(str(start), self.timezone), parse_chart_time(str(end), self.timezone)
            near_edge = first - self.first_time < PREFETCH_SCREENS * (last - first)
        if not near_edge or not self.has_more or self._loading or self._load_older is None:
            return
        self._loading = True
        try:
            self.prepend(await self._load_older(self.first_time))
        finally:
            self._loading = False


def _alert_line(line: PriceLine, draggable: bool) -> dict[str, Any]:
    color = ALERT_COLORS.get(line.state, '#94a3b8')
    arrow = {'above': '▲', 'crosses_above': '▲', 'below': '▼', 'crosses_below': '▼'}.get(line.op, '◆')
    return {
        'type': 'line',
        'name': f'alert:{line.id}',
        'xref': 'paper',
        'yref': 'y',
        'x0': 0,
        'x1': 1,
        'y0': line.level,
        'y1': line.level,
        'line': {'color': color, 'width': 2, 'dash': 'dash' if draggable else 'dot'},
        'label': {
            'text': f'🔔 {arrow} {fmt.price(line.level)} {line.name}',
            'textposition': 'start',
            'font': {'size': 10, 'color': color},
        },
    }


def _price_format(data: CandlesResponse) -> str:
    """Axis numbers with digits that suit the price (``,.2f`` for BTC, ``,.4f`` for a coin under 10)."""
    last = data.candles[-1].close if data.candles else 1000.0
    return ',.2f' if last >= 100 else ',.3f' if last >= 10 else ',.4f' if last >= 1 else ',.6f'
