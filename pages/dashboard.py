"""``/``: live prices, bot control, account, positions, trades and events."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from nicegui import ui

from components.frame import frame
from oracle_ui import formatting as fmt
from oracle_ui.engine.models import Position, Trade
from oracle_ui.state import shared_state
from oracle_ui.system import System

STALE_AFTER_S = 10.0


def register(system: System) -> None:
    @ui.page('/')
    def dashboard() -> None:
        state = shared_state
        with frame('Dashboard'):
            _controls(system)
            with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5'):
                for label, field, formatter in (('Balance', 'balance', fmt.money), ('Equity', 'equity', fmt.money),
                                                ('Unrealized PnL', 'unrealized_pnl', fmt.signed_money),
                                                ('Realized PnL (net of fees)', 'realized_pnl', fmt.signed_money),
                                                ('Fees paid', 'fees', fmt.money)):
                    with ui.card().classes('p-3'):
                        ui.label(label).classes('text-xs opacity-70')
                        ui.label().bind_text_from(state.bot, field, backward=formatter).classes('text-lg') \
                            .mark(f'account-{field}')
            ages: dict[str, ui.label] = {}
            with ui.grid().classes('w-full gap-3 grid-cols-1 sm:grid-cols-3'):
                for symbol, quote in state.quotes.items():
                    with ui.card().classes('p-3'):
                        ui.label(symbol).classes('text-sm font-bold')
                        ui.label().bind_text_from(quote, 'price', backward=fmt.price).classes('text-2xl') \
                            .mark(f'price-{symbol}')
                        with ui.row().classes('gap-2 text-xs'):
                            ui.label().bind_text_from(quote, 'change_pct', backward=lambda v: f'{v:+.2f} % 24h')
                            ui.label().bind_text_from(quote, 'regime', backward=lambda r: f'regime: {r}')
                        ages[symbol] = ui.label().classes('text-xs opacity-70')
            ui.label('Open positions').classes('text-lg')
            positions = ui.table(columns=_POSITION_COLUMNS, rows=[], row_key='symbol').classes('w-full') \
                .mark('positions-table')
            positions.add_slot('body-cell-close', '''
                <q-td :props="props"><q-btn size="sm" color="negative" label="Close"
                 @click="() => $parent.$emit('close', props.row.symbol)" /></q-td>''')
            positions.on('close', lambda e: _confirm_close(system, e.args))
            ui.button('Close all', color='negative', on_click=lambda: _confirm_close(system, None)) \
                .mark('close-all').bind_enabled_from(state.bot, 'open_positions', backward=bool)
            ui.label('Recent trades').classes('text-lg')
            trades = ui.table(columns=_TRADE_COLUMNS, rows=[], row_key='id').classes('w-full').mark('trades-table')

            def refresh() -> None:
                now = time.time()
                for symbol, label in ages.items():
                    received = state.quotes[symbol].received
                    stale = not received or now - received > STALE_AFTER_S
                    text = fmt.age(now - received if received else None)
                    label.set_text(('STALE · ' if stale else 'updated ') + text)
                    label.classes(replace='text-xs ' + ('text-negative' if stale else 'opacity-70'))
                positions.rows = [_position_row(p, system.engine.broker.commission)
                                  for p in system.engine.broker.positions.values()]
                trades.rows = [_trade_row(t) for t in system.store.trades(closed_only=True, limit=20)]

            refresh()
            ui.timer(1.0, refresh)


def _controls(system: System) -> None:
    bot = shared_state.bot

    async def run(action: str) -> None:
        result = await system.controller.run(action, reason='dashboard', actor='dashboard', origin='ui')
        ui.notify(result.message, type='positive' if result.success else 'negative')

    async def confirm_then(action: str) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(f'{action.capitalize()} the bot?')
            if action == 'stop':
                ui.label('Open positions stay open; their stop-loss and take-profit stay enforced.').classes('text-sm')
            with ui.row():
                ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
                ui.button(action.capitalize(), color='negative', on_click=lambda: dialog.submit(True)) \
                    .mark(f'confirm-{action}')
        if await dialog:
            await run(action)

    with ui.row().classes('items-center gap-2 flex-wrap'):
        ui.button('Start', color='positive', on_click=lambda: run('start')).mark('start-button') \
            .bind_enabled_from(bot, 'is_busy', backward=lambda busy: not busy)
        ui.button('Stop', color='negative', on_click=lambda: confirm_then('stop')).mark('stop-button') \
            .bind_enabled_from(bot, 'is_busy', backward=lambda busy: not busy)
        ui.button('Restart', on_click=lambda: confirm_then('restart')).mark('restart-button') \
            .bind_enabled_from(bot, 'is_busy', backward=lambda busy: not busy)
        ui.label().bind_text_from(bot, 'message').classes('text-negative text-sm')


async def _confirm_close(system: System, symbol: str | None) -> None:
    what = f'the {symbol} position' if symbol else 'all open positions'
    with ui.dialog() as dialog, ui.card():
        ui.label(f'Close {what} at market now?')
        with ui.row():
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button('Close', color='negative', on_click=lambda: dialog.submit(True)).mark('confirm-close')
    if not await dialog:
        return
    if symbol:
        trade = system.engine.close_position(symbol, 'closed from the dashboard')
        closed = [trade] if trade else []
    else:
        closed = system.engine.close_all('closed all from the dashboard')
    if closed:
        ui.notify(f'closed {len(closed)} position(s), PnL {sum(t.pnl for t in closed):+,.2f}', type='positive')
    else:
        ui.notify('no open position to close', type='warning')


def _time(value: float | None) -> str:
    return datetime.fromtimestamp(value, UTC).strftime('%Y-%m-%d %H:%M:%S UTC') if value else '—'


_POSITION_COLUMNS = [
    {'name': c, 'label': label, 'field': c, 'align': 'left'} for c, label in
    (('symbol', 'Symbol'), ('side', 'Side'), ('quantity', 'Qty'), ('entry', 'Entry'), ('mark', 'Mark'),
     ('leverage', 'Lev.'), ('stop_loss', 'SL'), ('take_profit', 'TP'), ('pnl', 'Net PnL'), ('close', ''))
]
_TRADE_COLUMNS = [
    {'name': c, 'label': label, 'field': c, 'align': 'left'} for c, label in
    (('id', '#'), ('symbol', 'Symbol'), ('side', 'Side'), ('entry', 'Entry'), ('exit', 'Exit'), ('pnl', 'PnL'),
     ('status', 'Status'), ('closed', 'Closed'))
]


def _position_row(p: Position, commission: float) -> dict[str, str]:
    return {'symbol': p.symbol, 'side': p.side.value, 'quantity': f'{p.quantity:.6g}',
            'entry': fmt.price(p.entry_price),
            'mark': fmt.price(p.mark_price), 'leverage': f'{p.leverage:g}x', 'stop_loss': fmt.price(p.stop_loss),
            'take_profit': fmt.price(p.take_profit), 'pnl': fmt.signed_money(p.net_pnl(commission))}


def _trade_row(t: Trade) -> dict[str, str | int]:
    return {'id': t.id, 'symbol': t.symbol, 'side': t.side.value, 'entry': fmt.price(t.entry_price),
            'exit': fmt.price(t.exit_price), 'pnl': fmt.signed_money(t.pnl), 'status': t.status.value,
            'closed': _time(t.exit_time)}
