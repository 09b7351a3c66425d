"""The price chart with its symbol and timeframe pickers, the regime and the indicator configurator: redrawn on a
pick, extended live, paged back through history on pan and zoom."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from nicegui import background_tasks, run, ui

from components.chart_history import PAGE_CANDLES
from components.indicator_picker import IndicatorPicker
from components.price_chart import PriceChart
from oracle_ui.alerts.rules import PriceLine
from oracle_ui.i18n import _, terms
from oracle_ui.views import CandleOut, CandlesResponse, ChartIndicator, OpenPosition, TradeMarker

CHART_CANDLES = 300
"""Candles drawn at first; older pages of ``PAGE_CANDLES`` load as the user pans back."""
Load = Callable[[str, str, int, int | None, list[ChartIndicator]], CandlesResponse]


class ChartPanel(ui.card):
    """One symbol's chart at a chosen timeframe.

    :param load: ``(symbol, timeframe, limit, before, indicators) -> CandlesResponse``: closed candles
    :param position: ``symbol -> OpenPosition | None``, whose levels are drawn
    :param forming: ``(symbol, timeframe) -> CandleOut | None``, the candle still forming
    :param trades: ``(symbol, since) -> markers`` of the trades open at some time since then
    :param on_indicators: called with the new choice when the user changes the indicators (None: read-only)
    :param may_read: asked before each load, on the page's own loop (False: the session ended, load nothing)
    :param alerts: ``symbol -> price-line alerts`` drawn on the chart (None: none)
    :param on_alert_at: ``(symbol, price)`` on a right-click at a price: make an alert there (None: read-only)
    :param on_alert_moved: ``(alert id, level)`` when an alert line is dragged (None: lines stay put)
    :param backtest: ``(symbol, start, end) -> markers`` of the running strategy backtested over those candles,
        drawn beside the live trades while the "backtest trades" switch is on (None: no switch)
    :param shown: the symbol and timeframe to show first (None, or one not offered: the first of each)
    :param on_pick: ``(symbol, timeframe)`` after the user picked another (the page keeps them in its URL)
    """

    def __init__(
        self,
        symbols: list[str],
        timeframes: list[str],
        timezone: tzinfo,
        *,
        load: Load,
        position: Callable[[str], OpenPosition | None],
        forming: Callable[[str, str], CandleOut | None],
        trades: Callable[[str, float], list[TradeMarker]],
        indicators: list[ChartIndicator],
        default_indicators: list[ChartIndicator],
        on_indicators: Callable[[list[ChartIndicator]], Any] | None,
        may_read: Callable[[], bool] = lambda: True,
        alerts: Callable[[str], list[PriceLine]] | None = None,
        on_alert_at: Callable[[str, float], Any] | None = None,
        on_alert_moved: Callable[[int, float], Any] | None = None,
        backtest: Callable[[str, float, float], list[TradeMarker]] | None = None,
        shown: tuple[str, str] | None = None,
        on_pick: Callable[[str, str], Any] | None = None,
    ) -> None:
        super().__init__()
        self.classes('w-full p-2')
        self.timezone = timezone
        self._load, self._position, self._forming, self._trades = load, position, forming, trades
        self.indicators = indicators
        self._on_indicators = on_indicators
        self._may_read = may_read
        self._alerts, self._on_alert_at, self._on_alert_moved = alerts, on_alert_at, on_alert_moved
        self._backtest = backtest
        self.plot: PriceChart | None = None
        with self:
            with ui.row().classes('items-center gap-3 flex-wrap w-full'):
                symbol, timeframe = shown or (symbols[0], timeframes[0])
                symbol = symbol if symbol in symbols else symbols[0]
                timeframe = timeframe if timeframe in timeframes else timeframes[0]
                self.symbol = ui.select(symbols, value=symbol, label=_('Symbol')).classes('w-40').mark('chart-symbol')
                self.timeframe = (
                    ui.select(timeframes, value=timeframe, label=_('Timeframe')).classes('w-28').mark('chart-timeframe')
                )
                self.regime = ui.label().classes('text-sm').mark('chart-regime')
                IndicatorPicker(indicators, default_indicators, self._choose, editable=on_indicators is not None)
                self.with_backtest = ui.switch(_('backtest trades'), on_change=self.show_backtest).mark(
                    'chart-backtest'
                )
                self.with_backtest.set_visibility(backtest is not None)
                self.with_backtest.tooltip(_('the running strategy backtested over the candles shown, live settings'))
            self.box = ui.column().classes('w-full')
        self._on_pick = on_pick
        self.symbol.on_value_change(self._picked)
        self.timeframe.on_value_change(self._picked)
        self.rebuild()

    def _picked(self) -> None:
        self.rebuild()
        if self._on_pick is not None:
            self._on_pick(self.symbol.value, self.timeframe.value)

    def _choose(self, chosen: list[ChartIndicator]) -> None:
        self.indicators = chosen
        if self._on_indicators is not None:
            self._on_indicators(chosen)
        self.rebuild()

    def rebuild(self) -> None:
        """Draw the chosen symbol and timeframe from the newest history."""
        if not self._may_read():
            return
        symbol, timeframe = self.symbol.value, self.timeframe.value
        data = self._load(symbol, timeframe, CHART_CANDLES, None, self.indicators)
        self.box.clear()
        with self.box:
            if not data.candles:  # a fresh start still storing its history: drawn once there is some
                self.plot = None
                waiting = _('waiting for {symbol} {timeframe} candles: the market history is being loaded …')
                ui.label(waiting.format(symbol=symbol, timeframe=timeframe)).classes('text-sm opacity-70').mark(
                    'chart-waiting'
                )
                return
            self.plot = PriceChart(
                data,
                self.timezone,
                self.indicators,
                self._position(symbol),
                load_older=self._older,
                alerts=self._alerts(symbol) if self._alerts else (),
                draggable_alerts=self._on_alert_moved is not None,
            ).mark('price-chart')
            if self._on_alert_at is not None:
                on_alert_at = self._on_alert_at
                self.plot.on_price_menu(lambda price: on_alert_at(symbol, price))
            if self._on_alert_moved is not None:
                self.plot.on_alert_moved(self._on_alert_moved)
        self.show_forming()
        if self.with_backtest.value:
            background_tasks.create(self.show_backtest(), name='chart-backtest')

    async def show_backtest(self) -> None:
        """Draw (or, with the switch off, remove) the backtest's trades over the candles the chart holds."""
        plot = self.plot
        if plot is None or self._backtest is None or not self._may_read():
            return
        if not self.with_backtest.value:
            plot.show_backtest([])
            return
        symbol, end = self.symbol.value, plot.last_time + plot.period_s
        trades = await run.io_bound(self._backtest, symbol, plot.first_time, end)
        if trades is not None and plot is self.plot:
            plot.show_backtest(trades)

    def draw_if_waiting(self) -> None:
        """Draw the chart if it had no candles to show yet (called every second)."""
        if self.plot is None:
            self.rebuild()

    async def _older(self, before: int) -> CandlesResponse | None:
        if not self._may_read():
            return None
        symbol, timeframe, chosen = self.symbol.value, self.timeframe.value, self.indicators
        return await run.io_bound(self._load, symbol, timeframe, PAGE_CANDLES, before, chosen)

    def on_candle(self, symbol: str, timeframe: str) -> None:
        """A candle of ``symbol`` and ``timeframe`` closed: add it if that is what the chart shows."""
        is_shown = (symbol, timeframe) == (self.symbol.value, self.timeframe.value)
        if self.plot is not None and is_shown and not self.plot.has_newer and self._may_read():
            self.plot.append(self._load(symbol, timeframe, 2, None, self.indicators))

    def on_trade(self, symbol: str) -> None:
        """A position of ``symbol`` opened or closed: redraw its markers and levels if that is what is shown."""
        if self.plot is None or symbol != self.symbol.value:
            return
        self.plot.show_trades(self._trades(symbol, self.plot.last_time))
        self.plot.show_levels(self._position(symbol))

    def show_alerts(self) -> None:
        """Redraw the shown symbol's price-line alerts (one was added, moved, fired or removed)."""
        if self.plot is not None and self._alerts is not None:
            self.plot.show_alerts(self._alerts(self.symbol.value), draggable=self._on_alert_moved is not None)

    def show_forming(self) -> None:
        if self.plot is not None:
            self.plot.show_forming(self._forming(self.symbol.value, self.timeframe.value))

    def show_regime(self, regime: str) -> None:
        self.regime.set_text(_('regime: {regime}').format(regime=terms.regime(regime)))
