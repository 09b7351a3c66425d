"""``/``: the one screen people watch: bot control, health, prices, chart, account, positions, trades, events."""

from __future__ import annotations

import time

from nicegui import ui

from components.equity_chart import EquityChart
from components.events_feed import EventsFeed
from components.frame import frame
from components.metric_card import MetricCard
from components.price_chart import PriceChart
from components.session import acting_principal, guarded_page, origin, page_principal
from components.tables import POSITION_COLUMNS, TRADE_COLUMNS, local_time, position_row, trade_row
from components.viewer import Viewer
from oracle_ui import formatting as fmt
from oracle_ui import reports
from oracle_ui.accounts import Principal
from oracle_ui.api.schemas import CandleOut
from oracle_ui.events import Event, EventType
from oracle_ui.state import shared_state
from oracle_ui.system import System
from oracle_ui.timeframes import timeframe_seconds

STALE_AFTER_S = 10.0
CHART_CANDLES = 300
TOASTS = {
    EventType.POSITION_OPENED: 'info', EventType.STOP_LOSS_HIT: 'warning', EventType.TAKE_PROFIT_HIT: 'positive',
    EventType.POSITION_LIQUIDATED: 'negative', EventType.BOT_STARTED: 'positive', EventType.BOT_STOPPED: 'info',
    EventType.BOT_RESTARTED: 'positive', EventType.BOT_ERROR: 'negative', EventType.RISK_LIMIT_HIT: 'warning',
    EventType.ORDER_REJECTED: 'warning', EventType.NOTIFICATION: 'info', EventType.SYSTEM_ALERT: 'warning',
    EventType.POSITION_CLOSED: 'info',
}
LEVELS = {'error': 'negative', 'warning': 'warning', 'success': 'positive', 'info': 'info'}


def toast(event: Event) -> tuple[str, str] | None:
    """The notification an event deserves, as (message, type), or None."""
    kind = TOASTS.get(event.type)
    if kind is None:
        return None
    data = event.data
    if event.type is EventType.POSITION_CLOSED and data.get('status') in ('CLOSED_SL', 'CLOSED_TP',
                                                                        'CLOSED_LIQUIDATION'):
        return None  # announced by stop_loss_hit / take_profit_hit / position_liquidated
    if event.type is EventType.POSITION_CLOSED:
        kind = 'positive' if data.get('pnl', 0) >= 0 else 'negative'
    if event.type in (EventType.NOTIFICATION, EventType.SYSTEM_ALERT):
        kind = LEVELS.get(data.get('level', 'info'), 'info')
    title = event.type.value.replace('_', ' ')
    return f'{title}: {fmt.event_summary(event.type.value, data)}' + (' [test]' if event.test else ''), kind


def register(system: System) -> None:
    @guarded_page(system, '/')
    async def dashboard() -> None:
        who = page_principal(system)
        client = ui.context.client
        viewer = Viewer()
        bot = shared_state.bot
        with frame('Dashboard', who):
            _controls(system, who)
            with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5'):
                cards = {
                    'cpu_percent': MetricCard('CPU', bot, 'cpu_percent', lambda v: f'{v:.1f} %'),
                    'memory_percent': MetricCard('Memory', bot, 'memory_percent', lambda v: f'{v:.1f} %'),
                    'process_rss_mb': MetricCard('Process RSS', bot, 'process_rss_mb', lambda v: f'{v:.0f} MB'),
                    'open_connections': MetricCard('Connections', bot, 'open_connections', lambda v: f'{v:.0f}'),
                    'events_per_s': MetricCard('Events/s', bot, 'events_per_s', lambda v: f'{v:.1f}'),
                }
            with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5'):
                for label, field, formatter in (('Balance', 'balance', fmt.money), ('Equity', 'equity', fmt.money),
                                                ('Unrealized PnL', 'unrealized_pnl', fmt.signed_money),
                                                ('Realized PnL (net of fees)', 'realized_pnl', fmt.signed_money),
                                                ('Fees paid', 'fees', fmt.money)):
                    with ui.card().classes('p-3 min-w-0'):
                        ui.label(label).classes('text-xs opacity-70')
                        ui.label().bind_text_from(bot, field, backward=formatter).classes('text-lg') \
                            .mark(f'account-{field}')
            ages: dict[str, ui.label] = {}
            with ui.grid().classes('w-full gap-3 grid-cols-1 sm:grid-cols-3'):
                for symbol, quote in shared_state.quotes.items():
                    with ui.card().classes('p-3 min-w-0'):
                        ui.label(symbol).classes('text-sm font-bold')
                        ui.label().bind_text_from(quote, 'price', backward=fmt.price).classes('text-2xl') \
                            .props(f'data-price="{symbol}"').mark(f'price-{symbol}')
                        with ui.row().classes('gap-2 text-xs'):
                            ui.label().bind_text_from(quote, 'change_pct', backward=lambda v: f'{v:+.2f} % 24h')
                            ui.label().bind_text_from(quote, 'regime', backward=lambda r: f'regime: {r}') \
                                .mark(f'regime-{symbol}')
                        ages[symbol] = ui.label().classes('text-xs opacity-70').mark(f'age-{symbol}')

            base_tf = system.settings.timeframe
            base_s = timeframe_seconds(base_tf)
            frames = [tf for tf in ('1m', '5m', '15m', '1h', '4h', '1d')
                      if timeframe_seconds(tf) >= base_s and timeframe_seconds(tf) % base_s == 0] or [base_tf]
            with ui.card().classes('w-full p-2'):
                with ui.row().classes('items-center gap-3 flex-wrap'):
                    symbol_select = ui.select(system.engine.symbols, value=system.engine.symbols[0], label='Symbol') \
                        .classes('w-40').mark('chart-symbol')
                    timeframe_select = ui.select(frames, value=frames[0], label='Timeframe').classes('w-28') \
                        .mark('chart-timeframe')
                    regime_label = ui.label().classes('text-sm').mark('chart-regime')
                chart_box = ui.column().classes('w-full')
            chart: dict[str, PriceChart] = {}

            def build_chart() -> None:
                chart_box.clear()
                symbol = symbol_select.value
                data = reports.candles(system, symbol, timeframe_select.value, CHART_CANDLES)
                position = system.engine.broker.positions.get(symbol)
                with chart_box:
                    chart['plot'] = PriceChart(data, viewer.timezone,
                                               reports.open_position(position, system.engine.broker.commission)
                                               if position else None).mark('price-chart')
                chart['levels'] = _levels_key(system, symbol)

            symbol_select.on_value_change(build_chart)
            timeframe_select.on_value_change(build_chart)
            build_chart()

            with ui.card().classes('w-full p-2'):
                ui.label('Equity').classes('text-sm opacity-70')
                curve = system.store.equity_curve(limit=2000)
                equity_plot = EquityChart([local_time(p.time, viewer.timezone) for p in curve],
                                          [p.equity for p in curve], 200).mark('equity-chart')
                equity_last = [curve[-1].time if curve else 0.0]

            ui.label('Open positions').classes('text-lg')
            columns = POSITION_COLUMNS if who.can_control else [c for c in POSITION_COLUMNS if c['name'] != 'close']
            positions = ui.table(columns=columns, rows=[], row_key='symbol').classes('w-full') \
                .props('dense flat wrap-cells').mark('positions-table')
            if who.can_control:  # hidden from viewers; the server refuses them anyway
                positions.add_slot('body-cell-close', '''
                    <q-td :props="props"><q-btn size="sm" color="negative" label="Close" dense
                     @click="() => $parent.$emit('close', props.row.symbol)" /></q-td>''')
                positions.on('close', lambda e: _confirm_close(system, e.args))
                ui.button('Close all', color='negative', on_click=lambda: _confirm_close(system, None)) \
                    .mark('close-all').bind_enabled_from(bot, 'open_positions', backward=bool)
            ui.label('Recent trades').classes('text-lg')
            trades = ui.table(columns=TRADE_COLUMNS, rows=[], row_key='id').classes('w-full') \
                .props('dense flat wrap-cells').mark('trades-table')
            ui.label('Live events').classes('text-lg')
            feed = EventsFeed(viewer.timezone, list(shared_state.events)[-50:])

        def on_event(event: Event) -> None:
            with client:
                feed.add(event)
                note = toast(event)
                if note:  # one toast per event type that updates (with a count) instead of a pile of them
                    ui.notify(note[0], type=note[1], position='top-right', group=event.type.value)

        shared_state.listeners.append(on_event)
        client.on_delete(lambda: shared_state.listeners.remove(on_event))
        seen_version = [-1]
        is_live = [False]
        """Plot calls made before plotly.js has loaded in the browser are dropped: start them once connected."""

        def refresh() -> None:
            now = time.time()
            for symbol, label in ages.items():
                received = shared_state.quotes[symbol].received
                stale = not received or now - received > STALE_AFTER_S
                text = fmt.age(now - received if received else None)
                label.set_text(('STALE · ' if stale else 'updated ') + text)
                label.classes(replace='text-xs ' + ('text-negative font-bold' if stale else 'opacity-70'))
            for name, card in cards.items():
                card.draw(shared_state.metrics_history[name])
            commission = system.engine.broker.commission
            rows = [position_row(reports.open_position(p, commission)) for p in system.engine.broker.positions.values()]
            if rows != positions.rows:  # assigning resends the table: only when something changed
                positions.rows = rows
            if bot.positions_version != seen_version[0]:
                seen_version[0] = bot.positions_version
                trades.rows = [trade_row(t, viewer.timezone) for t in system.store.trades(closed_only=True, limit=20)]
            if not is_live[0]:
                return
            _update_chart(system, chart, symbol_select.value, timeframe_select.value, regime_label)
            points = [p for p in system.store.equity_curve(limit=50) if p.time > equity_last[0]]
            if points:
                equity_last[0] = points[-1].time
                equity_plot.run_plot_method('extendTraces', {
                    'x': [[local_time(p.time, viewer.timezone) for p in points]],
                    'y': [[p.equity for p in points]]}, [0], 5000)

        refresh()
        ui.timer(1.0, refresh)
        await client.connected()
        if await viewer.learn_timezone():
            feed.timezone = viewer.timezone
            build_chart()
        is_live[0] = True


def _levels_key(system: System, symbol: str) -> tuple:
    p = system.engine.broker.positions.get(symbol)
    return (p.id, p.stop_loss, p.take_profit) if p else ()


def _update_chart(system: System, chart: dict, symbol: str, timeframe: str, regime_label: ui.label) -> None:
    """Append closed candles and redraw the forming one with small plot calls."""
    plot: PriceChart | None = chart.get('plot')
    if plot is None:
        return
    state = system.engine.state.get(symbol)
    regime = state.regime.regime.value if state and state.regime else 'unknown'
    regime_label.set_text(f'regime: {regime}')
    length = timeframe_seconds(timeframe)
    base = timeframe_seconds(system.settings.timeframe)
    data = reports.candles(system, symbol, timeframe, 10)
    last_closed_end = (data.candles[-1].time + length) if data.candles else 0
    latest_base = system.store.candles(symbol, system.settings.timeframe, 1)
    complete_until = latest_base[-1].time + base if latest_base else 0
    new = [(i, c) for i, c in enumerate(data.candles) if c.time > plot.last_time and c.time + length <= complete_until]
    if new:
        first = new[0][0]
        plot.append([c for _, c in new], {k: v[first:first + len(new)] for k, v in data.indicators.items()})
    forming = state.forming if state else None
    if length == base and forming is not None:
        plot.show_forming(CandleOut(time=forming.time, open=forming.open, high=forming.high, low=forming.low,
                                    close=forming.close, volume=0.0))
    elif data.candles and last_closed_end > complete_until:
        plot.show_forming(data.candles[-1])
    key = _levels_key(system, symbol)
    if key != chart.get('levels'):
        chart['levels'] = key
        position = system.engine.broker.positions.get(symbol)
        plot.show_levels(reports.open_position(position, system.engine.broker.commission) if position else None)


def _controls(system: System, who: Principal) -> None:
    bot = shared_state.bot
    if not who.can_control:
        with ui.row().classes('items-center gap-2'):
            ui.label().bind_text_from(bot, 'state', backward=lambda s: f'Bot {s}').classes('text-lg')
            ui.label('read-only view: controls need an operator login').classes('text-sm opacity-70') \
                .mark('read-only-note')
        return

    async def run(action: str) -> None:
        if (actor := acting_principal(system)) is None:
            return
        result = await system.controller.run(action, reason='dashboard', who=actor, origin=origin())
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
        ui.label().bind_text_from(bot, 'message').classes('text-negative text-sm').mark('bot-message')


async def _confirm_close(system: System, symbol: str | None) -> None:
    what = f'the {symbol} position' if symbol else 'all open positions'
    with ui.dialog() as dialog, ui.card():
        ui.label(f'Close {what} at market now?')
        with ui.row():
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button('Close', color='negative', on_click=lambda: dialog.submit(True)).mark('confirm-close')
    if not await dialog or (actor := acting_principal(system)) is None:
        return
    try:
        closed = system.controller.close_positions([symbol] if symbol else None, who=actor, origin=origin())
    except PermissionError as problem:
        ui.notify(str(problem), type='negative')
        return
    if closed:
        ui.notify(f'closed {len(closed)} position(s), PnL {sum(t.pnl for t in closed):+,.2f}', type='positive')
    else:
        ui.notify('no open position to close', type='warning')
