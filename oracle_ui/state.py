"""The shared state pages bind to, kept current by a bus subscriber (the only core module using NiceGUI,
and only ``nicegui.binding``: bindable dataclasses push changes instead of being polled)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from nicegui import binding

from .events import Event, EventType
from .system import System

FEED_EXCLUDED = frozenset({EventType.PRICE_UPDATE, EventType.ANALYSIS_COMPLETE, EventType.CANDLE_CLOSED,
                           EventType.TICKER_UPDATE, EventType.PNL_UPDATE, EventType.MARKET_DATA,
                           EventType.ORDERBOOK_UPDATE, EventType.SYSTEM_METRICS})
"""Several per second and shown elsewhere (prices, chart, metric cards): not feed rows or toasts."""
METRICS = ('cpu_percent', 'memory_percent', 'process_rss_mb', 'open_connections', 'events_per_s')
METRIC_POINTS = 120
"""Samples kept per metric for sparklines (two minutes at the default 1 s interval)."""


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
    cpu_percent: float = 0.0
    memory_percent: float = 0.0
    process_rss_mb: float = 0.0
    open_connections: int = 0
    events_per_s: float = 0.0
    event_loop_lag_ms: float = 0.0


class SharedState:
    """One per process: what every tab and the native window show."""

    def __init__(self) -> None:
        self.bot = BotView()
        self.quotes: dict[str, Quote] = {}
        self.events: deque[Event] = deque(maxlen=200)
        self.metrics_history: dict[str, deque[float]] = {name: deque(maxlen=METRIC_POINTS) for name in METRICS}
        self.listeners: list[Callable[[Event], Any]] = []
        self._system: System | None = None

    def attach(self, system: System) -> Callable[[], None]:
        """Fill from ``system`` now and follow its bus; returns the function that stops following."""
        self._system = system
        self.quotes = {s: Quote(symbol=s) for s in system.engine.symbols}
        self.bot.strategy = system.strategy.name
        self.refresh()
        return system.bus.subscribe(self.apply, maxsize=5000)

    def refresh(self) -> None:
        """Copy account, bot and feed figures from the engine (one writer: this object)."""
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
        bot.ws_clients = len(system.connections.connections)
        for symbol, state in engine.state.items():
            quote = self.quotes.get(symbol)
            if quote is not None and state.regime is not None:
                quote.regime = state.regime.regime.value

    def apply(self, event: Event) -> None:
        """Bus subscriber: fold one event into the state."""
        data = event.data
        self.bot.last_event_id = event.id
        if event.type is EventType.PRICE_UPDATE and not event.test:
            quote = self.quotes.get(data['symbol'])
            if quote is not None:
                quote.price, quote.time, quote.received = data['price'], data['timestamp'], time.time()
        elif event.type is EventType.TICKER_UPDATE:
            quote = self.quotes.get(data['symbol'])
            if quote is not None:
                quote.change_pct = data['change_pct_24h']
        elif event.type is EventType.REGIME_CHANGED:
            quote = self.quotes.get(data['symbol'])
            if quote is not None:
                quote.regime = data['regime']
        elif event.type is EventType.SYSTEM_METRICS:
            for name in METRICS:
                setattr(self.bot, name, data[name])
                self.metrics_history[name].append(float(data[name]))
        if event.type in (EventType.POSITION_OPENED, EventType.POSITION_CLOSED):
            self.bot.positions_version += 1
        if event.type not in FEED_EXCLUDED:
            self.events.append(event)
            for listener in list(self.listeners):
                listener(event)
        self.refresh()


shared_state = SharedState()
"""The process-wide state that pages bind to."""
