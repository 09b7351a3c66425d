"""Topics and event types: which topic each type belongs to, and which types are kept in memory only."""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    TRADING = 'trading'
    MARKET_DATA = 'market_data'
    BOT_STATUS = 'bot_status'
    SYSTEM = 'system'
    NOTIFICATIONS = 'notifications'
    ANALYSIS = 'analysis'
    PORTFOLIO = 'portfolio'
    AUDIT = 'audit'
    CLIENTS = 'clients'
    ALERTS = 'alerts'


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
    CLIENTS_CHANGED = 'clients_changed'
    # clients
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
    # alerts
    ALERT_TRIGGERED = 'alert_triggered'
    ALERT_DELIVERED = 'alert_delivered'


_T, _M, _B, _S, _N, _A, _P = (
    Topic.TRADING,
    Topic.MARKET_DATA,
    Topic.BOT_STATUS,
    Topic.SYSTEM,
    Topic.NOTIFICATIONS,
    Topic.ANALYSIS,
    Topic.PORTFOLIO,
)
TOPIC_OF: dict[EventType, Topic] = {
    **dict.fromkeys(
        [
            EventType.TRADE_EXECUTED,
            EventType.ORDER_PLACED,
            EventType.ORDER_FILLED,
            EventType.ORDER_CANCELLED,
            EventType.POSITION_OPENED,
            EventType.POSITION_CLOSED,
            EventType.STOP_LOSS_HIT,
            EventType.TAKE_PROFIT_HIT,
            EventType.ORDER_REJECTED,
            EventType.POSITION_LIQUIDATED,
        ],
        _T,
    ),
    **dict.fromkeys(
        [
            EventType.PRICE_UPDATE,
            EventType.MARKET_DATA,
            EventType.TICKER_UPDATE,
            EventType.ORDERBOOK_UPDATE,
            EventType.CANDLE_CLOSED,
            EventType.REGIME_CHANGED,
        ],
        _M,
    ),
    **dict.fromkeys(
        [
            EventType.BOT_STARTED,
            EventType.BOT_STOPPED,
            EventType.BOT_ERROR,
            EventType.BOT_STATUS_UPDATE,
            EventType.BOT_RESTARTED,
        ],
        _B,
    ),
    **dict.fromkeys(
        [
            EventType.SYSTEM_ALERT,
            EventType.HEALTH_UPDATE,
            EventType.SYSTEM_METRICS,
            EventType.CLIENTS_CHANGED,
        ],
        _S,
    ),
    **dict.fromkeys([EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED], Topic.CLIENTS),
    **dict.fromkeys([EventType.NOTIFICATION, EventType.RISK_LIMIT_HIT], _N),
    **dict.fromkeys([EventType.SIGNAL_GENERATED, EventType.STRATEGY_UPDATE, EventType.ANALYSIS_COMPLETE], _A),
    **dict.fromkeys([EventType.PORTFOLIO_UPDATE, EventType.BALANCE_UPDATE, EventType.PNL_UPDATE], _P),
    **dict.fromkeys([EventType.USER_ACTION, EventType.SETTINGS_CHANGED], Topic.AUDIT),
    **dict.fromkeys([EventType.ALERT_TRIGGERED, EventType.ALERT_DELIVERED], Topic.ALERTS),
}

SAMPLED_TYPES: frozenset[EventType] = frozenset(
    {
        EventType.PRICE_UPDATE,
        EventType.TICKER_UPDATE,
        EventType.ORDERBOOK_UPDATE,
        EventType.MARKET_DATA,
        EventType.SYSTEM_METRICS,
        EventType.ANALYSIS_COMPLETE,
        EventType.HEALTH_UPDATE,
        EventType.CANDLE_CLOSED,
        EventType.CLIENTS_CHANGED,
        EventType.CLIENT_CONNECTED,
        EventType.CLIENT_DISCONNECTED,
    }
)
"""High-rate types kept in memory only (not persisted): ticks, books, metrics, per-candle analysis, WebSocket
client comings and goings and their summaries (a thousand clients reconnecting must not mean a thousand commits),
and candle closes (the candles themselves are stored in their own table). Every trading, portfolio (``pnl_update``
is published at most once a second), bot_status and audit event is stored."""
