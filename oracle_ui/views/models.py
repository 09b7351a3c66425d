"""The data pages and the API both show (positions, account, prices, candles, status), as pydantic models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ..events import PositionInfo


class MarketQuote(BaseModel):
    price: float
    change: float
    """% change over the last 24 h of candles."""
    time: float | None = None
    regime: str | None = None


class RecentTrade(BaseModel):
    id: int
    symbol: str
    side: str
    quantity: float
    price: float
    """Exit price of the closed trade."""
    pnl: float
    """Fee-inclusive."""
    timestamp: float
    entry_price: float
    exit_price: float | None
    fees: float
    status: str
    exit_reason: str


class SystemHealth(BaseModel):
    cpu_usage: float
    memory_usage: float
    disk_usage: float
    websocket_connections: int


class AccountBalance(BaseModel):
    currency: str
    total: float
    free: float
    used: float


class OpenPosition(PositionInfo):
    """An open position as the API and dashboard show it: the ``position_opened`` payload, marked now."""

    net_pnl: float
    """If closed now: gross minus the entry fee and the exit fee it would cost."""


class BotInfo(BaseModel):
    state: str
    message: str
    strategy: str
    symbols: list[str]
    timeframe: str
    feed: str
    feed_status: str
    feed_message: str
    is_busy: bool


class SystemMetricsOut(BaseModel):
    cpu_percent: float
    memory_percent: float
    disk_percent: float
    process_rss_mb: float
    open_connections: int
    event_loop_lag_ms: float
    events_per_s: float
    threads: int
    open_files: int
    asyncio_tasks: int
    uptime_s: float


class WebSocketStats(BaseModel):
    total_connections: int
    connections_by_type: dict[str, int]
    topics: list[str]
    total_subscriptions: int
    recent_events_count: int
    last_event_time: float | None
    connections_by_endpoint: dict[str, int]
    subscribers_by_topic: dict[str, int]
    messages_sent: int
    messages_dropped: int
    direct_connections: int
    """Connections whose frames are written straight to their socket (the fast path; the rest use ASGI sends)."""
    disconnects_by_reason: dict[str, int]
    uptime_s: float
    last_event_id: int


class DashboardData(BaseModel):
    timestamp: float
    bot_status: str
    active_positions: int
    total_trades: int
    daily_pnl: float
    total_balance: float
    market_data: dict[str, MarketQuote]
    recent_trades: list[RecentTrade]
    system_health: SystemHealth
    account_overview: list[AccountBalance]
    bot: BotInfo
    equity: float
    unrealized_pnl: float
    realized_pnl: float
    fees: float
    positions: list[OpenPosition]
    regimes: dict[str, str]
    system_metrics: SystemMetricsOut
    websocket_stats: WebSocketStats
    last_event_id: int


class EquitySummary(BaseModel):
    start: float
    end: float
    peak: float
    trough: float
    points: int
    recent: list[tuple[float, float]]
    """The last points as (time, equity)."""


class TradingMetrics(BaseModel):
    total_trades: int
    profitable_trades: int
    losing_trades: int
    win_rate: float
    """Percent of closed trades with positive fee-inclusive PnL."""
    total_pnl: float
    average_pnl_per_trade: float
    max_profit: float
    max_loss: float
    max_drawdown: float
    """Largest peak-to-trough fall of the equity curve, in USDT (positive)."""
    max_drawdown_pct: float
    """The same as a percentage of the peak (negative or 0)."""
    realized_pnl: float
    unrealized_pnl: float
    fees: float
    profit_factor: float | None
    """Gross profit / gross loss of closed trades; null without a losing trade."""
    exposure: float
    """Open notional / equity."""
    todays_pnl: float
    open_positions: int
    equity: float
    equity_curve: EquitySummary


class FeedInfo(BaseModel):
    name: str
    status: str
    message: str


class SystemStatus(BaseModel):
    bot_running: bool
    uptime: float
    """Seconds since the app started."""
    cpu_usage: float
    memory_usage: float
    websocket_connections: int
    last_update: float
    bot_state: str
    process_rss_mb: float
    threads: int
    open_files: int
    asyncio_tasks: int
    open_connections: int
    event_loop_lag_ms: float
    database_size_bytes: int
    database_status: Literal['ok', 'failing']
    """``failing`` from a failed write until the next one succeeds (each run of failures is a ``bot_error``)."""
    database_write_failures: int
    feed: FeedInfo
    events_per_s: float


class CandleOut(BaseModel):
    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float


class TradeMarker(BaseModel):
    id: int
    side: str
    entry_time: float
    entry_price: float
    exit_time: float | None
    exit_price: float | None
    pnl: float
    status: str
    stop_loss: float | None
    take_profit: float | None
    quantity: float | None = None
    leverage: float | None = None
    exit_reason: str = ''


class CandlesResponse(BaseModel):
    symbol: str
    timeframe: str
    candles: list[CandleOut]
    indicators: dict[str, list[float | None]]
    """Indicator columns aligned with ``candles`` (null while warming up)."""
    trades: list[TradeMarker]
    """Trades entered or exited within the candles' span."""
    has_more: bool = False
    """Older candles are stored: ask again with ``before`` set to the first candle's time."""
