"""When a position's stop-loss, take-profit or liquidation ends it, and at what price (before slippage).

Two ways the price can get somewhere: it *jumped* there (a bar's open, the first tick of a bar), and a level it
is beyond fills at that price (the gap rule); or it *moved continuously* there, and the first level it crossed
fills at the level.
"""

from __future__ import annotations

from .models import Position, Side, TradeStatus

Exit = tuple[float, TradeStatus, str]
"""Fill price (stops before slippage), status and reason."""


def stop_level(p: Position) -> tuple[float, bool]:
    """The price that ends ``p`` on the losing side, and whether it is the stop-loss (else liquidation)."""
    liq = p.liquidation_price
    if p.stop_loss is not None and (p.stop_loss - liq) * p.side.sign > 0:
        return p.stop_loss, True
    return liq, False


def reaches_level(p: Position, high: float, low: float) -> bool:
    """Whether a range from ``low`` to ``high`` touches any level of ``p``."""
    level, _is_stop = stop_level(p)
    if p.side is Side.LONG:
        return (level > 0 and low <= level) or (p.take_profit is not None and high >= p.take_profit)
    return high >= level or (p.take_profit is not None and low <= p.take_profit)


def gap_exit(p: Position, price: float) -> Exit | None:
    """The price jumped to ``price``: a level it is beyond fills at ``price`` (liquidation at its own price)."""
    return _exit(p, price, price)


def crossing_exit(p: Position, start: float, end: float) -> Exit | None:
    """The price moved continuously from ``start`` to ``end``: a level it crossed fills at the level."""
    if gap_exit(p, start) is not None:  # already beyond at the start (e.g. a restored position): a jump
        return gap_exit(p, end)
    return _exit(p, end, None)


def _exit(p: Position, price: float, fill: float | None) -> Exit | None:
    sign = p.side.sign
    level, is_stop = stop_level(p)
    if (price - level) * sign <= 0 and level > 0:
        if not is_stop:
            return level, TradeStatus.CLOSED_LIQUIDATION, 'margin used up'
        return (level if fill is None else fill), TradeStatus.CLOSED_SL, 'stop-loss'
    if p.take_profit is not None and (price - p.take_profit) * sign >= 0:
        return (p.take_profit if fill is None else fill), TradeStatus.CLOSED_TP, 'take-profit'
    return None
