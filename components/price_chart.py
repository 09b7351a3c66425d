"""Candlestick chart of one symbol and timeframe: the chosen indicators (on the price or in panes of their own),
entry/exit markers with their story on hover, the open position's levels, the candle still forming, and history
loaded as the user pans or zooms (``chart_history``).

After it is built every change is one plot call: ``page`` (plot.js: candles, indicator columns and markers in one
redraw), ``restyle`` of marker traces, ``relayout`` of the shapes (forming candle, levels, alerts: ~2 ms, where a
trace redraws the whole chart). A redraw costs in proportion to the candles held, so the browser holds at most
:data:`WINDOW_CANDLES`; panning beyond drops those at the other end, and live candles wait while the newest are
not shown. Shapes do not count for the autorange: an invisible one-candle trace spans the forming candle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo
from typing import Any

from nicegui import events

from components.chart_history import PAGE_CANDLES, PAGES_PER_PAN, WINDOW_CANDLES, page_wanted
from components.chart_labels import output_name, shown_label
from components.chart_marks import (
    alert_line,
    candles_trace,
    chart_time,
    forming_shapes,
    forming_trace,
    level_lines,
    marker_arrays,
    marker_trace,
    parse_chart_time,
)
from components.plot import TRANSPARENT, Plot
from oracle_ui.alerts.rules import PriceLine
from oracle_ui.timeframes import timeframe_seconds
from oracle_ui.views import CandleOut, CandlesResponse, ChartIndicator, OpenPosition, TradeMarker

LINE_COLORS = ('#f59e0b', '#a855f7', '#38bdf8', '#ec4899', '#14b8a6', '#eab308', '#6366f1')
LoadOlder = Callable[[int], Awaitable[CandlesResponse | None]]
"""``before -> `` the page of candles before a time, or None if it may not be read (the session ended)."""
LoadRange = Callable[[float | None, float | None], Awaitable[CandlesResponse]]


class PriceChart(Plot):
    """The chart of one symbol at one timeframe; ``timezone`` is the viewer's.

    :param indicators: what to draw besides the candles (overlays on the price, the rest in panes below)
    :param load_older: ``before -> CandlesResponse``: the page of candles before a time (None: no history paging)
    :param load_range: ``(start, end) -> CandlesResponse``: all candles, in detail from ``start`` to ``end`` (None,
        None: the whole range as first shown), fetched whenever the visible range changes (a backtest's chart)
    :param alerts: price-line alerts to draw (``draggable_alerts``: the user may drag them)
    """

    def __init__(
        self,
        data: CandlesResponse,
        timezone: tzinfo,
        indicators: Sequence[ChartIndicator],
        position: OpenPosition | None = None,
        load_older: LoadOlder | None = None,
        load_range: LoadRange | None = None,
        alerts: Sequence[PriceLine] = (),
        draggable_alerts: bool = False,
    ) -> None:
        self.timezone = timezone
        self.period_s = timeframe_seconds(data.timeframe) if data.timeframe[-1] in 'smhdw' else 60
        self.indicators = list(indicators)
        self.times = [c.time for c in data.candles]
        """Open times of the candles the browser holds, oldest first."""
        self.has_more = data.has_more
        self.has_newer = False
        """Newer candles were dropped to stay within the window: live candles wait until they are shown again."""
        self.backtest_trades: list[TradeMarker] = []
        """The backtest's trades drawn beside the live ones (see :meth:`show_backtest`)."""
        self.markers = {t.id: t for t in data.trades}
        self._load_older = load_older
        self._load_range = load_range
        self._range_requests = 0
        self._loading = False
        self._view: tuple[str, str] | None = None
        """The visible x range the user last left the chart at (None: everything)."""
        self._forward = False
        self._high = max((c.high for c in data.candles), default=float('-inf'))
        self._low = min((c.low for c in data.candles), default=float('inf'))
        self._spanned: tuple[float, float, float] | None = None
        no_candle = forming_shapes(self.period_s, self.timezone, None)
        self._level_shapes = level_lines(position)
        self._alert_shapes = [alert_line(line, draggable_alerts) for line in alerts]
        self._shapes: list[dict[str, Any]] = [*no_candle, *self._level_shapes, *self._alert_shapes]
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
        if load_range is not None:
            self.on('xrange', self._on_zoom)

    # ---- the figure --------------------------------------------------------------------------------------
    def _figure(self, data: CandlesResponse) -> dict[str, Any]:
        """Traces in this order: candles, overlay lines, entry and exit markers, a backtest's entry and exit markers
        (:attr:`overlay`), the forming candle (:attr:`span`),
        the sub-panes' lines; :attr:`series` notes which trace shows which indicator output."""
        times = [chart_time(c.time, self.timezone) for c in data.candles]
        traces = [candles_trace(data, times)]
        subplots = [i for i in self.indicators if i.pane == 'subplot']
        colors = iter(LINE_COLORS * 4)
        for indicator in (i for i in self.indicators if i.pane == 'overlay'):
            for output in indicator.outputs:
                self.series.append((len(traces), output))
                traces.append(self._line(indicator, output, times, data, 'y', next(colors)))
        self.entries, self.exits = len(traces), len(traces) + 1
        marks = list(self.markers.values())
        traces += [marker_trace(marks, self.timezone, entry=True), marker_trace(marks, self.timezone, entry=False)]
        self.overlay = len(traces)
        traces += [marker_trace([], self.timezone, entry=True, backtest=True)]
        traces += [marker_trace([], self.timezone, entry=False, backtest=True)]
        self.span = len(traces)
        traces.append(forming_trace())
        for k, indicator in enumerate(subplots, start=2):
            for output in indicator.outputs:
                self.series.append((len(traces), output))
                traces.append(self._line(indicator, output, times, data, f'y{k}', next(colors)))
        layout = self._layout(data, subplots)
        return {'data': traces, 'layout': layout, 'config': {'displaylogo': False, 'responsive': True}, 'fit_y': True}

    def _layout(self, data: CandlesResponse, subplots: list[ChartIndicator]) -> dict[str, Any]:
        """Prices on top, each sub-pane indicator on its own axis (``y2``, ``y3`` …) below."""
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
            top = bottom - pane_height * (k - 2)
            layout[f'yaxis{k}'] = {
                'domain': [max(0.0, top - pane_height + 0.02), top],
                'title': {'text': shown_label(indicator), 'font': {'size': 10}},
                'tickformat': '~s' if indicator.kind == 'volume' else '',
            }
        return layout

    def _line(
        self, indicator: ChartIndicator, output: str, times: list[str], data: CandlesResponse, axis: str, color: str
    ) -> dict[str, Any]:
        name = ' '.join(filter(None, (shown_label(indicator), output_name(output.removeprefix(indicator.key)))))
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

    # ---- live updates ------------------------------------------------------------------------------------
    @property
    def first_time(self) -> int:
        return self.times[0] if self.times else 0

    @property
    def last_time(self) -> int:
        return self.times[-1] if self.times else 0

    def append(self, data: CandlesResponse) -> None:
        """Add closed candles newer than the chart's last one (with their indicator values) at the right edge."""
        new = [(i, c) for i, c in enumerate(data.candles) if c.time > self.last_time]
        if not new:
            return
        first = new[0][0]
        candles = [c for _, c in new]
        self._high = max(self._high, *(c.high for c in candles))
        self._low = min(self._low, *(c.low for c in candles))
        self._page(candles, {k: v[first:] for k, v in data.indicators.items()}, data.trades, at_start=False)

    def prepend(self, data: CandlesResponse) -> None:
        """Add a page of older candles at the left edge (and their trades' markers)."""
        older = [(i, c) for i, c in enumerate(data.candles) if c.time < self.first_time]
        self.has_more = data.has_more
        if not older:
            return
        count = len(older)
        candles = [c for _, c in older]
        self._page(candles, {k: v[:count] for k, v in data.indicators.items()}, data.trades, at_start=True)

    def _page(
        self,
        candles: list[CandleOut],
        indicators: dict[str, list[float | None]],
        trades: Sequence[TradeMarker],
        *,
        at_start: bool,
    ) -> None:
        """Add ``candles`` at one end, dropping any beyond :data:`WINDOW_CANDLES` at the other: one redraw."""
        times = [chart_time(c.time, self.timezone) for c in candles]
        added: list[tuple[int, dict[str, list[Any]]]] = [
            (
                0,
                {
                    'x': times,
                    'open': [c.open for c in candles],
                    'high': [c.high for c in candles],
                    'low': [c.low for c in candles],
                    'close': [c.close for c in candles],
                },
            )
        ]
        added += [
            (index, {'x': times, 'y': indicators.get(output, [None] * len(candles))}) for index, output in self.series
        ]
        opens = [c.time for c in candles]
        self.times = opens + self.times if at_start else self.times + opens
        dropped = len(self.times) - WINDOW_CANDLES
        if dropped > 0:
            self.times = self.times[:WINDOW_CANDLES] if at_start else self.times[dropped:]
            if at_start:
                self.has_newer = True
            else:
                self.has_more = True
        self.markers.update((t.id, t) for t in trades)
        replaced = [
            (trace, marker_arrays(list(self.markers.values()), self.timezone, entry=entry))
            for trace, entry in ((self.entries, True), (self.exits, False))
        ]
        self.run_plot_method('page', added, at_start, WINDOW_CANDLES, replaced if trades else [])

    def replace(self, data: CandlesResponse) -> None:
        """Show ``data``'s candles and indicator columns instead of the current ones (markers stay)."""
        times = [chart_time(c.time, self.timezone) for c in data.candles]
        self.run_plot_method(
            'restyle',
            {
                'x': [times],
                'open': [[c.open for c in data.candles]],
                'high': [[c.high for c in data.candles]],
                'low': [[c.low for c in data.candles]],
                'close': [[c.close for c in data.candles]],
            },
            [0],
        )
        if self.series:
            indices = [index for index, _ in self.series]
            values = [data.indicators.get(output, []) for _, output in self.series]
            self.run_plot_method('restyle', {'x': [times] * len(indices), 'y': values}, indices)

    def show_trades(self, trades: Sequence[TradeMarker]) -> None:
        """Merge ``trades`` into the markers (a new entry, an exit, older history) and redraw the two traces."""
        changed = [t for t in trades if self.markers.get(t.id) != t]
        if not changed:
            return
        self.markers.update((t.id, t) for t in changed)
        for trace, entry in ((self.entries, True), (self.exits, False)):
            arrays = marker_arrays(list(self.markers.values()), self.timezone, entry=entry)
            self.run_plot_method('restyle', {k: [v] for k, v in arrays.items()}, [trace])

    def show_backtest(self, trades: Sequence[TradeMarker]) -> None:
        """Draw a backtest's trades (hollow markers) beside the live ones; an empty list removes them."""
        self.backtest_trades = list(trades)
        for offset, entry in ((0, True), (1, False)):
            arrays = marker_arrays(list(trades), self.timezone, entry=entry, backtest=True)
            self.run_plot_method('restyle', {k: [v] for k, v in arrays.items()}, [self.overlay + offset])

    def show_forming(self, candle: CandleOut | None) -> None:
        """Redraw the candle still forming from live ticks (None hides it)."""
        self._shapes[:2] = forming_shapes(self.period_s, self.timezone, candle)
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
        self._level_shapes = level_lines(position)
        self._shapes[2:] = [*self._level_shapes, *self._alert_shapes]
        self.run_plot_method('relayout', {'shapes': self._shapes})

    def show_alerts(self, lines: Sequence[PriceLine], *, draggable: bool) -> None:
        """Draw price-line alerts (``draggable``: as given to the constructor; see :meth:`on_alert_moved`)."""
        self._alert_shapes = [alert_line(line, draggable) for line in lines]
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

    # ---- history -----------------------------------------------------------------------------------------
    async def _on_range(self, event: events.GenericEventArguments) -> None:
        """After a pan or zoom: pages of older candles while few are left of the view, of newer ones (dropped to
        stay within the window) while few are left of it on the right. A pan during a load is not lost: the
        loading loop looks at the latest view again after each page."""
        args = event.args if isinstance(event.args, dict) else {}
        start, end = args.get('start'), args.get('end')  # None: zoomed out to everything
        before, self._view = self._view, None if start is None or end is None else (str(start), str(end))
        self._forward = before is not None and self._view is not None and self._view[0] > before[0]
        if self._loading or self._load_older is None:
            return
        self._loading = True
        try:
            for _ in range(PAGES_PER_PAN):
                held = (self.first_time, self.last_time)
                page = page_wanted(
                    self._view, self.timezone, held, self.has_more, self.has_newer, forward=self._forward
                )
                if page is None:
                    return
                if page == 'older':
                    older = await self._load_older(self.first_time)
                    if older is None:
                        return
                    self.prepend(older)
                else:
                    await self._load_newer()
        finally:
            self._loading = False

    async def _load_newer(self) -> None:
        assert self._load_older is not None
        page = await self._load_older(self.last_time + (PAGE_CANDLES + 1) * self.period_s)
        if page is None:
            return
        newer = [c for c in page.candles if c.time > self.last_time]
        if len(newer) < PAGE_CANDLES:  # up to the newest stored candle: live ones are added again
            self.has_newer = False
        self.append(page)

    async def _on_zoom(self, event: events.GenericEventArguments) -> None:
        """Load the candles for the visible range (all of it after a zoom out); the newest request wins."""
        if self._load_range is None:
            return
        args = event.args if isinstance(event.args, dict) else {}
        start, end = args.get('start'), args.get('end')
        self._range_requests += 1
        request = self._range_requests
        if start is None or end is None:
            data = await self._load_range(None, None)
        else:
            first, last = parse_chart_time(str(start), self.timezone), parse_chart_time(str(end), self.timezone)
            data = await self._load_range(first, last)
        if request == self._range_requests:
            self.replace(data)


def _price_format(data: CandlesResponse) -> str:
    """Axis numbers with digits that suit the price (``,.2f`` for BTC, ``,.4f`` for a coin under 10)."""
    last = data.candles[-1].close if data.candles else 1000.0
    return ',.2f' if last >= 100 else ',.3f' if last >= 10 else ',.4f' if last >= 1 else ',.6f'
