"""One-line human summaries of events, for toasts, the live feed, ``/events`` and ``oracle-trader events``: one
function per event type, registered by type and reading the typed payload; numbers go through
:mod:`oracle_ui.formatting`, never as raw floats. In the current language (English outside a page); free text an
event carries (a reason, a message) is shown as it is, but for the engine's own reasons an order was refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import formatting as fmt
from .engine import refusals
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
from .i18n import N_, _, ngettext, terms
from .i18n import formats as locale_formats

P = TypeVar('P', bound=Payload)
_SUMMARIES: dict[EventType, Callable[[Any], str]] = {}
EXIT_NAMES = {
    'CLOSED_SL': N_('stop-loss hit'),
    'CLOSED_TP': N_('take-profit hit'),
    'CLOSED_LIQUIDATION': N_('liquidated'),
    'CLOSED_MANUAL': N_('closed by hand'),
    'CLOSED_BOT_EXIT': N_('closed by the strategy'),
}
"""How trades end, translated where shown."""


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
        return _('closed by the strategy: {reason}').format(reason=reason)
    return _(EXIT_NAMES[status]) if status in EXIT_NAMES else status.lower().replace('_', ' ')


def levels_text(stop_loss: float | None, take_profit: float | None, separator: str) -> str:
    """`` SL 61,000.00 TP 66,000.00`` (each part led by ``separator``; none for a level not set)."""
    parts = [(_('SL'), stop_loss), (_('TP'), take_profit)]
    return ''.join(f'{separator}{name} {price(value)}' for name, value in parts if value)


# ---- trading -------------------------------------------------------------------------------------------------
@summarizes(EventType.ORDER_PLACED, EventType.ORDER_CANCELLED)
def _order(p: OrderInfo) -> str:
    margin = _('margin {amount}').format(amount=money(p.margin)) if p.margin else ''
    size = quantity(p.quantity) if p.quantity is not None else margin
    order = _('order #{id} {symbol} {side} {size}').format(
        id=p.order_id, symbol=p.symbol, side=terms.side(p.side), size=size
    )
    return order.strip() + levels_text(p.stop_loss, p.take_profit, ' ') + (f': {p.reason}' if p.reason else '')


@summarizes(EventType.ORDER_REJECTED)
def _rejected(p: OrderInfo) -> str:
    reason = refusals.translated(p.reason)  # the engine's own reasons in the current language
    return _('{symbol} {side} refused: {reason}').format(symbol=p.symbol, side=terms.side(p.side), reason=reason)


@summarizes(EventType.ORDER_FILLED)
def _filled(p: FillInfo) -> str:
    text = (
        _('{symbol} {side} entry {quantity} @ {price}, fee {fee}')
        if p.is_entry
        else _('{symbol} {side} exit {quantity} @ {price}, fee {fee}')
    )
    side, amount = terms.side(p.side), quantity(p.quantity)
    return text.format(symbol=p.symbol, side=side, quantity=amount, price=price(p.price), fee=fmt.number(p.fee))


@summarizes(EventType.POSITION_OPENED)
def _opened(p: PositionInfo) -> str:
    opened = _('position #{id} {symbol} {side} {quantity} @ {price}').format(
        id=p.id, symbol=p.symbol, side=terms.side(p.side), quantity=quantity(p.quantity), price=price(p.entry_price)
    )
    return opened + levels_text(p.stop_loss, p.take_profit, ', ')


@summarizes(
    EventType.POSITION_CLOSED,
    EventType.TRADE_EXECUTED,
    EventType.STOP_LOSS_HIT,
    EventType.TAKE_PROFIT_HIT,
    EventType.POSITION_LIQUIDATED,
)
def _trade(p: TradeInfo) -> str:
    side = terms.side(p.side)
    if p.status == 'OPEN':
        opened = _('trade #{id} {symbol} {side} {quantity} @ {price} opened')
        return opened.format(id=p.id, symbol=p.symbol, side=side, quantity=quantity(p.quantity), price=price(p.price))
    return _('trade #{id} {symbol} {side} {entry} → {exit}, {how}, PnL {pnl}').format(
        id=p.id,
        symbol=p.symbol,
        side=side,
        entry=price(p.entry_price),
        exit=price(p.exit_price),
        how=exit_name(p.status, p.exit_reason),
        pnl=signed_money(p.pnl),
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
    return _('{symbol} {price}, 24 h {change} (high {high}, low {low})').format(
        symbol=p.symbol,
        price=price(p.last),
        change=fmt.percent(p.change_pct_24h, signed=True),
        high=price(p.high_24h),
        low=price(p.low_24h),
    )


@summarizes(EventType.ORDERBOOK_UPDATE)
def _book(p: OrderbookUpdate) -> str:
    sized = _('{price} size {size}')
    bid = sized.format(price=price(p.bids[0][0]), size=quantity(p.bids[0][1])) if p.bids else '—'
    ask = sized.format(price=price(p.asks[0][0]), size=quantity(p.asks[0][1])) if p.asks else '—'
    depth = max(len(p.bids), len(p.asks))
    book = ngettext(
        '{symbol} best bid {bid}, best ask {ask} ({levels} level)',
        '{symbol} best bid {bid}, best ask {ask} ({levels} levels)',
        depth,
    )
    return book.format(symbol=p.symbol, bid=bid, ask=ask, levels=depth)


@summarizes(EventType.CANDLE_CLOSED)
def _candle(p: CandleClosed) -> str:
    return _('{symbol} {timeframe} candle: open {open}, high {high}, low {low}, close {close}, volume {volume}').format(
        symbol=p.symbol,
        timeframe=p.timeframe,
        open=price(p.open),
        high=price(p.high),
        low=price(p.low),
        close=price(p.close),
        volume=fmt.number(p.volume),
    )


@summarizes(EventType.REGIME_CHANGED)
def _regime(p: RegimeChanged) -> str:
    return _('{symbol}: {previous} → {regime} (ADX {adx}, {volatility} volatility)').format(
        symbol=p.symbol,
        previous=terms.regime(p.previous),
        regime=terms.regime(p.regime),
        adx=fmt.number(p.adx),
        volatility=terms.volatility(p.volatility),
    )


@summarizes(EventType.SIGNAL_GENERATED)
def _signal(p: SignalGenerated) -> str:
    levels = levels_text(p.stop_loss, p.take_profit, ', ')
    strength = _('strength {strength}').format(strength=locale_formats.decimal(p.strength, 2))
    return f'{p.symbol} {terms.signal(p.kind)} ({strength}{levels}): {p.reason}'


@summarizes(EventType.ANALYSIS_COMPLETE)
def _analysis(p: AnalysisComplete) -> str:
    values = ', '.join(f'{k} {fmt.number(v)}' for k, v in list(p.indicators.items())[:4])
    regime = _('{symbol} regime {regime}').format(symbol=p.symbol, regime=terms.regime(p.regime or 'unknown'))
    return regime + (f'; {values}' if values else '')


@summarizes(EventType.STRATEGY_UPDATE)
def _strategy(p: StrategyUpdate) -> str:
    return _('strategy {strategy} on {symbols} ({timeframe})').format(
        strategy=p.strategy, symbols=', '.join(p.symbols), timeframe=p.timeframe
    )


# ---- bot, system, notifications ------------------------------------------------------------------------------
@summarizes(EventType.BOT_STATUS_UPDATE)
def _status(p: BotStatusUpdate) -> str:
    reason = p.details.get('reason', '')
    return _('bot {state}').format(state=terms.bot_state(p.status)) + (f' ({terms.reason(reason)})' if reason else '')


@summarizes(EventType.BOT_STARTED, EventType.BOT_STOPPED, EventType.BOT_RESTARTED)
def _lifecycle(p: BotLifecycle) -> str:
    return _('bot {state}').format(state=terms.bot_state(p.status)) + f' ({terms.reason(p.reason)})'


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
    """From its figures for the metrics the sampler watches (in the reader's language), else its message."""
    metric = terms.metric(p.metric)
    if metric is None:
        return p.message
    value = locale_formats.decimal(p.value, 1)
    if p.level == 'info':
        return _('{metric} back to normal ({value})').format(metric=metric, value=value)
    return _('{metric} is {value} (threshold {threshold})').format(
        metric=metric, value=value, threshold=fmt.number(p.threshold)
    )


@summarizes(EventType.HEALTH_UPDATE)
def _health(p: HealthUpdate) -> str:
    feed = _('feed {status}').format(status=terms.feed_status(p.feed)) + (
        f' ({p.feed_message})' if p.feed_message else ''
    )
    return _('{feed}, database {database}, bot {bot}').format(
        feed=feed, database=p.database, bot=terms.bot_state(p.bot)
    )


@summarizes(EventType.SYSTEM_METRICS)
def _metrics(p: SystemMetrics) -> str:
    text = _(
        'CPU {cpu}, memory {memory}, RSS {rss} MB, {connections} connections, {events} events/s, loop lag {lag} ms'
    )
    return text.format(
        cpu=fmt.percent(p.cpu_percent),
        memory=fmt.percent(p.memory_percent),
        rss=locale_formats.decimal(p.process_rss_mb, 0),
        connections=p.open_connections,
        events=fmt.number(p.events_per_s),
        lag=fmt.number(p.event_loop_lag_ms),
    )


@summarizes(EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED)
def _client(p: ClientInfo) -> str:
    return _('{type} client {id} {reason}').format(type=p.client_type, id=p.client_id, reason=p.reason).strip()


# ---- portfolio -------------------------------------------------------------------------------------------------
@summarizes(EventType.BALANCE_UPDATE)
def _balance(p: BalanceUpdate) -> str:
    return _('balance {balance}, equity {equity}').format(
        balance=money(p.balance, p.currency), equity=money(p.equity, p.currency)
    )


@summarizes(EventType.PORTFOLIO_UPDATE)
def _portfolio(p: PortfolioUpdate) -> str:
    return _('balance {balance}, equity {equity}, {open} open, realized {realized}').format(
        balance=money(p.balance), equity=money(p.equity), open=p.open_positions, realized=signed_money(p.realized_pnl)
    )


@summarizes(EventType.PNL_UPDATE)
def _pnl(p: PnlUpdate) -> str:
    return _('equity {equity}, unrealized {unrealized}, realized {realized}, today {today}').format(
        equity=money(p.equity),
        unrealized=signed_money(p.unrealized_pnl),
        realized=signed_money(p.realized_pnl),
        today=signed_money(p.daily_pnl),
    )


# ---- audit -----------------------------------------------------------------------------------------------------
@summarizes(EventType.USER_ACTION, EventType.SETTINGS_CHANGED)
def _audit(p: UserAction) -> str:
    outcome = terms.outcome(p.result)
    if p.result == 'denied' and p.details.get('reason'):
        outcome += f' ({p.details["reason"]})'
    elif p.action in ('start', 'stop', 'restart') and p.details.get('state'):
        outcome += ', ' + _('bot {state}').format(state=terms.bot_state(p.details['state']))
    text = _('{actor}: {action} — {outcome} (from {origin})')
    return text.format(actor=p.actor, action=audit_target(p), outcome=outcome, origin=p.origin)


def audit_target(p: UserAction) -> str:
    """What an audited action touched, in words: the bot, the positions by symbol and trade, each changed
    setting with its old and new value."""
    details = p.details
    if p.action in ('close_position', 'close_all'):
        symbols = details.get('symbols')
        what = _('close {symbols} position').format(symbols=', '.join(symbols)) if symbols else _('close all positions')
        closed = details.get('closed')
        if closed:
            what += ' ' + _('(trade {ids})').format(ids=', '.join(f'#{i}' for i in closed))
        elif closed is not None:
            what += ' ' + _('(none was open)')
        return what
    if p.action in ('change_settings', 'change_symbols'):
        changes = changed_values(details.get('changes', {}))
        more = '; ' + _('{count} more').format(count=len(changes) - 4) if len(changes) > 4 else ''
        shown = '; '.join(changes[:4]) + more
        change = _('change symbols: {changes}') if p.action == 'change_symbols' else _('change settings: {changes}')
        applies = f' ({details["applies"]})' if details.get('applies') else ''
        return change.format(changes=shown or _('nothing changed')) + applies
    verbs = {
        'start': _('start the bot'),
        'stop': _('stop the bot'),
        'restart': _('restart the bot'),
        'logout': _('log out'),
        'login': _('log in'),
        'emit_test_event': _('send a test event'),
    }
    return verbs.get(p.action, p.action.replace('_', ' '))


def changed_values(changes: dict[str, Any]) -> list[str]:
    """``{'risk': {'from': {...}, 'to': {...}}}`` as ``['risk.max_positions 3 → 2']``: the values that differ.
    The parameters of a newly chosen strategy are listed as they are (nothing to compare them with)."""
    lines = []
    is_new_strategy = 'strategy' in changes
    for name, change in changes.items():
        before, after = (change.get('from'), change.get('to')) if isinstance(change, dict) else (None, change)
        if name == 'strategy_params' and is_new_strategy and isinstance(after, dict):
            lines.append(
                _('parameters {values}').format(values=', '.join(f'{k} {_setting(v)}' for k, v in _leaves(after)))
            )
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
    clients = ngettext('{count} WebSocket client', '{count} WebSocket clients', p.connected)
    return clients.format(count=p.connected) + f' (+{p.joined} -{p.left})'


@summarizes(EventType.ALERT_TRIGGERED)
def _alert_triggered(p: AlertTriggered) -> str:
    """With the English message; :mod:`oracle_ui.alerts.messages` (loaded with the alerts) registers the one that
    writes the message in the current language."""
    return f'[{terms.severity(p.severity)}] {p.name}: {p.message}'


@summarizes(EventType.ALERT_DELIVERED)
def _delivered(p: AlertDelivered) -> str:
    r = p.result
    tries = ' ' + ngettext('after {count} attempt', 'after {count} attempts', r.attempts) if r.attempts > 1 else ''
    status = terms.delivery(r.status)
    return f'{p.name} → {r.channel}: {status}{tries.format(count=r.attempts)}' + (f' ({r.error})' if r.error else '')
