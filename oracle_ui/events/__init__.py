"""Event types, their topics and typed payloads; the envelope every consumer sees (see docs/PROTOCOL.md)."""

from .envelope import PAYLOAD_OF, Event, parse_payload
from .payloads import (
    AnalysisComplete,
    BalanceUpdate,
    BotError,
    BotLifecycle,
    BotStatusUpdate,
    CandleClosed,
    ClientInfo,
    FillInfo,
    HealthUpdate,
    MarketData,
    Notification,
    OrderbookUpdate,
    OrderInfo,
    Payload,
    PnlUpdate,
    PortfolioUpdate,
    PositionInfo,
    PriceUpdate,
    RawPayload,
    RegimeChanged,
    RiskLimitHit,
    SignalGenerated,
    StrategyUpdate,
    SystemAlert,
    SystemMetrics,
    TickerUpdate,
    TradeInfo,
    UserAction,
)
from .types import SAMPLED_TYPES, TOPIC_OF, EventType, Topic

__all__ = ['PAYLOAD_OF', 'SAMPLED_TYPES', 'TOPIC_OF', 'AnalysisComplete', 'BalanceUpdate', 'BotError', 'BotLifecycle',
           'BotStatusUpdate', 'CandleClosed', 'ClientInfo', 'Event', 'EventType', 'FillInfo', 'HealthUpdate',
           'MarketData', 'Notification', 'OrderInfo', 'OrderbookUpdate', 'Payload', 'PnlUpdate', 'PortfolioUpdate',
           'PositionInfo', 'PriceUpdate', 'RawPayload', 'RegimeChanged', 'RiskLimitHit', 'SignalGenerated',
           'StrategyUpdate', 'SystemAlert', 'SystemMetrics', 'TickerUpdate', 'Topic', 'TradeInfo',
           'UserAction', 'parse_payload']
