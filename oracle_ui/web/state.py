"""The shared state pages bind to, kept current by one bus subscriber (its only writer). Bindable dataclasses
push changes to the browser instead of being polled."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import field

from nicegui import binding

from ..events import Event, EventType, PriceUpdate, RegimeChanged, SystemMetrics, TickerUpdate
from ..i18n import SUPPORTED, using
from ..system import System
from ..views import time_base

METRICS = ('cpu_percent', 'memory_percent', 'process_rss_mb', 'open_connections', 'events_per_s')
METRIC_POINTS = 120
"""Samples kept per metric for sparklines (two minutes at the default 1 s interval)."""


def notes_in_every_language(system: System) -> dict[str, str]:
    """The time base's note in each shipped language."""
    notes = {}
    for code in SUPPORTED:
        with using(code):
            notes[code] = time_base(system).note
    return notes


@binding.bindable_dataclass
class Quote:
    """Latest market data of one symbol."""

    symbol: str = ''
    price: float = 0.0
    time: float = 0.0
    """Market time of the price (Unix seconds)."""
    received: float = 0.0
    """Wall time the price arrived (for staleness)."""
    change_pct: float = 0.0
    regime: str = 'unknown'


@binding.bindable_dataclass
class BotView:
    """Bot, feed and account figures shown on every page."""

    state: str = 'stopped'
    message: str = ''
    is_busy: bool = False
    feed_status: str = 'idle'
    feed_message: str = ''
    strategy: str = ''
    balance: float = 0.0
    equity: float = 0.0
    free: float = 0.0
    used: float = 0.0
    unrealized_pnl: float = 0.0
    realized_pnl: float = 0.0
    fees: float = 0.0
    open_positions: int = 0
    positions_version: int = 0
    """Bumped whenever positions or trades change, so tables know to refresh."""
    last_event_id: int = 0
    ws_clients: int = 0
    time_note: str = ''
    """Said on every page while market times are simulated or replayed (``views.time_base``); empty otherwise."""
    time_notes: dict[str, str] = field(default_factory=dict)
    """The same note in every shipped language (locale code -> note): each page shows its viewer's."""
    market_time: float = 0.0
    """The market's now (Unix seconds; 0 before the first price)."""
    cpu_percent: float = 0.0
    memory_percent: float = 0.0
    process_rss_mb: float = 0.0
    open_connections: int = 0
    events_per_s: float = 0.0
    event_loop_lag_ms: float = 0.0
    alerts_unread: int = 0
    """Triggered alerts nobody acknowledged yet (the header's bell)."""
    last_alert: str = ''
    """The newest ``alert_triggered`` event as JSON (every page toasts it when it changes)."""
    engine_link: bool = True
    """A web replica hears from the engine (``--role web``; always true in one process)."""


class SharedState:
    """One per app: what every tab and the native window show. Created by :func:`oracle_ui.web.build_app`."""

    def __init__(self, symbols: list[str]) -> None:
        self.bot = BotView()
        self.quotes: dict[str, Quote] = {s: Quote(symbol=s) for s in symbols}
        """Every traded symbol's quote card, from the start (pages may render before the feed is ready)."""
        self.metrics_history: dict[str, deque[float]] = {name: deque(maxlen=METRIC_POINTS) for name in METRICS}
        self._system: System | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def follow(self, system: System) -> None:
        """Fill from ``system`` now and follow its bus until :meth:`unfollow`."""
        self._system = system
        self.bot.strategy = system.strategy.name
        self.refresh()
        self._unsubscribe = system.bus.subscribe(self.apply, maxsize=5000)
        system.link_listeners.append(self._link)

    def _link(self, is_up: bool) -> None:
        self.bot.engine_link = is_up

    def unfollow(self) -> None:
        if self._system is not None and self._link in self._system.link_listeners:
            self._system.link_listeners.remove(self._link)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def refresh(self) -> None:
        """Copy account, bot and feed figures from the system (one writer: this object)."""
        system = self._system
        if system is None:
            return
        engine, b, bot = system.engine, system.engine.broker, self.bot
        bot.state = system.controller.state.value
        bot.is_busy = system.controller.is_busy
        bot.message = system.controller.error_message
        bot.feed_status = engine.feed.status.value
        bot.feed_message = engine.feed.status_message
        bot.balance, bot.equity, bot.used = b.balance, b.equity, b.locked_margin
        bot.free = b.balance - bot.used
        bot.unrealized_pnl, bot.realized_pnl, bot.fees = b.unrealized_pnl, engine.realized_pnl, engine.total_fees
        bot.open_positions = len(b.positions)
        bot.ws_clients = system.clients.count
        bot.engine_link = system.link_up
        bot.strategy = system.strategy.name
        clock = time_base(system)
        if clock.note != bot.time_note:  # a note that changes (the drift's) is translated again; others once
            bot.time_notes = notes_in_every_language(system) if clock.note else {}
        bot.time_note, bot.market_time = clock.note, clock.market_time or 0.0
        bot.alerts_unread = system.alerts.unread
        for symbol, state in engine.state.items():
            quote = self.quotes.get(symbol)
            if quote is not None and state.regime is not None:
                quote.regime = state.regime.regime.value

    def apply(self, event: Event) -> None:
        """Bus subscriber: fold one event into the state (test events with odd data carry no typed payload)."""
        self.bot.last_event_id = event.id
        payload = event.payload
        if isinstance(payload, PriceUpdate) and not event.test:
            quote = self.quotes.get(payload.symbol)
            if quote is not None:
                quote.price, quote.time, quote.received = payload.price, payload.timestamp, time.time()
        elif isinstance(payload, TickerUpdate):
            quote = self.quotes.get(payload.symbol)
            if quote is not None:
                quote.change_pct = payload.change_pct_24h
        elif isinstance(payload, RegimeChanged):
            quote = self.quotes.get(payload.symbol)
            if quote is not None:
                quote.regime = payload.regime
        elif isinstance(payload, SystemMetrics):
            for name in METRICS:
                value = getattr(payload, name)
                setattr(self.bot, name, value)
                self.metrics_history[name].append(float(value))
        if event.type in (EventType.POSITION_OPENED, EventType.POSITION_CLOSED):
            self.bot.positions_version += 1
        if event.type is EventType.ALERT_TRIGGERED and not event.test:
            self.bot.last_alert = event.json
        self.refresh()
