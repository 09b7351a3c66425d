"""One-line human summaries of events, for toasts, the live feed and ``/events``: one function per event type,
registered by type and reading the typed payload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .events import (
    PAYLOAD_OF,
    AlertDelivered,
    AlertTriggered,
    BalanceUpdate,
    BotLifecycle,
    BotStatusUpdate,
    ClientInfo,
    Event,
    EventType,
    FillInfo,
    OrderInfo,
    Payload,
    PortfolioUpdate,
    PositionInfo,
    RegimeChanged,
    SignalGenerated,
    TradeInfo,
    UserAction,
)
from .formatting import money, price, signed_money

P = TypeVar('P', bound=Payload)
_SUMMARIES: dict[EventType, Callable[[Any], str]] = {}


def summarizes(*types: EventType) -> Callable[[Callable[[P], str]], Callable[[P], str]]:
    """Register the decorated function as the summary of ``types``' payloads."""

    def register(function: Callable[[P], str]) -> Callable[[P], str]:
        for type_ in types:
            _SUMMARIES[type_] = function
        return function

    return register


def summarize(event: Event) -> str:
    """What happened, in one line: the type's own summary, else the payload's ``message``, else its first fields."""
    payload = event.payload
    summary = _SUMMARIES.get(event.type)
    if summary is not None and isinstance(payload, PAYLOAD_OF[event.type]):
        return summary(payload)
    message = getattr(payload, 'message', None)
    if isinstance(message, str):
        return message
    return ', '.join(f'{k}={v}' for k, v in list(event.data.items())[:4])


@summarizes(EventType.ORDER_PLACED, EventType.ORDER_CANCELLED)
def _order(p: OrderInfo) -> str:
    size = f'{p.quantity:.6g}' if p.quantity is not None else f'margin {money(p.margin)}' if p.margin else ''
    return f'{p.symbol} {p.side} {size}'.strip() + (f': {p.reason}' if p.reason else '')


@summarizes(EventType.ORDER_REJECTED)
def _rejected(p: OrderInfo) -> str:
    return f'{p.symbol} {p.side}: {p.reason}'


@summarizes(EventType.ORDER_FILLED)
def _filled(p: FillInfo) -> str:
    return f'{p.symbol} {p.side} {"entry" if p.is_entry else "exit"} {p.quantity:.6g} @ {price(p.price)}'


@summarizes(EventType.POSITION_OPENED)
def _opened(p: PositionInfo) -> str:
    return f'{p.symbol} {p.side} {p.quantity:.6g} @ {price(p.entry_price)}'


@summarizes(
    EventType.POSITION_CLOSED,
    EventType.TRADE_EXECUTED,
    EventType.STOP_LOSS_HIT,
    EventType.TAKE_PROFIT_HIT,
    EventType.POSITION_LIQUIDATED,
)
def _trade(p: TradeInfo) -> str:
    if p.status == 'OPEN':
        return f'{p.symbol} {p.side} {p.quantity:.6g} @ {price(p.price)} OPEN'
    return f'{p.symbol} {p.side} {p.status} PnL {signed_money(p.pnl)}'


@summarizes(EventType.REGIME_CHANGED)
def _regime(p: RegimeChanged) -> str:
    return f'{p.symbol}: {p.previous} → {p.regime}'


@summarizes(EventType.SIGNAL_GENERATED)
def _signal(p: SignalGenerated) -> str:
    return f'{p.symbol} {p.kind} strength {p.strength:.2f}: {p.reason}'


@summarizes(EventType.BOT_STATUS_UPDATE)
def _status(p: BotStatusUpdate) -> str:
    return f'bot {p.status} ({p.details.get("reason", "")})'


@summarizes(EventType.BOT_STARTED, EventType.BOT_STOPPED, EventType.BOT_RESTARTED)
def _lifecycle(p: BotLifecycle) -> str:
    return f'bot {p.status} ({p.reason})'


@summarizes(EventType.USER_ACTION, EventType.SETTINGS_CHANGED)
def _audit(p: UserAction) -> str:
    return f'{p.actor} {p.action} from {p.origin}: {p.result}'


@summarizes(EventType.BALANCE_UPDATE)
def _balance(p: BalanceUpdate) -> str:
    return f'balance {money(p.balance)}, equity {money(p.equity)}'


@summarizes(EventType.PORTFOLIO_UPDATE)
def _portfolio(p: PortfolioUpdate) -> str:
    return f'balance {money(p.balance)}, equity {money(p.equity)}'


@summarizes(EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED)
def _client(p: ClientInfo) -> str:
    return f'{p.client_type} client {p.client_id} {p.reason}'.strip()


@summarizes(EventType.ALERT_TRIGGERED)
def _alert(p: AlertTriggered) -> str:
    return f'[{p.severity}] {p.name}: {p.message}'


@summarizes(EventType.ALERT_DELIVERED)
def _delivered(p: AlertDelivered) -> str:
    r = p.result
    tries = f' after {r.attempts} attempt(s)' if r.attempts > 1 else ''
    return f'{p.name} → {r.channel}: {r.status}{tries}' + (f' ({r.error})' if r.error else '')
