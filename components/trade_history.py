"""The ``/trades`` controls and table: filters checked as they are typed, and sorting done by the server in one
order whether it is chosen in the Sort menu or by a click on a column header."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from nicegui import ui

from components.tables import PNL_CELL, TRADE_COLUMNS, trade_row, translated
from components.typed_time import time_check, time_problem, typed_input
from components.url_query import keep_in_url
from oracle_ui import views
from oracle_ui.engine.models import Side
from oracle_ui.formatting import DAY_FORMATS, parse_moment
from oracle_ui.i18n import N_, _, terms

SORT_LABELS: dict[str, str] = {
    '-entry_time': N_('Newest first'),
    'entry_time': N_('Oldest first'),
    '-exit_time': N_('Closed last first'),
    'exit_time': N_('Closed first first'),
    '-pnl': N_('PnL, best first'),
    'pnl': N_('PnL, worst first'),
    'symbol': N_('Symbol, A to Z'),
    '-symbol': N_('Symbol, Z to A'),
    '-id': N_('Number, highest first'),
    'id': N_('Number, lowest first'),
}
"""Every order the store sorts by (``views.SORTS``), as the Sort menu names it (translated where shown)."""
SORTABLE = {column for column, _ in views.SORTS.values()}
"""Typed filters apply this long after the last key (not on every key, not only on Enter)."""


class TradeFilters(ui.row):
    """Symbol, side, from/to day, sort, and the export button; ``on_change`` runs after any of them changed
    (typed days once typing pauses; a bad one is marked at the field and reported by :attr:`problem`)."""

    def __init__(self, symbols: list[str], on_change: Callable[[], None], on_export: Callable[[], None]) -> None:
        super().__init__()
        self.classes('items-start gap-3 flex-wrap')
        with self:
            everything = {'all': _('all')}
            self.symbol = ui.select({**everything, **{s: s for s in symbols}}, value='all', label=_('Symbol'))
            self.symbol.classes('w-36').mark('filter-symbol')
            sides = {**everything, 'long': terms.side('long'), 'short': terms.side('short')}
            self.side = ui.select(sides, value='all', label=_('Side')).classes('w-28').mark('filter-side')
            self.since = self._day(_('From (YYYY-MM-DD)'), 'filter-from')
            self.until = self._day(_('To (YYYY-MM-DD)'), 'filter-to')
            sorts = {order: _(label) for order, label in SORT_LABELS.items()}
            self.sort = ui.select(sorts, value='-entry_time', label=_('Sort'))
            self.sort.classes('w-48').mark('sort')
            ui.button(_('Export CSV'), icon='download', on_click=on_export).classes('self-center').mark('export-csv')
        fields = {'symbol': self.symbol, 'side': self.side, 'since': self.since, 'until': self.until, 'sort': self.sort}
        keep_in_url(fields)
        for element in fields.values():
            element.on_value_change(on_change)

    def _day(self, label: str, mark: str) -> ui.input:
        return typed_input(label, mark, time_check(DAY_FORMATS))

    @property
    def problem(self) -> str | None:
        """What is wrong with the typed days, or None."""
        return time_problem(((_('From'), self.since), (_('To'), self.until)), DAY_FORMATS)

    def chosen(self, timezone: tzinfo) -> dict[str, Any]:
        """The filters as ``views.trades_page`` takes them (check :attr:`problem` first); days in ``timezone``."""
        start = parse_moment(self.since.value, timezone, DAY_FORMATS)
        end = parse_moment(self.until.value, timezone, DAY_FORMATS)
        return {
            'symbol': None if self.symbol.value == 'all' else self.symbol.value,
            'side': None if self.side.value == 'all' else Side(self.side.value),
            'since': start,
            'until': end + 86_400 if end is not None else None,  # the To day is included
        }


class TradeHistoryTable(ui.table):
    """Trades in the order the server sorted them (never re-sorted in the browser); a click on a sortable column
    header calls ``on_sort`` with that order (e.g. ``'-pnl'``), the Sort menu's names."""

    def __init__(self, on_sort: Callable[[str], object]) -> None:
        columns = [{**c, 'sortable': c['name'] in SORTABLE} for c in translated(TRADE_COLUMNS)]
        # rowsNumber makes the table ask for sorting (the 'request' event) instead of sorting the rows it has
        pagination = {'rowsPerPage': 0, 'rowsNumber': 0, 'sortBy': 'entry_time', 'descending': True}
        super().__init__(columns=columns, rows=[], row_key='id', pagination=pagination)
        self.classes('w-full').props('dense flat wrap-cells hide-bottom binary-state-sort')
        self.add_slot('body-cell-pnl', PNL_CELL)
        self.on('request', lambda e: on_sort(sort_of(e.args.get('pagination') or {})))

    def show(self, trades: list[views.TradeRow], total: int, sort: str, timezone: tzinfo) -> None:
        column, descending = views.SORTS[sort]
        self.pagination = {**self.pagination, 'sortBy': column, 'descending': descending, 'rowsNumber': total}
        self.rows = [trade_row(t, timezone) for t in trades]


def sort_of(pagination: dict[str, Any]) -> str:
    """The store's order a table's sort state asks for (newest first when none)."""
    column = pagination.get('sortBy')
    name = f'-{column}' if pagination.get('descending') else str(column)
    return name if name in views.SORTS else '-entry_time'
