"""The price chart with its symbol and timeframe pickers and the regime; redrawn on a pick, extended live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from nicegui import ui

from components.price_chart import PriceChart
from oracle_ui.views import CandleOut, CandlesResponse, OpenPosition

Levels = tuple[int, float | None, float | None] | tuple[()]


class ChartPanel(ui.card):
    """One symbol's chart at a chosen timeframe.

    :param symbols: the symbols to pick from
    :param timeframes: the timeframes to pick from (the first is the default)
    :param load: ``(symbol, timeframe) -> CandlesResponse``, the history to draw (None: draw nothing now)
    :param position: ``symbol -> OpenPosition | None``, whose levels are drawn
    """

    def __init__(
        self,
        symbols: list[str],
        timeframes: list[str],
        timezone: tzinfo,
        load: Callable[[str, str], CandlesResponse | None],
        position: Callable[[str], OpenPosition | None],
    ) -> None:
        super().__init__()
        self.classes('w-full p-2')
        self.timezone = timezone
        self._load = load
        self._position = position
        self.plot: PriceChart | None = None
        self._levels: Levels = ()
        with self:
            with ui.row().classes('items-center gap-3 flex-wrap'):
                self.symbol = ui.select(symbols, value=symbols[0], label='Symbol').classes('w-40').mark('chart-symbol')
                self.timeframe = (
                    ui.select(timeframes, value=timeframes[0], label='Timeframe')
                    .classes('w-28')
                    .mark('chart-timeframe')
                )
                self.regime = ui.label().classes('text-sm').mark('chart-regime')
            self.box = ui.column().classes('w-full')
        self.symbol.on_value_change(self.rebuild)
        self.timeframe.on_value_change(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        """Draw the chosen symbol and timeframe from its history."""
        history = self._load(self.symbol.value, self.timeframe.value)
        if history is None:
            return
        self.box.clear()
        position = self._position(self.symbol.value)
        with self.box:
            self.plot = PriceChart(history, self.timezone, position).mark('price-chart')
        self._levels = _levels_key(position)

    def extend(self, data: CandlesResponse, complete_until: int, forming: CandleOut | None, regime: str) -> None:
        """Append candles closed since the chart was drawn, redraw the forming one and, if they changed, the
        open position's levels. ``complete_until``: where the base timeframe's closed candles end."""
        plot = self.plot
        if plot is None:
            return
        self.regime.set_text(f'regime: {regime}')
        length = plot.period_s
        new = [
            (i, c) for i, c in enumerate(data.candles) if c.time > plot.last_time and c.time + length <= complete_until
        ]
        if new:
            first = new[0][0]
            plot.append([c for _, c in new], {k: v[first : first + len(new)] for k, v in data.indicators.items()})
        if forming is not None:
            plot.show_forming(forming)
        elif data.candles and data.candles[-1].time + length > complete_until:
            plot.show_forming(data.candles[-1])
        position = self._position(self.symbol.value)
        if _levels_key(position) != self._levels:
            self._levels = _levels_key(position)
            plot.show_levels(position)


def _levels_key(position: OpenPosition | None) -> Levels:
    return (position.id, position.stop_loss, position.take_profit) if position else ()
