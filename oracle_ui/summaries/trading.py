"""Orders, fills, positions, trades and the account's updates."""

from __future__ import annotations

from .. import formatting as fmt
from ..engine import refusals
from ..events import (
    BalanceUpdate,
    EventType,
    FillInfo,
    OrderInfo,
    PnlUpdate,
    PortfolioUpdate,
    PositionInfo,
    TradeInfo,
)
from ..formatting import money, price, quantity, signed_money
from ..i18n import N_, _, terms
from .registry import summarizes

EXIT_NAMES = {
    'CLOSED_SL': N_('stop-loss hit'),
    'CLOSED_TP': N_('take-profit hit'),
    'CLOSED_LIQUIDATION': N_('liquidated'),
    'CLOSED_MANUAL': N_('closed by hand'),
    'CLOSED_BOT_EXIT': N_('closed by the strategy'),
}
"""How trades end, translated where shown."""


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
