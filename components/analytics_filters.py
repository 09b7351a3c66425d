"""The analytics filter bar: period (custom: from/to dates), symbol, side, strategy, the export buttons and a summary
line of what is shown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from nicegui import ui

from components.url_query import keep_in_url
from oracle_ui.i18n import N_, _, terms
from oracle_ui.reports import ReportFormat

ALL = 'all'
PERIOD_LABELS = {
    'today': N_('today'),
    '7d': N_('7 days'),
    '30d': N_('30 days'),
    'ytd': N_('year to date'),
    'all': N_('all'),
    'custom': N_('custom'),
}
"""The periods to pick from (translated where shown)."""


class AnalyticsFilterBar(ui.card):
    """The filters (``ALL`` for no filter) and exports; :attr:`controls` are the inputs whose change redraws."""

    def __init__(self, exports: Sequence[ReportFormat], on_export: Callable[[ReportFormat], Awaitable[None]]) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            with ui.row().classes('items-end gap-3 flex-wrap'):
                periods = {key: _(label) for key, label in PERIOD_LABELS.items()}
                self.period = ui.select(periods, value='30d', label=_('Period')).classes('w-36').mark('an-period')
                self.since = ui.input(_('From (UTC)'), placeholder=_('YYYY-MM-DD')).props('type=date').classes('w-40')
                self.until = ui.input(_('To (UTC, exclusive)'), placeholder=_('YYYY-MM-DD')).props('type=date')
                self.until.classes('w-40')
                for field, name in ((self.since, 'an-from'), (self.until, 'an-to')):
                    field.mark(name).bind_visibility_from(self.period, 'value', backward=lambda v: v == 'custom')
                everything = {ALL: _('all')}
                self.symbol = ui.select(everything, value=ALL, label=_('Symbol')).classes('w-36').mark('an-symbol')
                sides = {**everything, 'long': terms.side('long'), 'short': terms.side('short')}
                self.side = ui.select(sides, value=ALL, label=_('Side')).classes('w-28').mark('an-side')
                self.strategy = ui.select(everything, value=ALL, label=_('Strategy')).classes('w-40')
                self.strategy.mark('an-strategy')
                with ui.button_group().props('flat'):
                    for kind in exports:
                        ui.button(kind.upper(), on_click=lambda k=kind: on_export(k)).props('flat dense').mark(
                            f'an-export-{kind}'
                        )
            self.summary = ui.label().classes('text-xs opacity-70').mark('an-summary')
        fields = {'period': self.period, 'since': self.since, 'until': self.until, 'side': self.side}
        self._wanted = keep_in_url({**fields, 'symbol': self.symbol, 'strategy': self.strategy})
        """A symbol or strategy the URL asked for, until the first report offers them."""

    @property
    def controls(self) -> tuple[ui.select | ui.input, ...]:
        return self.period, self.since, self.until, self.symbol, self.side, self.strategy

    def offer(self, symbols: Sequence[str], strategies: Sequence[str]) -> None:
        """The symbols and strategies to pick from (a picked one that is gone falls back to ``ALL``)."""
        everything = {ALL: _('all')}
        symbol = self._wanted.pop('symbol', self.symbol.value)
        self.symbol.set_options({**everything, **{s: s for s in symbols}}, value=symbol if symbol in symbols else ALL)
        strategy = self._wanted.pop('strategy', self.strategy.value)
        self.strategy.set_options(
            {**everything, **{s: terms.strategy(s) for s in strategies}},
            value=strategy if strategy in strategies else ALL,
        )
