"""Position and trade tables shared by pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from nicegui import ui

from oracle_ui import formatting as fmt
from oracle_ui.engine.models import Trade
from oracle_ui.views import OpenPosition


def _column(name: str, label: str, sortable: bool = False) -> dict[str, Any]:
    return {'name': name, 'label': label, 'field': name, 'align': 'left', 'sortable': sortable}


POSITION_COLUMNS = [
    _column(*c)
    for c in (
        ('symbol', 'Symbol'),
        ('side', 'Side'),
        ('quantity', 'Qty'),
        ('entry', 'Entry'),
        ('mark', 'Mark'),
        ('leverage', 'Lev.'),
        ('stop_loss', 'SL'),
        ('take_profit', 'TP'),
        ('pnl', 'Net PnL'),
        ('close', ''),
    )
]
TRADE_COLUMNS = [
    _column('id', '#', True),
    _column('symbol', 'Symbol', True),
    _column('side', 'Side', True),
    _column('quantity', 'Qty'),
    _column('entry_price', 'Entry', True),
    _column('exit_price', 'Exit', True),
    _column('fees', 'Fees'),
    _column('pnl', 'PnL', True),
    _column('status', 'Status', True),
    _column('entry_time', 'Opened', True),
    _column('exit_time', 'Closed', True),
]


def local_time(seconds: float | None, timezone: tzinfo) -> str:
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S') if seconds else '—'


def position_row(p: OpenPosition) -> dict[str, str]:
    return {
        'symbol': p.symbol,
        'side': p.side,
        'quantity': f'{p.quantity:.6g}',
        'entry': fmt.price(p.entry_price),
        'mark': fmt.price(p.mark_price),
        'leverage': f'{p.leverage:g}x',
        'stop_loss': fmt.price(p.stop_loss),
        'take_profit': fmt.price(p.take_profit),
        'pnl': fmt.signed_money(p.net_pnl),
    }


def trade_row(t: Trade, timezone: tzinfo) -> dict[str, str | int]:
    return {
        'id': t.id,
        'symbol': t.symbol,
        'side': t.side.value,
        'quantity': f'{t.quantity:.6g}',
        'entry_price': fmt.price(t.entry_price),
        'exit_price': fmt.price(t.exit_price),
        'fees': f'{t.fees:.4f}',
        'pnl': fmt.signed_money(t.pnl),
        'status': t.status.value,
        'entry_time': local_time(t.entry_time, timezone),
        'exit_time': local_time(t.exit_time, timezone),
    }


class PositionsTable(ui.table):
    """Open positions; operators get a Close button per row, which calls ``on_close(symbol)``."""

    def __init__(self, on_close: Callable[[str], Any] | None) -> None:
        columns = POSITION_COLUMNS if on_close else [c for c in POSITION_COLUMNS if c['name'] != 'close']
        super().__init__(columns=columns, rows=[], row_key='symbol')
        self.classes('w-full').props('dense flat wrap-cells')
        if on_close is not None:
            self.add_slot(
                'body-cell-close',
                """
                <q-td :props="props"><q-btn size="sm" color="negative" label="Close" dense
                 @click="() => $parent.$emit('close', props.row.symbol)" /></q-td>""",
            )
            self.on('close', lambda e: on_close(e.args))

    def show(self, positions: list[OpenPosition]) -> None:
        rows = [position_row(p) for p in positions]
        if rows != self.rows:  # assigning resends the table: only when something changed
            self.rows = rows


class TradesTable(ui.table):
    """Trades, newest first as given."""

    def __init__(self) -> None:
        super().__init__(columns=TRADE_COLUMNS, rows=[], row_key='id')
        self.classes('w-full').props('dense flat wrap-cells')

    def show(self, trades: list[Trade], timezone: tzinfo) -> None:
        self.rows = [trade_row(t, timezone) for t in trades]
