"""One-line human summaries of events, for toasts, the live feed, ``/events`` and ``oracle-trader events``: one
function per event type, registered by type and reading the typed payload; numbers go through
:mod:`oracle_ui.formatting`, never as raw floats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import formatting as fmt
from .events import (
    PAYLOAD_OF,
    AlertDelivered,
    AlertTriggered,
    AnalysisComplete,
    BalanceUpdate,
    BotError,
    BotLifecycle,
    BotStatusUpdate,
    CandleClosed,
    ClientInfo,
    ClientsChanged,
    Event,
    EventType,
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
from .formatting import money, price, quantity, signed_money

P = TypeVar('P', bound=Payload)
_SUMMARIES: dict[EventType, Callable[[Any], str]] = {}
EXIT_NAMES = {
    'CLOSED_SL': 'stop-loss hit',
    'CLOSED_TP': 'take-profit hit',
    'CLOSED_LIQUIDATION': 'liquidated',
    'CLOSED_MANUAL': 'closed by hand',
    'CLOSED_BOT_EXIT': 'closed by the strategy',
}


def summarizes(*types: EventType) -> Callable[[Callable[[P], str]], Callable[[P], str]]:
    """Register the decorated function as the summary of ``types``' payloads."""

    def register(function: Callable[[P], str]) -> Callable[[P], str]:
        for type_ in types:
            _SUMMARIES[type_] = function
        return function

    return register


def has_summary(type_: EventType) -> bool:
    return type_ in _SUMMARIES


def summarize(event: Event) -> str:
    """What happened, in one line: the type's own summary; for data that does not fit the type's model (test
    events, events stored by older versions) its ``message``, else its first fields, numbers formatted."""
    payload = event.payload
    summary = _SUMMARIES.get(event.type)
    if summary is not None and isinstance(payload, PAYLOAD_OF[event.type]):
        return summary(payload)
    message = getattr(payload, 'message', None)
    if isinstance(message, str):
        return message
    return ', '.join(f'{k}={value_text(v)}' for k, v in list(event.data.items())[:4])


def value_text(value: Any) -> str:
    """Any payload value, short: numbers formatted, lists and dicts abbreviated."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return fmt.number(value)
    if isinstance(value, list | tuple):
        shown = ', '.join(value_text(v) for v in value[:3])
        return f'[{shown}{", …" if len(value) > 3 else ""}]'
    if isinstance(value, dict):
        return '{' + ', '.join(f'{k}: {value_text(v)}' for k, v in list(value.items())[:3]) + '}'
    return str(value)


def exit_name(status: str, reason: str = '') -> str:
    """How a trade ended, in words (``stop-loss hit``, ``closed by alice``, ``closed by the strategy: ...``)."""
    if status == 'CLOSED_MANUAL' and reason:
        return reason
    if status == 'CLOSED_BOT_EXIT' and reason:
        return f'closed by the strategy: {reason}'
    return EXIT_NAMES.get(status, status.lower().replace('_', ' '))


# ---- trading -------------------------------------------------------------------------------------------------
@summarizes(EventType.ORDER_PLACED, EventType.ORDER_CANCELLED)
def _order(p: OrderInfo) -> str:
    size = quantity(p.quantity) if p.quantity is not None else f'margin {money(p.margin)}' if p.margin else ''
    levels = ''.join(f' {name} {price(v)}' for name, v in (('SL', p.stop_loss), ('TP', p.take_profit)) if v)
    return f'order #{p.order_id} {p.symbol} {p.side} {size}'.strip() + levels + (f': {p.reason}' if p.reason else '')


@summarizes(EventType.ORDER_REJECTED)
def _rejected(p: OrderInfo) -> str:
    return f'{p.symbol} {p.side} refused: {p.reason}'


@summarizes(EventType.ORDER_FILLED)
def _filled(p: FillInfo) -> str:
    what = 'entry' if p.is_entry else 'exit'
    return f'{p.symbol} {p.side} {what} {quantity(p.quantity)} @ {price(p.price)}, fee {fmt.number(p.fee)}'


@summarizes(EventType.POSITION_OPENED)
def _opened(p: PositionInfo) -> str:
    levels = ''.join(f', {name} {price(v)}' for name, v in (('SL', p.stop_loss), ('TP', p.take_profit)) if v)
    return f'position #{p.id} {p.symbol} {p.side} {quantity(p.quantity)} @ {price(p.entry_price)}{levels}'


@summarizes(
    EventType.POSITION_CLOSED,
    EventType.TRADE_EXECUTED,
    EventType.STOP_LOSS_HIT,
    EventType.TAKE_PROFIT_HIT,
    EventType.POSITION_LIQUIDATED,
)
def _trade(p: TradeInfo) -> str:
    if p.status == 'OPEN':
        return f'trade #{p.id} {p.symbol} {p.side} {quantity(p.quantity)} @ {price(p.price)} opened'
    return (
        f'trade #{p.id} {p.symbol} {p.side} {price(p.entry_price)} → {price(p.exit_price)}, '
        f'{exit_name(p.status, p.exit_reason)}, PnL {signed_money(p.pnl)}'
    )


# ---- market data and analysis ----------------------------------------------------------------------------------
@summarizes(EventType.PRICE_UPDATE)
def _price(p: PriceUpdate) -> str:
    return f'{p.symbol} {price(p.price)}'


@summarizes(EventType.MARKET_DATA)
def _market(p: MarketData) -> str:
    return ', '.join(
        f'{symbol} {price(v.get("price"))} ({fmt.percent(v.get("change"), signed=True)})'
        for symbol, v in p.symbols.items()
    )


@summarizes(EventType.TICKER_UPDATE)
def _ticker(p: TickerUpdate) -> str:
    return (
        f'{p.symbol} {price(p.last)}, 24 h {fmt.percent(p.change_pct_24h, signed=True)} '
        f'(high {price(p.high_24h)}, low {price(p.low_24h)})'
    )


@summarizes(EventType.ORDERBOOK_UPDATE)
def _book(p: OrderbookUpdate) -> str:
    bid = f'{price(p.bids[0][0])} size {quantity(p.bids[0][1])}' if p.bids else '—'
    ask = f'{price(p.asks[0][0])} size {quantity(p.asks[0][1])}' if p.asks else '—'
    return f'{p.symbol} best bid {bid}, best ask {ask} ({max(len(p.bids), len(p.asks))} levels)'


@summarizes(EventType.CANDLE_CLOSED)
def _candle(p: CandleClosed) -> str:
    return (
        f'{p.symbol} {p.timeframe} candle: open {price(p.open)}, high {price(p.high)}, low {price(p.low)}, '
        f'close {price(p.close)}, volume {fmt.number(p.volume)}'
    )


@summarizes(EventType.REGIME_CHANGED)
def _regime(p: RegimeChanged) -> str:
    return f'{p.symbol}: {p.previous} → {p.regime} (ADX {fmt.number(p.adx)}, {p.volatility} volatility)'


@summarizes(EventType.SIGNAL_GENERATED)
def _signal(p: SignalGenerated) -> str:
    levels = ''.join(f', {name} {price(v)}' for name, v in (('SL', p.stop_loss), ('TP', p.take_profit)) if v)
    return f'{p.symbol} {p.kind} (strength {p.strength:.2f}{levels}): {p.reason}'


@summarizes(EventType.ANALYSIS_COMPLETE)
def _analysis(p: AnalysisComplete) -> str:
    values = ', '.join(f'{k} {fmt.number(v)}' for k, v in list(p.indicators.items())[:4])
    return f'{p.symbol} regime {p.regime or "unknown"}' + (f'; {values}' if values else '')


@summarizes(EventType.STRATEGY_UPDATE)
def _strategy(p: StrategyUpdate) -> str:
    return f'strategy {p.strategy} on {", ".join(p.symbols)} ({p.timeframe})'


# ---- bot, system, notifications ------------------------------------------------------------------------------
@summarizes(EventType.BOT_STATUS_UPDATE)
def _status(p: BotStatusUpdate) -> str:
    reason = p.details.get('reason', '')
    return f'bot {p.status}' + (f' ({reason})' if reason else '')


@summarizes(EventType.BOT_STARTED, EventType.BOT_STOPPED, EventType.BOT_RESTARTED)
def _lifecycle(p: BotLifecycle) -> str:
    return f'bot {p.status} ({p.reason})'


@summarizes(EventType.BOT_ERROR)
def _error(p: BotError) -> str:
    return f'{p.component}: {p.message}'


@summarizes(EventType.NOTIFICATION)
def _notification(p: Notification) -> str:
    return p.message


@summarizes(EventType.RISK_LIMIT_HIT)
def _risk(p: RiskLimitHit) -> str:
    return p.message


@summarizes(EventType.SYSTEM_ALERT)
def _alert(p: SystemAlert) -> str:
    return p.message


@summarizes(EventType.HEALTH_UPDATE)
def _health(p: HealthUpdate) -> str:
    feed = f'feed {p.feed}' + (f' ({p.feed_message})' if p.feed_message else '')
    return f'{feed}, database {p.database}, bot {p.bot}'


@summarizes(EventType.SYSTEM_METRICS)
def _metrics(p: SystemMetrics) -> str:
    return (
        f'CPU {fmt.percent(p.cpu_percent)}, memory {fmt.percent(p.memory_percent)}, RSS {p.process_rss_mb:,.0f} MB, '
        f'{p.open_connections} connections, {fmt.number(p.events_per_s)} events/s, '
        f'loop lag {fmt.number(p.event_loop_lag_ms)} ms'
    )


@summarizes(EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED)
def _client(p: ClientInfo) -> str:
    return f'{p.client_type} client {p.client_id} {p.reason}'.strip()


# ---- portfolio -------------------------------------------------------------------------------------------------
@summarizes(EventType.BALANCE_UPDATE)
def _balance(p: BalanceUpdate) -> str:
    return f'balance {money(p.balance, p.currency)}, equity {money(p.equity, p.currency)}'


@summarizes(EventType.PORTFOLIO_UPDATE)
def _portfolio(p: PortfolioUpdate) -> str:
    return (
        f'balance {money(p.balance)}, equity {money(p.equity)}, {p.open_positions} open, '
        f'realized {signed_money(p.realized_pnl)}'
    )


@summarizes(EventType.PNL_UPDATE)
def _pnl(p: PnlUpdate) -> str:
    return (
        f'equity {money(p.equity)}, unrealized {signed_money(p.unrealized_pnl)}, '
        f'realized {signed_money(p.realized_pnl)}, today {signed_money(p.daily_pnl)}'
    )


# ---- audit -----------------------------------------------------------------------------------------------------
@summarizes(EventType.USER_ACTION, EventType.SETTINGS_CHANGED)
def _audit(p: UserAction) -> str:
    outcome = p.result
    if p.result == 'denied' and p.details.get('reason'):
        outcome += f' ({p.details["reason"]})'
    elif p.action in ('start', 'stop', 'restart') and p.details.get('state'):
        outcome += f', bot {p.details["state"]}'
    return f'{p.actor}: {audit_target(p)} — {outcome} (from {p.origin})'


def audit_target(p: UserAction) -> str:
    """What an audited action touched, in words: the bot, the positions by symbol and trade, each changed
    setting with its old and new value."""
    details = p.details
    if p.action in ('close_position', 'close_all'):
        symbols = details.get('symbols')
        what = f'close {", ".join(symbols)} position' if symbols else 'close all positions'
        closed = details.get('closed')
        if closed:
            what += ' (trade ' + ', '.join(f'#{i}' for i in closed) + ')'
        elif closed is not None:
            what += ' (none was open)'
        return what
    if p.action in ('change_settings', 'change_symbols'):
        changes = changed_values(details.get('changes', {}))
        shown = '; '.join(changes[:4]) + (f'; {len(changes) - 4} more' if len(changes) > 4 else '')
        noun = 'symbols' if p.action == 'change_symbols' else 'settings'
        applies = f' ({details["applies"]})' if details.get('applies') else ''
        return f'change {noun}: {shown or "nothing changed"}{applies}'
    verbs = {'start': 'start the bot', 'stop': 'stop the bot', 'restart': 'restart the bot', 'logout': 'log out'}
    verbs |= {'login': 'log in', 'emit_test_event': 'send a test event'}
    return verbs.get(p.action, p.action.replace('_', ' '))


def changed_values(changes: dict[str, Any]) -> list[str]:
    """``{'risk': {'from': {...}, 'to': {...}}}`` as ``['risk.max_positions 3 → 2']``: the values that differ.
    The parameters of a newly chosen strategy are listed as they are (nothing to compare them with)."""
    lines = []
    is_new_strategy = 'strategy' in changes
    for name, change in changes.items():
        before, after = (change.get('from'), change.get('to')) if isinstance(change, dict) else (None, change)
        if name == 'strategy_params' and is_new_strategy and isinstance(after, dict):
            lines.append('parameters ' + ', '.join(f'{k} {_setting(v)}' for k, v in _leaves(after)))
        elif isinstance(before, dict) and isinstance(after, dict):
            old, new = dict(_leaves(before)), dict(_leaves(after))
            lines += [
                f'{name}.{k} {_setting(old.get(k))} → {_setting(new.get(k))}' for k in new if old.get(k) != new[k]
            ]
        elif before != after:
            lines.append(f'{name} {_setting(before)} → {_setting(after)}')
    return lines


def _leaves(values: dict[str, Any], prefix: str = '') -> list[tuple[str, Any]]:
    """A nested dict's values by dotted path."""
    leaves: list[tuple[str, Any]] = []
    for key, value in values.items():
        if isinstance(value, dict):
            leaves += _leaves(value, f'{prefix}{key}.')
        else:
            leaves.append((f'{prefix}{key}', value))
    return leaves


def _setting(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ', '.join(value)
    return value_text(value)


@summarizes(EventType.CLIENTS_CHANGED)
def _clients(p: ClientsChanged) -> str:
    return f'{p.connected} WebSocket clients (+{p.joined} -{p.left})'


@summarizes(EventType.ALERT_TRIGGERED)
def _alert_triggered(p: AlertTriggered) -> str:
    return f'[{p.severity}] {p.name}: {p.message}'


@summarizes(EventType.ALERT_DELIVERED)
def _delivered(p: AlertDelivered) -> str:
    r = p.result
    tries = f' after {r.attempts} attempt(s)' if r.attempts > 1 else ''
    return f'{p.name} → {r.channel}: {r.status}{tries}' + (f' ({r.error})' if r.error else '')
