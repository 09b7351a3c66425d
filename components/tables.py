"""Position and trade tables shared by pages."""

from __future__ import annotations

from datetime import datetime, tzinfo

from oracle_ui import formatting as fmt
from oracle_ui.api.schemas import OpenPosition
from oracle_ui.engine.models import Trade


def _column(name: str, label: str, sortable: bool = False) -> dict:
    return {'name': name, 'label': label, 'field': name, 'align': 'left', 'sortable': sortable}


POSITION_COLUMNS = [_column(*c) for c in (('symbol', 'Symbol'), ('side', 'Side'), ('quantity', 'Qty'),
                                          ('entry', 'Entry'), ('mark', 'Mark'), ('leverage', 'Lev.'),
                                          ('stop_loss', 'SL'), ('take_profit', 'TP'), ('pnl', 'Net PnL'),
                                          ('close', ''))]
TRADE_COLUMNS = [_column('id', '#', True), _column('symbol', 'Symbol', True), _column('side', 'Side', True),
                 _column('quantity', 'Qty'), _column('entry_price', 'Entry', True),
                 _column('exit_price', 'Exit', True), _column('fees', 'Fees'), _column('pnl', 'PnL', True),
                 _column('status', 'Status', True), _column('entry_time', 'Opened', True),
                 _column('exit_time', 'Closed', True)]


def local_time(seconds: float | None, timezone: tzinfo) -> str:
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S') if seconds else '—'


def position_row(p: OpenPosition) -> dict[str, str]:
    return {'symbol': p.symbol, 'side': p.side, 'quantity': f'{p.quantity:.6g}', 'entry': fmt.price(p.entry_price),
            'mark': fmt.price(p.mark_price), 'leverage': f'{p.leverage:g}x', 'stop_loss': fmt.price(p.stop_loss),
            'take_profit': fmt.price(p.take_profit), 'pnl': fmt.signed_money(p.net_pnl)}


def trade_row(t: Trade, timezone: tzinfo) -> dict[str, str | int]:
    return {'id': t.id, 'symbol': t.symbol, 'side': t.side.value, 'quantity': f'{t.quantity:.6g}',
            'entry_price': fmt.price(t.entry_price), 'exit_price': fmt.price(t.exit_price),
            'fees': f'{t.fees:.4f}', 'pnl': fmt.signed_money(t.pnl), 'status': t.status.value,
            'entry_time': local_time(t.entry_time, timezone), 'exit_time': local_time(t.exit_time, timezone)}
