"""``/``: the one screen people watch: bot control, health, prices, chart, account, positions, trades, events."""

from __future__ import annotations

from nicegui import ui

from components.account_cards import HealthCards, account_cards
from components.alert_editor import price_alert_here
from components.bot_controls import bot_controls
from components.chart_panel import ChartPanel
from components.confirm import confirm
from components.equity_chart import EquityChart
from components.events_feed import EventsFeed
from components.frame import frame
from components.quote_cards import QuoteCards
from components.tables import PositionsTable, TradesTable, local_time
from components.viewer import Viewer
from oracle_ui import formatting, preferences, views
from oracle_ui.alerts.rules import AlertSpec, AlertUpdate, moved, price_alert_at
from oracle_ui.events import CandleClosed, Event, EventType
from oracle_ui.summaries import summarize
from oracle_ui.system import System
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.live import on_events
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

TOASTS = {
    EventType.POSITION_OPENED: 'info',
    EventType.STOP_LOSS_HIT: 'warning',
    EventType.TAKE_PROFIT_HIT: 'positive',
    EventType.POSITION_LIQUIDATED: 'negative',
    EventType.BOT_STARTED: 'positive',
    EventType.BOT_STOPPED: 'info',
    EventType.BOT_RESTARTED: 'positive',
    EventType.BOT_ERROR: 'negative',
    EventType.RISK_LIMIT_HIT: 'warning',
    EventType.ORDER_REJECTED: 'warning',
    EventType.NOTIFICATION: 'info',
    EventType.SYSTEM_ALERT: 'warning',
    EventType.POSITION_CLOSED: 'info',
}
LEVELS = {'error': 'negative', 'warning': 'warning', 'success': 'positive', 'info': 'info'}
FEED_EXCLUDED = frozenset(
    {
        EventType.PRICE_UPDATE,
        EventType.ANALYSIS_COMPLETE,
        EventType.CANDLE_CLOSED,
        EventType.TICKER_UPDATE,
        EventType.PNL_UPDATE,
        EventType.MARKET_DATA,
        EventType.ORDERBOOK_UPDATE,
        EventType.SYSTEM_METRICS,
    }
)
"""Several per second and shown elsewhere (prices, chart, metric cards): not feed rows or toasts."""
PAGE_TYPES = frozenset(EventType) - FEED_EXCLUDED | {EventType.PNL_UPDATE, EventType.CANDLE_CLOSED}
"""What a dashboard tab subscribes to: feed rows, toasts, the account's changes (``pnl_update``, 1/s) and closed
candles (each timeframe's, for the chart)."""


def toast(event: Event) -> tuple[str, str] | None:
    """The notification an event deserves, as (message, type), or None."""
    kind = TOASTS.get(event.type)
    if kind is None:
        return None
    data = event.data
    if event.type is EventType.POSITION_CLOSED and data.get('status') in (
        'CLOSED_SL',
        'CLOSED_TP',
        'CLOSED_LIQUIDATION',
    ):
        return None  # announced by stop_loss_hit / take_profit_hit / position_liquidated
    if event.type is EventType.POSITION_CLOSED:
        kind = 'positive' if data.get('pnl', 0) >= 0 else 'negative'
    if event.type in (EventType.NOTIFICATION, EventType.SYSTEM_ALERT):
        kind = LEVELS.get(data.get('level', 'info'), 'info')
    title = event.type.value.replace('_', ' ')
    return f'{title}: {summarize(event)}' + (' [test]' if event.test else ''), kind


def register(context: AppContext) -> None:
    system, state = context.system, context.state

    @guarded_page(system, '/')
    async def dashboard() -> None:
        who = page_principal(system)
        client = ui.context.client
        viewer = Viewer()
        bot = state.bot

        async def run(action: str) -> None:
            if (actor := acting_principal(system)) is None:
                return
            result = await attempt(
                lambda: system.commands.control(action, who=actor, origin=origin(), reason='dashboard')
            )
            if result is not None:
                ui.notify(result.message, type='positive' if result.success else 'negative')

        with frame('Dashboard', who, bot):
            bot_controls(bot, run, can_control=who.can_control)
            health = HealthCards(bot)
            account_cards(bot)
            quotes = QuoteCards(state.quotes)
            chart = ChartPanel(
                system.engine.symbols,
                views.chart_timeframes(system),
                viewer.timezone,
                load=lambda symbol, tf, limit, before, chosen: views.candles(
                    system, symbol, tf, limit, before=before, indicators=chosen
                ),
                position=lambda symbol: views.position_of(system, symbol),
                forming=lambda symbol, tf: views.forming_candle(system, symbol, tf),
                trades=lambda symbol, since: views.trade_markers(system, symbol, since),
                indicators=preferences.chart_indicators(system, who.name),
                default_indicators=views.strategy_indicators(system.strategy),
                on_indicators=lambda chosen: preferences.save_chart_indicators(system, who.name, chosen),
                alerts=system.alerts.price_lines,
                on_alert_at=(lambda symbol, price: _alert_at(system, symbol, price)) if who.can_control else None,
                on_alert_moved=(lambda alert_id, level: _alert_moved(system, alert_id, level))
                if who.can_control
                else None,
            )
            with ui.card().classes('w-full p-2'):
                ui.label('Equity').classes('text-sm opacity-70')
                curve = system.store.equity_curve(limit=2000)
                equity_plot = EquityChart(
                    [local_time(p.time, viewer.timezone) for p in curve], [p.equity for p in curve], 200
                ).mark('equity-chart')
                equity_last = [curve[-1].time if curve else 0.0]
            ui.label('Open positions').classes('text-lg')
            positions = PositionsTable(
                on_close=(lambda symbol: _close(system, symbol)) if who.can_control else None
            ).mark('positions-table')
            if who.can_control:  # hidden from viewers; the server refuses them anyway
                ui.button('Close all', color='negative', on_click=lambda: _close(system, None)).mark(
                    'close-all'
                ).bind_enabled_from(bot, 'open_positions', backward=bool)
            ui.label('Recent trades').classes('text-lg')
            trades = TradesTable().mark('trades-table')
            ui.label('Live events').classes('text-lg')
            history = [e for e in system.bus.recent(limit=200) if e.type not in FEED_EXCLUDED][-50:]
            feed = EventsFeed(viewer.timezone, history)

        def show_account() -> None:
            positions.show(views.open_positions(system))
            trades.show(views.recent_trades(system), viewer.timezone)

        def on_event(event: Event) -> None:
            if event.type in (EventType.PNL_UPDATE, EventType.POSITION_OPENED, EventType.POSITION_CLOSED):
                show_account()
            if is_live[0] and (candle := event.payload_as(CandleClosed)) is not None:
                chart.on_candle(candle.symbol, candle.timeframe)
            if is_live[0] and event.type in (EventType.POSITION_OPENED, EventType.POSITION_CLOSED):
                chart.on_trade(event.data['symbol'])
            if is_live[0] and _changes_alerts(event):
                chart.show_alerts()
            if event.type in FEED_EXCLUDED:
                return
            feed.add(event)
            note = toast(event)
            if note:  # one toast per event type that updates (with a count) instead of a pile of them
                ui.notify(note[0], type=note[1], position='top-right', group=event.type.value)

        is_live = [False]
        """Plot calls made before plotly.js has loaded in the browser are dropped: start them once connected."""

        def tick() -> None:
            quotes.refresh_ages()
            health.draw(state.metrics_history)
            if not is_live[0]:
                return
            chart.show_forming()
            chart.show_regime(views.regime_of(system, chart.symbol.value))
            points = [p for p in system.store.equity_curve(limit=50) if p.time > equity_last[0]]
            if points:
                equity_last[0] = points[-1].time
                equity_plot.run_plot_method(
                    'extendTraces',
                    {'x': [[local_time(p.time, viewer.timezone) for p in points]], 'y': [[p.equity for p in points]]},
                    [0],
                    5000,
                )

        show_account()
        tick()
        on_events(system.bus, on_event, types=PAGE_TYPES)
        ui.timer(1.0, tick)
        await client.connected()
        if await viewer.learn_timezone():
            feed.timezone = chart.timezone = viewer.timezone
            chart.rebuild()
            show_account()
        is_live[0] = True


async def _close(system: System, symbol: str | None) -> None:
    what = f'the {symbol} position' if symbol else 'all open positions'
    if not await confirm(f'Close {what} at market now?', action='Close', mark='confirm-close'):
        return
    if (actor := acting_principal(system)) is None:
        return
    closed = await attempt(
        lambda: system.commands.close_positions([symbol] if symbol else None, who=actor, origin=origin())
    )
    if closed:
        ui.notify(f'closed {len(closed)} position(s), PnL {sum(t.pnl for t in closed):+,.2f}', type='positive')
    elif closed is not None:
        ui.notify('no open position to close', type='warning')


def _changes_alerts(event: Event) -> bool:
    """An alert fired, or one was created, changed or removed: its line may look different."""
    if event.type is EventType.ALERT_TRIGGERED:
        return True
    return event.type is EventType.USER_ACTION and event.data.get('action', '').endswith('_alert')


async def _alert_at(system: System, symbol: str, price: float) -> None:
    """A right-click on the chart at ``price``: an alert when the price crosses that level, either way."""
    level = float(formatting.price(price).replace(',', ''))
    name = await price_alert_here(symbol, formatting.price(level))
    if name is None or (actor := acting_principal(system)) is None:
        return
    rule = price_alert_at(symbol, level)
    spec = AlertSpec(name=name, rule=rule, severity='warning', cooldown_s=300)
    made = await attempt(lambda: system.alert_commands.create(spec, who=actor, origin=origin()))
    if made is not None:
        ui.notify(f'alert "{made.name}" set: crossing {formatting.price(level)}', type='positive')


async def _alert_moved(system: System, alert_id: int, level: float) -> None:
    """An alert's line dropped at ``level``."""
    rule = system.alerts.price_rule(alert_id)
    if rule is None or (actor := acting_principal(system)) is None:
        return
    level = float(formatting.price(level).replace(',', ''))
    change = AlertUpdate(rule=moved(rule, level))
    made = await attempt(lambda: system.alert_commands.update(alert_id, change, who=actor, origin=origin()))
    if made is not None:
        ui.notify(f'alert "{made.name}" moved to {formatting.price(level)}', type='info')
