"""Position and trade tables shared by pages: PnL coloured by its sign, times in the viewer's timezone."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from nicegui import ui

from oracle_ui import formatting as fmt
from oracle_ui.engine.models import Trade
from oracle_ui.i18n import N_, _, terms
from oracle_ui.summaries import EXIT_NAMES
from oracle_ui.views import OpenPosition, TradeRow


def column(name: str, label: str, sortable: bool = False, align: str = 'left') -> dict[str, Any]:
    return {'name': name, 'label': label, 'field': name, 'align': align, 'sortable': sortable}


def translated(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``columns`` with their labels in the current language."""
    return [{**c, 'label': _(c['label']) if c['label'] else ''} for c in columns]


POSITION_COLUMNS = [
    column('symbol', N_('Symbol')),
    column('side', N_('Side')),
    column('pnl', N_('Net PnL'), align='right'),
    column('quantity', N_('Qty'), align='right'),
    column('entry', N_('Entry'), align='right'),
    column('mark', N_('Mark'), align='right'),
    column('leverage', N_('Lev.'), align='right'),
    # TRANSLATORS: stop-loss, abbreviated as a column header
    column('stop_loss', N_('SL'), align='right'),
    # TRANSLATORS: take-profit, abbreviated as a column header
    column('take_profit', N_('TP'), align='right'),
    column('close', ''),
]
TRADE_COLUMNS = [
    column('id', '#'),
    column('symbol', N_('Symbol')),
    column('side', N_('Side')),
    column('quantity', N_('Qty'), align='right'),
    column('entry_price', N_('Entry'), align='right'),
    column('exit_price', N_('Exit'), align='right'),
    column('fees', N_('Fees'), align='right'),
    column('pnl', N_('PnL'), align='right'),
    column('status', N_('Status')),
    column('entry_time', N_('Opened')),
    column('exit_time', N_('Closed')),
]
"""Column labels are marked here and translated when a table is made (:func:`translated`)."""
PNL_CELL = '<q-td :props="props" :class="props.row.pnl_class">{{ props.value }}</q-td>'
"""A PnL cell coloured by the row's ``pnl_class`` (green for gains, red for losses)."""


def pnl_class(value: float | None) -> str:
    """The Quasar text colour of an amount: positive green, negative red, zero or unknown plain."""
    if value is None or not math.isfinite(value) or round(value, 2) == 0:
        return ''
    return 'text-positive' if value > 0 else 'text-negative'


def position_row(p: OpenPosition) -> dict[str, str | bool]:
    return {
        'symbol': p.symbol,
        'side': terms.side(p.side),
        'is_long': p.side == 'long',
        'quantity': fmt.quantity(p.quantity),
        'entry': fmt.price(p.entry_price),
        'mark': fmt.price(p.mark_price),
        'leverage': _('{leverage}x').format(leverage=fmt.number(p.leverage)),
        'stop_loss': fmt.price(p.stop_loss),
        'take_profit': fmt.price(p.take_profit),
        'pnl': fmt.signed_money(p.net_pnl),
        'pnl_class': pnl_class(p.net_pnl),
    }


def trade_row(t: Trade | TradeRow, timezone: tzinfo) -> dict[str, str | int]:
    """A trade as a table row; an open trade's PnL is '—' (nothing realized yet)."""
    is_open = t.status.value == 'OPEN'
    return {
        'id': t.id,
        'symbol': t.symbol,
        'side': terms.side(t.side.value),
        'quantity': fmt.quantity(t.quantity),
        'entry_price': fmt.price(t.entry_price),
        'exit_price': fmt.price(t.exit_price),
        'fees': fmt.number(t.entry_fee + t.exit_fee),
        'pnl': '—' if is_open else fmt.signed_money(t.pnl),
        'pnl_class': '' if is_open else pnl_class(t.pnl),
        'status': _(EXIT_NAMES[t.status.value]) if t.status.value in EXIT_NAMES else terms.trade_status(t.status.value),
        'entry_time': fmt.local_time(t.entry_time, timezone),
        'exit_time': fmt.local_time(t.exit_time, timezone),
    }


class PositionsTable(ui.table):
    """Open positions as a table (wider screens); operators get a Close button per row, which calls
    ``on_close(symbol)``. Net PnL comes right after the side, so narrow screens see it first."""

    def __init__(self, on_close: Callable[[str], Any] | None) -> None:
        columns = POSITION_COLUMNS if on_close else [c for c in POSITION_COLUMNS if c['name'] != 'close']
        super().__init__(columns=translated(columns), rows=[], row_key='symbol')
        self.classes('w-full').props('dense flat wrap-cells')
        self.add_slot('body-cell-pnl', PNL_CELL)
        if on_close is not None:
            self.add_slot(
                'body-cell-close',
                f"""
                <q-td :props="props"><q-btn size="sm" color="negative" label="{html.escape(_('Close'))}" dense
                 @click="() => $parent.$emit('close', props.row.symbol)" /></q-td>""",
            )
            self.on('close', lambda e: on_close(e.args))

    def show(self, rows: list[dict[str, str | bool]]) -> None:
        if rows != self.rows:  # assigning resends the table: only when something changed
            self.rows = rows


POSITION_CARD = """
<div class="q-pa-xs col-12">
  <q-card flat bordered :data-position="props.row.symbol">
    <q-card-section class="q-pa-sm">
      <div class="row items-center q-gutter-x-sm no-wrap">
        <span class="text-weight-bold">{{ props.row.symbol }}</span>
        <q-badge :color="props.row.is_long ? 'positive' : 'negative'" :label="props.row.side" />
        <q-space />
        <span class="text-subtitle1" :class="props.row.pnl_class">{{ props.row.pnl }}</span>
      </div>
      <div class="text-caption">
        {{ props.row.quantity }} @ {{ props.row.entry }} · %(mark)s {{ props.row.mark }} · {{ props.row.leverage }}
      </div>
      <div class="text-caption opacity-70">%(sl)s {{ props.row.stop_loss }} · %(tp)s {{ props.row.take_profit }}</div>
    </q-card-section>
    <q-card-actions v-if="props.cols.some(c => c.name === 'close')" class="q-pa-sm q-pt-none">
      <q-btn class="full-width" color="negative" label="%(close)s" unelevated
             @click="() => $parent.$emit('close', props.row.symbol)" />
    </q-card-actions>
  </q-card>
</div>"""


class PositionCards(PositionsTable):
    """Open positions as cards (phones): symbol, side and net PnL first, then size and levels, and a
    full-width Close button for operators."""

    def __init__(self, on_close: Callable[[str], Any] | None) -> None:
        super().__init__(on_close)
        self.props('grid hide-header hide-bottom')
        words = {'mark': _('mark'), 'sl': _('SL'), 'tp': _('TP'), 'close': _('Close')}
        self.add_slot('item', POSITION_CARD % {key: html.escape(word) for key, word in words.items()})


class TradesTable(ui.table):
    """Trades, newest first as given, PnL coloured."""

    def __init__(self) -> None:
        super().__init__(columns=translated(TRADE_COLUMNS), rows=[], row_key='id')
        self.classes('w-full').props('dense flat wrap-cells')
        self.add_slot('body-cell-pnl', PNL_CELL)

    def show(self, trades: list[Trade], timezone: tzinfo) -> None:
        self.rows = [trade_row(t, timezone) for t in trades]
