"""Event types, their topics and typed payloads; the envelope every consumer sees.

The envelope keeps the original dashboard's fields ``type, data, timestamp, source, client_id`` and adds
``id`` (monotonic, survives restarts) and ``topic``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Topic(StrEnum):
    TRADING = 'trading'
    MARKET_DATA = 'market_data'
    BOT_STATUS = 'bot_status'
    SYSTEM = 'system'
    NOTIFICATIONS = 'notifications'
    ANALYSIS = 'analysis'
    PORTFOLIO = 'portfolio'
    AUDIT = 'audit'


class EventType(StrEnum):
    # trading
    TRADE_EXECUTED = 'trade_executed'
    ORDER_PLACED = 'order_placed'
    ORDER_FILLED = 'order_filled'
    ORDER_CANCELLED = 'order_cancelled'
    POSITION_OPENED = 'position_opened'
    POSITION_CLOSED = 'position_closed'
    STOP_LOSS_HIT = 'stop_loss_hit'
    TAKE_PROFIT_HIT = 'take_profit_hit'
    ORDER_REJECTED = 'order_rejected'
    POSITION_LIQUIDATED = 'position_liquidated'
    # market data
    PRICE_UPDATE = 'price_update'
    MARKET_DATA = 'market_data'
    TICKER_UPDATE = 'ticker_update'
    ORDERBOOK_UPDATE = 'orderbook_update'
    CANDLE_CLOSED = 'candle_closed'
    REGIME_CHANGED = 'regime_changed'
    # bot status
    BOT_STARTED = 'bot_started'
    BOT_STOPPED = 'bot_stopped'
    BOT_ERROR = 'bot_error'
    BOT_STATUS_UPDATE = 'bot_status_update'
    BOT_RESTARTED = 'bot_restarted'
    # system
    SYSTEM_ALERT = 'system_alert'
    HEALTH_UPDATE = 'health_update'
    SYSTEM_METRICS = 'system_metrics'
    CLIENT_CONNECTED = 'client_connected'
    CLIENT_DISCONNECTED = 'client_disconnected'
    # notifications
    NOTIFICATION = 'notification'
    RISK_LIMIT_HIT = 'risk_limit_hit'
    # analysis
    SIGNAL_GENERATED = 'signal_generated'
    STRATEGY_UPDATE = 'strategy_update'
    ANALYSIS_COMPLETE = 'analysis_complete'
    # portfolio
    PORTFOLIO_UPDATE = 'portfolio_update'
    BALANCE_UPDATE = 'balance_update'
    PNL_UPDATE = 'pnl_update'
    # audit
    USER_ACTION = 'user_action'
    SETTINGS_CHANGED = 'settings_changed'


_T, _M, _B, _S, _N, _A, _P = (Topic.TRADING, Topic.MARKET_DATA, Topic.BOT_STATUS, Topic.SYSTEM,
                              Topic.NOTIFICATIONS, Topic.ANALYSIS, Topic.PORTFOLIO)
TOPIC_OF: dict[EventType, Topic] = {
    **dict.fromkeys([EventType.TRADE_EXECUTED, EventType.ORDER_PLACED, EventType.ORDER_FILLED,
                     EventType.ORDER_CANCELLED, EventType.POSITION_OPENED, EventType.POSITION_CLOSED,
                     EventType.STOP_LOSS_HIT, EventType.TAKE_PROFIT_HIT, EventType.ORDER_REJECTED,
                     EventType.POSITION_LIQUIDATED], _T),
    **dict.fromkeys([EventType.PRICE_UPDATE, EventType.MARKET_DATA, EventType.TICKER_UPDATE,
                     EventType.ORDERBOOK_UPDATE, EventType.CANDLE_CLOSED, EventType.REGIME_CHANGED], _M),
    **dict.fromkeys([EventType.BOT_STARTED, EventType.BOT_STOPPED, EventType.BOT_ERROR,
                     EventType.BOT_STATUS_UPDATE, EventType.BOT_RESTARTED], _B),
    **dict.fromkeys([EventType.SYSTEM_ALERT, EventType.HEALTH_UPDATE, EventType.SYSTEM_METRICS,
                     EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED], _S),
    **dict.fromkeys([EventType.NOTIFICATION, EventType.RISK_LIMIT_HIT], _N),
    **dict.fromkeys([EventType.SIGNAL_GENERATED, EventType.STRATEGY_UPDATE, EventType.ANALYSIS_COMPLETE], _A),
    **dict.fromkeys([EventType.PORTFOLIO_UPDATE, EventType.BALANCE_UPDATE, EventType.PNL_UPDATE], _P),
    **dict.fromkeys([EventType.USER_ACTION, EventType.SETTINGS_CHANGED], Topic.AUDIT),
}

SAMPLED_TYPES: frozenset[EventType] = frozenset({
    EventType.PRICE_UPDATE, EventType.TICKER_UPDATE, EventType.ORDERBOOK_UPDATE, EventType.MARKET_DATA,
    EventType.SYSTEM_METRICS, EventType.ANALYSIS_COMPLETE, EventType.HEALTH_UPDATE,
    EventType.CANDLE_CLOSED, EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED,
})
"""High-rate types kept in memory only (not persisted): ticks, books, metrics, per-candle analysis, WebSocket
client comings and goings (a thousand clients reconnecting must not mean a thousand commits), and candle closes
(the candles themselves are stored in their own table). Every trading, portfolio (``pnl_update`` is published at
most once a second), bot_status and audit event is stored."""


class Payload(BaseModel):
    """Base of typed event payloads; extra fields are kept so payloads can grow."""

    model_config = ConfigDict(extra='allow', frozen=True)


class PriceUpdate(Payload):
    symbol: str
    price: float
    timestamp: float


class CandleClosed(Payload):
    symbol: str
    timeframe: str
    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float


class TickerUpdate(Payload):
    symbol: str
    last: float
    open_24h: float
    high_24h: float
    low_24h: float
    volume_24h: float
    change_pct_24h: float


class OrderbookUpdate(Payload):
    symbol: str
    bids: list[tuple[float, float]]
    asks: list[tuple[float, float]]
    timestamp: float


class MarketData(Payload):
    """Snapshot of every symbol: price and change since the previous snapshot's 24 h window."""

    symbols: dict[str, dict[str, float]]
    feed: str
    timeframe: str


class RegimeChanged(Payload):
    symbol: str
    regime: str
    previous: str
    adx: float
    plus_di: float
    minus_di: float
    bb_width: float
    volatility: str
    is_strong: bool


class SignalGenerated(Payload):
    symbol: str
    kind: str
    strength: float
    stop_loss: float | None
    take_profit: float | None
    leverage: float
    reason: str
    regime: str | None
    strategy: str


class AnalysisComplete(Payload):
    symbol: str
    time: int
    regime: str | None
    indicators: dict[str, float | None]


class StrategyUpdate(Payload):
    strategy: str
    params: dict[str, Any]
    symbols: list[str]
    timeframe: str


class OrderInfo(Payload):
    order_id: int
    symbol: str
    side: str
    leverage: float
    quantity: float | None
    margin: float | None
    stop_loss: float | None
    take_profit: float | None
    strategy: str
    reason: str = ''


class FillInfo(Payload):
    order_id: int
    position_id: int
    symbol: str
    side: str
    is_entry: bool
    quantity: float
    price: float
    fee: float
    time: float


class PositionInfo(Payload):
    id: int
    symbol: str
    side: str
    quantity: float
    entry_price: float
    entry_time: float
    leverage: float
    margin: float
    entry_fee: float
    liquidation_price: float
    stop_loss: float | None
    take_profit: float | None
    mark_price: float
    unrealized_pnl: float
    """Gross, at the mark price."""
    strategy: str
    regime: str


class TradeInfo(Payload):
    """A closed (or, for ``trade_executed`` on entry, just opened) trade; ``pnl`` is fee-inclusive."""

    id: int
    symbol: str
    side: str
    quantity: float
    price: float
    """The original's field: the fill price of this execution."""
    leverage: float
    margin: float
    entry_price: float
    exit_price: float | None
    entry_time: float
    exit_time: float | None
    entry_fee: float
    exit_fee: float
    fees: float
    pnl: float
    pnl_pct: float
    status: str
    exit_reason: str
    strategy: str
    regime: str
    timestamp: float


class BalanceUpdate(Payload):
    balance: float
    free: float
    used: float
    equity: float
    currency: str = 'USDT'


class PortfolioUpdate(Payload):
    balance: float
    equity: float
    free: float
    used: float
    unrealized_pnl: float
    realized_pnl: float
    fees: float
    open_positions: int
    time: float


class PnlUpdate(Payload):
    unrealized_pnl: float
    realized_pnl: float
    equity: float
    daily_pnl: float


class BotStatusUpdate(Payload):
    """The original's ``{status, details}``."""

    status: str
    details: dict[str, Any] = {}


class BotLifecycle(Payload):
    status: str
    reason: str
    strategy: str
    symbols: list[str]


class BotError(Payload):
    message: str
    component: str
    recoverable: bool = True


class RiskLimitHit(Payload):
    limit: str
    message: str
    value: float
    threshold: float


class Notification(Payload):
    """The original's ``{message, level, category}``."""

    message: str
    level: str = 'info'
    category: str = 'general'


class SystemAlert(Payload):
    message: str
    level: str
    metric: str
    value: float
    threshold: float


class HealthUpdate(Payload):
    feed: str
    feed_message: str
    database: str
    bot: str


class SystemMetrics(Payload):
    cpu_percent: float
    memory_percent: float
    process_rss_mb: float
    open_connections: int
    event_loop_lag_ms: float
    events_per_s: float
    threads: int
    open_files: int = 0
    """File descriptors of the process (sockets included)."""
    asyncio_tasks: int = 0
    uptime_s: float


class ClientInfo(Payload):
    client_id: str
    client_type: str
    endpoint: str
    reason: str = ''


class UserAction(Payload):
    """Audit: who did what, from where, and how it ended."""

    actor: str
    action: str
    origin: str
    result: str
    details: dict[str, Any] = {}


class Event(BaseModel):
    """The envelope sent to every consumer."""

    model_config = ConfigDict(frozen=True)

    id: int
    type: EventType
    topic: Topic
    data: dict[str, Any]
    timestamp: float
    source: str
    client_id: str | None = None
    test: bool = False
