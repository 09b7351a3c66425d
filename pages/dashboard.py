"""``/``: the one screen people watch: bot control and the account first (on a phone too), then prices, chart,
open positions, equity, trades, live events and the machine's health."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

from nicegui import ui

from components.account_cards import HealthCards, account_cards
from components.alert_editor import price_alert_here
from components.bot_controls import bot_controls
from components.chart_marks import chart_time
from components.chart_panel import ChartPanel
from components.confirm import confirm
from components.equity_chart import EquityChart
from components.events_feed import EventsFeed
from components.frame import frame
from components.positions import OpenPositions
from components.quote_cards import QuoteCards
from components.tables import TradesTable
from components.viewer import Viewer
from oracle_ui import formatting, preferences, views
from oracle_ui.alerts.rules import AlertSpec, AlertUpdate, moved, price_alert_at
from oracle_ui.events import CandleClosed, Event, EventType
from oracle_ui.formatting import local_time
from oracle_ui.i18n import _, ngettext
from oracle_ui.notices import ToastPolicy
from oracle_ui.security.accounts import Principal
from oracle_ui.views.live_vs_backtest import backtest_markers
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.live import on_events
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

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
TOAST_POSITION: Final = 'bottom-right'
"""Where toasts cover nothing that matters: not the header (bot state, navigation) at any width."""


def register(context: AppContext) -> None:
    @guarded_page(context, '/')
    async def dashboard(symbol: str = '', timeframe: str = '') -> None:
        """``symbol`` and ``timeframe``: the chart's, kept in the URL (a reload, a language switch, keeps them)."""
        page = Dashboard(context, page_principal(context.system), Viewer(), (symbol, timeframe))
        with frame('Dashboard', page.who, context.state.bot):
            page.build()
        on_events(context, page.on_event, types=PAGE_TYPES)
        ui.timer(1.0, page.tick)
        await ui.context.client.connected()
        await page.go_live()


class Dashboard:
    """One tab's dashboard: its components, and what keeps them live (bus events, a 1 s tick)."""

    def __init__(self, context: AppContext, who: Principal, viewer: Viewer, chart: tuple[str, str]) -> None:
        self.context, self.system, self.who, self.viewer = context, context.system, who, viewer
        self.chart_shown = chart
        self.toasts = ToastPolicy()
        self.is_live = False
        """Plot calls made before plotly.js has loaded in the browser are dropped: start them once connected."""

    def build(self) -> None:
        context = self.context
        system, who, bot, timezone = self.system, self.who, context.state.bot, self.viewer.timezone
        self.metrics_history = context.state.metrics_history
        bot_controls(bot, self.run, can_control=who.can_control)
        self.clock = ui.label().classes('text-sm opacity-80').mark('market-clock')
        account_cards(bot)
        self.quotes = QuoteCards(context.state.quotes)
        self.chart = self._chart()
        # below the chart: positions come and go, and the chart must not jump while someone pans it
        self.positions = OpenPositions(bot, (lambda symbol: close(context, symbol)) if who.can_control else None)
        with ui.card().classes('w-full p-2'):
            ui.label(_('Equity')).classes('text-sm opacity-70')
            curve = system.store.equity_curve(limit=2000)
            times = [chart_time(p.time, timezone) for p in curve]  # data for plotly: Latin digits in any language
            self.equity = EquityChart(times, [p.equity for p in curve], 200).mark('equity-chart')
            self.equity_last = curve[-1].time if curve else 0.0
        ui.label(_('Recent trades')).classes('text-lg')
        self.trades = TradesTable().mark('trades-table')
        ui.label(_('Live events')).classes('text-lg')
        history = [e for e in system.bus.recent(limit=200) if e.type not in FEED_EXCLUDED][-50:]
        self.feed = EventsFeed(timezone, history, is_simulated=views.time_base(system).is_simulated)
        ui.label(_('Machine')).classes('text-lg')
        self.health = HealthCards(bot)
        self.show_account()
        self.tick()

    def _chart(self) -> ChartPanel:
        system, name, can_change = self.system, self.who.name, self.who.can_control
        return ChartPanel(
            system.engine.symbols,
            views.chart_timeframes(system),
            self.viewer.timezone,
            load=lambda symbol, tf, limit, before, chosen: views.candles(
                system, symbol, tf, limit, before=before, indicators=chosen
            ),
            position=lambda symbol: views.position_of(system, symbol),
            forming=lambda symbol, tf: views.forming_candle(system, symbol, tf),
            trades=lambda symbol, since: views.trade_markers(system, symbol, since),
            indicators=preferences.chart_indicators(system, name),
            default_indicators=views.strategy_indicators(system.strategy),
            on_indicators=lambda chosen: preferences.save_chart_indicators(system, name, chosen),
            may_read=lambda: acting_principal(self.context) is not None,
            alerts=system.alerts.price_lines,
            on_alert_at=(lambda symbol, price: _alert_at(self.context, symbol, price)) if can_change else None,
            on_alert_moved=(lambda alert_id, level: _alert_moved(self.context, alert_id, level))
            if can_change
            else None,
            backtest=lambda symbol, start, end: backtest_markers(system, symbol, start, end),
            shown=self.chart_shown,
            on_pick=lambda symbol, timeframe: ui.navigate.history.replace(
                '/?' + urlencode({'symbol': symbol, 'timeframe': timeframe})
            ),
        )

    async def run(self, action: str) -> None:
        """Start, stop or restart the bot for the logged-in operator."""
        if (actor := acting_principal(self.context)) is None:
            return
        result = await attempt(
            lambda: self.system.commands.control(action, who=actor, origin=origin(), reason='dashboard')
        )
        if result is not None:  # the controller's fixed messages are in the catalog; a feed's own reason is not
            message = _(result.message)
            ui.notify(message, type='positive' if result.success else 'negative', position=TOAST_POSITION)

    def show_account(self) -> None:
        self.positions.show(views.open_positions(self.system))
        self.trades.show(views.recent_trades(self.system), self.viewer.timezone)

    def on_event(self, event: Event) -> None:
        if event.type in (EventType.PNL_UPDATE, EventType.POSITION_OPENED, EventType.POSITION_CLOSED):
            self.show_account()
        if self.is_live and (candle := event.payload_as(CandleClosed)) is not None:
            self.chart.on_candle(candle.symbol, candle.timeframe)
        if self.is_live and event.type in (EventType.POSITION_OPENED, EventType.POSITION_CLOSED):
            self.chart.on_trade(event.data['symbol'])
        if self.is_live and _changes_alerts(event):
            self.chart.show_alerts()
        if event.type in FEED_EXCLUDED:
            return
        self.feed.add(event)
        if (toast := self.toasts.toast(event)) is not None:  # one per group, with a count, not a pile
            ui.notify(toast.message, type=toast.level, position=TOAST_POSITION, group=toast.group)

    def tick(self) -> None:
        self.quotes.refresh_ages()
        self.health.draw(self.metrics_history)
        clock = views.time_base(self.system)
        if clock.is_simulated and clock.market_time:
            moment = local_time(clock.market_time, self.viewer.timezone)
            self.clock.set_text(_('market time {time} (simulated)').format(time=moment))
        if not self.is_live:
            return
        self.chart.draw_if_waiting()
        self.chart.show_forming()
        self.chart.show_regime(views.regime_of(self.system, self.chart.symbol.value))
        points = [p for p in self.system.store.equity_curve(limit=50) if p.time > self.equity_last]
        if points:
            self.equity_last = points[-1].time
            x = [[chart_time(p.time, self.viewer.timezone) for p in points]]
            self.equity.run_plot_method('extendTraces', {'x': x, 'y': [[p.equity for p in points]]}, [0], 5000)

    async def go_live(self) -> None:
        """Once the browser is connected: its timezone, then live plot updates."""
        if await self.viewer.learn_timezone():
            self.feed.timezone = self.chart.timezone = self.viewer.timezone
            self.chart.rebuild()
            self.show_account()
        self.is_live = True


async def close(context: AppContext, symbol: str | None) -> None:
    """Close ``symbol``'s position (None: all) at market, after asking."""
    question = (
        _('Close the {symbol} position at market now?').format(symbol=symbol)
        if symbol
        else _('Close all open positions at market now?')
    )
    if not await confirm(question, action=_('Close'), mark='confirm-close'):
        return
    if (actor := acting_principal(context)) is None:
        return
    closed = await attempt(
        lambda: context.system.commands.close_positions([symbol] if symbol else None, who=actor, origin=origin())
    )
    if closed:
        pnl = formatting.signed_money(sum(t.pnl for t in closed))
        done = ngettext('closed {count} position, PnL {pnl}', 'closed {count} positions, PnL {pnl}', len(closed))
        ui.notify(done.format(count=len(closed), pnl=pnl), type='positive', position=TOAST_POSITION)
    elif closed is not None:
        ui.notify(_('no open position to close'), type='warning', position=TOAST_POSITION)


def _changes_alerts(event: Event) -> bool:
    """An alert fired, or one was created, changed or removed: its line may look different."""
    if event.type is EventType.ALERT_TRIGGERED:
        return True
    return event.type is EventType.USER_ACTION and event.data.get('action', '').endswith('_alert')


async def _alert_at(context: AppContext, symbol: str, price: float) -> None:
    """A right-click on the chart at ``price``: an alert when the price crosses that level, either way."""
    level = formatting.round_price(price)
    name = await price_alert_here(symbol, formatting.price(level))
    if name is None or (actor := acting_principal(context)) is None:
        return
    system = context.system
    rule = price_alert_at(symbol, level)
    spec = AlertSpec(name=name, rule=rule, severity='warning', cooldown_s=300)
    made = await attempt(lambda: system.alert_commands.create(spec, who=actor, origin=origin()))
    if made is not None:
        set_at = _('alert "{name}" set: crossing {level}')
        ui.notify(set_at.format(name=made.name, level=formatting.price(level)), type='positive')


async def _alert_moved(context: AppContext, alert_id: int, level: float) -> None:
    """An alert's line dropped at ``level``."""
    if (actor := acting_principal(context)) is None:
        return
    system = context.system
    rule = system.alerts.price_rule(alert_id)
    if rule is None:
        return
    level = formatting.round_price(level)
    change = AlertUpdate(rule=moved(rule, level))
    made = await attempt(lambda: system.alert_commands.update(alert_id, change, who=actor, origin=origin()))
    if made is not None:
        moved_to = _('alert "{name}" moved to {level}')
        ui.notify(moved_to.format(name=made.name, level=formatting.price(level)), type='info')
