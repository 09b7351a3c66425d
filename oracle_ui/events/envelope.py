"""The event every consumer sees: envelope fields and a typed payload; its wire form is built once, when first
needed, and shared by every WebSocket client, the REST history and the store.

The envelope keeps the original dashboard's fields ``type, data, timestamp, source, client_id`` and adds
``id`` (monotonic, survives restarts), ``topic`` and ``test``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import ValidationError

from . import payloads as p
from .types import TOPIC_OF, EventType, Topic

PAYLOAD_OF: dict[EventType, type[p.Payload]] = {
    EventType.TRADE_EXECUTED: p.TradeInfo,
    EventType.ORDER_PLACED: p.OrderInfo,
    EventType.ORDER_FILLED: p.FillInfo,
    EventType.ORDER_CANCELLED: p.OrderInfo,
    EventType.POSITION_OPENED: p.PositionInfo,
    EventType.POSITION_CLOSED: p.TradeInfo,
    EventType.STOP_LOSS_HIT: p.TradeInfo,
    EventType.TAKE_PROFIT_HIT: p.TradeInfo,
    EventType.ORDER_REJECTED: p.OrderInfo,
    EventType.POSITION_LIQUIDATED: p.TradeInfo,
    EventType.PRICE_UPDATE: p.PriceUpdate,
    EventType.MARKET_DATA: p.MarketData,
    EventType.TICKER_UPDATE: p.TickerUpdate,
    EventType.ORDERBOOK_UPDATE: p.OrderbookUpdate,
    EventType.CANDLE_CLOSED: p.CandleClosed,
    EventType.REGIME_CHANGED: p.RegimeChanged,
    EventType.BOT_STARTED: p.BotLifecycle,
    EventType.BOT_STOPPED: p.BotLifecycle,
    EventType.BOT_ERROR: p.BotError,
    EventType.BOT_STATUS_UPDATE: p.BotStatusUpdate,
    EventType.BOT_RESTARTED: p.BotLifecycle,
    EventType.SYSTEM_ALERT: p.SystemAlert,
    EventType.HEALTH_UPDATE: p.HealthUpdate,
    EventType.SYSTEM_METRICS: p.SystemMetrics,
    EventType.CLIENTS_CHANGED: p.ClientsChanged,
    EventType.CLIENT_CONNECTED: p.ClientInfo,
    EventType.CLIENT_DISCONNECTED: p.ClientInfo,
    EventType.NOTIFICATION: p.Notification,
    EventType.RISK_LIMIT_HIT: p.RiskLimitHit,
    EventType.SIGNAL_GENERATED: p.SignalGenerated,
    EventType.STRATEGY_UPDATE: p.StrategyUpdate,
    EventType.ANALYSIS_COMPLETE: p.AnalysisComplete,
    EventType.PORTFOLIO_UPDATE: p.PortfolioUpdate,
    EventType.BALANCE_UPDATE: p.BalanceUpdate,
    EventType.PNL_UPDATE: p.PnlUpdate,
    EventType.USER_ACTION: p.UserAction,
    EventType.SETTINGS_CHANGED: p.UserAction,
    EventType.ALERT_TRIGGERED: p.AlertTriggered,
    EventType.ALERT_DELIVERED: p.AlertDelivered,
}
"""The payload model of each event type; :meth:`EventBus.publish` refuses any other."""

P = TypeVar('P', bound=p.Payload)


def parse_payload(type_: EventType, data: dict[str, Any]) -> p.Payload:
    """``data`` as ``type_``'s payload model, or as a :class:`RawPayload` if it does not fit."""
    try:
        return PAYLOAD_OF[type_].model_validate(data)
    except ValidationError:
        return p.RawPayload.model_validate(data)


class Event:
    """One published event.

    :param payload: the typed payload (events loaded from the store parse theirs on first access)
    :param data: the payload's wire form, if already known (stored events, test events' data as sent)
    """

    __slots__ = ('_data', '_json', '_payload', 'client_id', 'id', 'source', 'test', 'timestamp', 'topic', 'type')

    def __init__(
        self,
        *,
        id: int,
        type: EventType,
        timestamp: float,
        source: str,
        payload: p.Payload | None = None,
        data: dict[str, Any] | None = None,
        client_id: str | None = None,
        test: bool = False,
    ) -> None:
        if payload is None and data is None:
            raise ValueError('an event needs a payload or its data')
        self.id = id
        self.type = type
        self.topic: Topic = TOPIC_OF[type]
        self.timestamp = timestamp
        self.source = source
        self.client_id = client_id
        self.test = test
        self._payload = payload
        self._data = data
        self._json: str | None = None

    @property
    def payload(self) -> p.Payload:
        """The typed payload; a :class:`RawPayload` for data that does not fit the type's model."""
        if self._payload is None:
            assert self._data is not None
            self._payload = parse_payload(self.type, self._data)
        return self._payload

    def payload_as(self, model: type[P]) -> P | None:
        """The payload if it is a ``model`` (so test events with odd data never reach typed code), else None."""
        payload = self.payload
        return payload if isinstance(payload, model) else None

    @property
    def data(self) -> dict[str, Any]:
        """The payload's wire form (JSON types only)."""
        if self._data is None:
            assert self._payload is not None
            self._data = self._payload.model_dump(mode='json')
        return self._data

    def envelope(self) -> dict[str, Any]:
        """The wire form: the original's five fields plus ``id``, ``topic`` and ``test``."""
        return {
            'type': self.type.value,
            'data': self.data,
            'timestamp': self.timestamp,
            'source': self.source,
            'client_id': self.client_id,
            'id': self.id,
            'topic': self.topic.value,
            'test': self.test,
        }

    @property
    def json(self) -> str:
        """The envelope as JSON text, serialized once for every consumer."""
        if self._json is None:
            self._json = orjson.dumps(self.envelope()).decode()
        return self._json

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        """The event whose :attr:`json` is ``text`` (from another process), keeping the text for its consumers."""
        envelope = orjson.loads(text)
        event = cls(
            id=envelope['id'],
            type=EventType(envelope['type']),
            data=envelope['data'],
            timestamp=envelope['timestamp'],
            source=envelope['source'],
            client_id=envelope['client_id'],
            test=envelope['test'],
        )
        event._json = text if isinstance(text, str) else text.decode()
        return event

    def __repr__(self) -> str:
        return f'Event(id={self.id}, type={self.type.value}, source={self.source!r}, test={self.test})'
