"""The analytics filter bar: period (custom: from/to dates), symbol, side, strategy, the export buttons and a summary
line of what is shown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from nicegui import ui

from oracle_ui.reports import ReportFormat

ALL = 'all'
PERIOD_LABELS = {
    'today': 'today',
    '7d': '7 days',
    '30d': '30 days',
    'ytd': 'year to date',
    'all': 'all',
    'custom': 'custom',
}


class AnalyticsFilterBar(ui.card):
    """The filters (``ALL`` for no filter) and exports; :attr:`controls` are the inputs whose change redraws."""

    def __init__(self, exports: Sequence[ReportFormat], on_export: Callable[[ReportFormat], Awaitable[None]]) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            with ui.row().classes('items-end gap-3 flex-wrap'):
                self.period = ui.select(PERIOD_LABELS, value='30d', label='Period').classes('w-36').mark('an-period')
                self.since = ui.input('From (UTC)', placeholder='YYYY-MM-DD').props('type=date').classes('w-40')
                self.until = ui.input('To (UTC, exclusive)', placeholder='YYYY-MM-DD').props('type=date')
                self.until.classes('w-40')
                for field, name in ((self.since, 'an-from'), (self.until, 'an-to')):
                    field.mark(name).bind_visibility_from(self.period, 'value', backward=lambda v: v == 'custom')
                self.symbol = ui.select([ALL], value=ALL, label='Symbol').classes('w-36').mark('an-symbol')
                self.side = ui.select([ALL, 'long', 'short'], value=ALL, label='Side').classes('w-28').mark('an-side')
                self.strategy = ui.select([ALL], value=ALL, label='Strategy').classes('w-40').mark('an-strategy')
                with ui.button_group().props('flat'):
                    for kind in exports:
                        ui.button(kind.upper(), on_click=lambda k=kind: on_export(k)).props('flat dense').mark(
                            f'an-export-{kind}'
                        )
            self.summary = ui.label().classes('text-xs opacity-70').mark('an-summary')

    @property
    def controls(self) -> tuple[ui.select | ui.input, ...]:
        return self.period, self.since, self.until, self.symbol, self.side, self.strategy

    def offer(self, symbols: Sequence[str], strategies: Sequence[str]) -> None:
        """The symbols and strategies to pick from (a picked one that is gone falls back to ``ALL``)."""
        self.symbol.set_options([ALL, *symbols], value=self.symbol.value if self.symbol.value in symbols else ALL)
        self.strategy.set_options(
            [ALL, *strategies], value=self.strategy.value if self.strategy.value in strategies else ALL
        )
