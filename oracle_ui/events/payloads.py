"""The typed payload of every event type (the original dashboard's fields plus ours)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


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
    time: float | None = None
    """Market time (Unix seconds) of the candle close that changed it (None in events stored before 0.3)."""


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
    time: float | None = None
    """Market time (Unix seconds) of the candle close it was made on (None in events stored before 0.3)."""


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
    time: float | None = None
    """Market time (Unix seconds) the order was placed, rejected or cancelled (None in events stored before 0.3)."""


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
    time: float | None = None
    """Market time (Unix seconds) of the fill that changed the balance (None in events stored before 0.3)."""


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
    time: float | None = None
    """Market time (Unix seconds) of the price the figures are marked at (None in events stored before 0.3)."""


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
    time: float | None = None
    """Market time (Unix seconds) at which the limit was hit (None in events stored before 0.3)."""


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
    disk_percent: float = 0.0
    """Use of the disk holding the data directory."""


class ClientInfo(Payload):
    client_id: str
    client_type: str
    endpoint: str
    reason: str = ''


class ClientsChanged(Payload):
    """WebSocket clients now, and how many came and went since the previous summary (at most one a second)."""

    connected: int
    by_endpoint: dict[str, int]
    joined: int
    left: int


class UserAction(Payload):
    """Audit: who did what, from where, and how it ended."""

    actor: str
    action: str
    origin: str
    result: str
    details: dict[str, Any] = {}


class RawPayload(Payload):
    """The data of a test event that does not fit its type's model, or of a stored event written by an older
    version: carried as given, never read by typed consumers."""


class ChannelResult(Payload):
    """How one channel fared with one alert: ``pending`` (being sent), ``sent``, ``failed`` (after its retries),
    ``held`` (quiet hours or the channel's rate limit: it follows in a digest) or ``dropped``."""

    channel: str
    status: str
    attempts: int = 0
    error: str = ''
    time: float | None = None
    """When the result became final (Unix seconds)."""


class AlertTriggered(Payload):
    """An alert rule fired: which rule, what it saw, the message (English), each channel's result so far, and what
    the message is written from, so that a page writes it in its viewer's language."""

    alert_id: int
    name: str
    kind: str
    severity: str
    owner: str
    message: str
    value: float | str | None
    """What triggered it: a price, an indicator value, a PnL, a feed's age in seconds, an event's summary."""
    symbol: str | None = None
    channels: list[ChannelResult] = []
    rule: dict[str, Any] | None = None
    """The rule's condition as it fired (``kind`` and its parameters, as ``GET alerts`` shows it; None in events
    of older versions)."""
    detail: dict[str, Any] = {}
    """What the message names besides ``value``: ``against`` (the other operand's value), ``price`` (the price
    now, of a move), ``event_type``, ``event_id`` and ``event_data`` (the event that fired it), ``summary`` (a
    scheduled summary's figures), ``position_id``."""


class AlertDelivered(Payload):
    """The final result of sending one triggered alert (``trigger_id``: its ``alert_triggered`` event) to one
    channel; a digest of held alerts reports once per alert it carried."""

    trigger_id: int
    alert_id: int
    name: str
    result: ChannelResult
