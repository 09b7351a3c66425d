"""USDT-margined paper broker: market orders, isolated margin, stop-loss, take-profit and liquidation.

Accounting (all in quote currency, fees included everywhere):

* ``balance`` is the wallet: starting cash + realized PnL of closed trades - entry fees of open positions.
* A position locks ``margin = quantity * entry / leverage``; ``free_balance = balance - locked margin``.
* ``equity = balance + unrealized PnL`` (marked at the last price, no exit fee).
* A closed trade's ``pnl = (exit - entry) * quantity * sign - entry_fee - exit_fee``, which is exactly what it
  changed the balance by over its life.
* A position is liquidated when its loss plus the exit fee uses up its margin; isolated margin caps the loss
  there even if the price gaps through, so no trade can leave the balance negative.

Orders from strategies wait for the next price after the decision (live: next tick; backtest: next bar's
open). Exits within a bar: a bar opening beyond its stop-loss or take-profit closes at the open (the gap rule,
checked first, so a bar that gaps through the target closes there even if it later touches the stop); otherwise
stop-loss before take-profit when both are touched, each at its price.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Fill, OrderRequest, Position, Side, Trade, TradeStatus

MAX_LEVERAGE = 125.0


@dataclass(slots=True, frozen=True)
class OrderRejected:
    order: OrderRequest
    reason: str
    time: float


@dataclass(slots=True, frozen=True)
class PositionOpened:
    position: Position
    fill: Fill


@dataclass(slots=True, frozen=True)
class PositionClosed:
    trade: Trade
    fill: Fill


BrokerUpdate = OrderRejected | PositionOpened | PositionClosed


def liquidation_price(side: Side, entry: float, quantity: float, margin: float, commission: float) -> float:
    """Price at which gross loss plus the exit fee equals the margin (0 for an unlevered long: never)."""
    if side is Side.LONG:
        return max(0.0, (entry - margin / quantity) / (1.0 - commission))
    return (entry + margin / quantity) / (1.0 + commission)


class PaperBroker:
    """Simulated exchange account for a fixed set of symbols.

    :param symbols: tradable symbols
    :param balance: starting wallet balance
    :param commission: fraction of notional charged on every fill
    :param slippage: adverse price fraction on market and stop fills
    """

    def __init__(self, symbols: Iterable[str], *, balance: float, commission: float, slippage: float = 0.0) -> None:
        self.symbols = set(symbols)
        self.balance = float(balance)
        self.commission = float(commission)
        self.slippage = float(slippage)
        self.positions: dict[str, Position] = {}
        self.prices: dict[str, float] = {}
        self.next_id = 1
        self._pending_open: dict[str, OrderRequest] = {}
        self._pending_close: dict[str, str] = {}

    # ---- state -----------------------------------------------------------------------------------------
    @property
    def locked_margin(self) -> float:
        return sum(p.margin for p in self.positions.values())

    @property
    def free_balance(self) -> float:
        return self.balance - self.locked_margin

    @property
    def unrealized_pnl(self) -> float:
        return sum(p.unrealized_pnl for p in self.positions.values())

    @property
    def equity(self) -> float:
        return self.balance + self.unrealized_pnl

    def has_pending(self, symbol: str) -> bool:
        return symbol in self._pending_open or symbol in self._pending_close

    def restore(self, *, balance: float, positions: Iterable[Position], next_id: int) -> None:
        """Resume from persisted state (after a restart)."""
        self.balance = balance
        self.positions = {p.symbol: p for p in positions}
        for position in self.positions.values():
            self.prices.setdefault(position.symbol, position.mark_price or position.entry_price)
        self.next_id = max(self.next_id, next_id)

    def _new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    # ---- orders ----------------------------------------------------------------------------------------
    def submit(self, order: OrderRequest, time: float) -> OrderRejected | None:
        """Queue a market order for the next price; returns the rejection if it is invalid now."""
        if not order.id:
            order.id = self._new_id()
        order.created_time = time
        reason = self._validate(order, self.prices.get(order.symbol))
        if reason:
            return OrderRejected(order, reason, time)
        self._pending_open[order.symbol] = order
        return None

    def request_close(self, symbol: str, reason: str) -> bool:
        """Close ``symbol``'s position at the next price; False if there is none."""
        if symbol not in self.positions:
            return False
        self._pending_close[symbol] = reason
        return True

    def close_now(self, symbol: str, time: float, reason: str = 'manual') -> PositionClosed | None:
        """Close ``symbol``'s position at the last known price immediately (the emergency exit)."""
        position = self.positions.get(symbol)
        if position is None:
            return None
        self._pending_close.pop(symbol, None)
        price = self.prices.get(symbol, position.mark_price or position.entry_price)
        return self._close(
            position, self._slipped(price, position.side, is_entry=False), time, TradeStatus.CLOSED_MANUAL, reason
        )

    def cancel_pending(self) -> list[OrderRequest]:
        """Forget orders and strategy exits not yet filled (e.g. when the bot stops); returns the orders."""
        orders = list(self._pending_open.values())
        self._pending_open.clear()
        self._pending_close.clear()
        return orders

    def _validate(self, order: OrderRequest, reference: float | None) -> str:
        if order.symbol not in self.symbols:
            return f'unknown symbol {order.symbol!r}; tradable: {", ".join(sorted(self.symbols))}'
        if not 1.0 <= order.leverage <= MAX_LEVERAGE or not math.isfinite(order.leverage):
            return f'leverage {order.leverage} outside 1..{MAX_LEVERAGE:g}'
        sizes = [order.quantity is not None, order.margin is not None, order.all_in]
        if sum(sizes) != 1:
            return 'exactly one of quantity, margin or all_in must be given'
        for name in ('quantity', 'margin'):
            value = getattr(order, name)
            if value is not None and not (value > 0 and math.isfinite(value)):
                return f'{name} must be a positive number, got {value}'
        if order.symbol in self.positions:
            return f'a {self.positions[order.symbol].side} position on {order.symbol} is already open'
        if order.symbol in self._pending_open:
            return f'an order on {order.symbol} is already pending'
        if order.margin is not None and order.margin > self.free_balance:
            return f'insufficient balance: margin {order.margin:.2f} > free {self.free_balance:.2f}'
        if reference is not None:
            return self._check_levels(order, reference)
        return ''

    @staticmethod
    def _check_levels(order: OrderRequest, price: float) -> str:
        sign = order.side.sign
        if order.stop_loss is not None and (order.stop_loss - price) * sign >= 0:
            return f'stop-loss {order.stop_loss:g} is on the wrong side of price {price:g} for a {order.side}'
        if order.take_profit is not None and (order.take_profit - price) * sign <= 0:
            return f'take-profit {order.take_profit:g} is on the wrong side of price {price:g} for a {order.side}'
        return ''

    # ---- prices ----------------------------------------------------------------------------------------
    def on_price(self, symbol: str, price: float, time: float) -> list[BrokerUpdate]:
        """A live tick: fill pending orders at it, then enforce stops, targets and liquidation."""
        return self.on_bar(symbol, time, price, price, price, price)

    def on_bar(
        self, symbol: str, time: float, open_: float, high: float, low: float, close: float
    ) -> list[BrokerUpdate]:
        """A new bar (or tick, with all four prices equal): fills at ``open_``, exits within the range."""
        self.prices[symbol] = close
        position = self.positions.get(symbol)
        if position is None and symbol not in self._pending_open:
            return []
        updates: list[BrokerUpdate] = []
        if position is not None and symbol in self._pending_close:
            reason = self._pending_close.pop(symbol)
            updates.append(
                self._close(
                    position,
                    self._slipped(open_, position.side, is_entry=False),
                    time,
                    TradeStatus.CLOSED_BOT_EXIT,
                    reason,
                )
            )
            position = None
        order = self._pending_open.pop(symbol, None)
        if order is not None:
            result = self._open(order, open_, time)
            updates.append(result)
            position = result.position if isinstance(result, PositionOpened) else None
        if position is not None:
            position.mark_price = close
            exit_ = self._exit_within(position, open_, high, low)
            if exit_ is not None:
                price, status, reason = exit_
                updates.append(self._close(position, price, time, status, reason))
        return updates

    def _slipped(self, price: float, side: Side, *, is_entry: bool) -> float:
        buys = (side is Side.LONG) == is_entry
        return price * (1.0 + self.slippage) if buys else price * (1.0 - self.slippage)

    def _open(self, order: OrderRequest, market_price: float, time: float) -> PositionOpened | OrderRejected:
        price = self._slipped(market_price, order.side, is_entry=True)
        free = self.free_balance
        if order.all_in:
            quantity = self._all_in_quantity(price, order.leverage, free)
        elif order.margin is not None:
            quantity = order.margin * order.leverage / price
        else:
            quantity = float(order.quantity or 0.0)
        if quantity <= 0:
            return OrderRejected(order, f'free balance {free:.2f} buys no whole unit at {price:g}', time)
        reason = self._check_levels(order, price)
        if reason:
            return OrderRejected(order, reason, time)
        margin, fee = self._cost(quantity, price, order.leverage)
        if margin + fee > free:
            return OrderRejected(
                order, f'insufficient balance: margin {margin:.2f} + fee {fee:.2f} > free {free:.2f}', time
            )
        self.balance -= fee
        position = Position(
            id=order.id,
            symbol=order.symbol,
            side=order.side,
            quantity=quantity,
            entry_price=price,
            entry_time=time,
            leverage=order.leverage,
            margin=margin,
            entry_fee=fee,
            liquidation_price=liquidation_price(order.side, price, quantity, margin, self.commission),
            stop_loss=order.stop_loss,
            take_profit=order.take_profit,
            initial_stop_loss=order.stop_loss,
            initial_take_profit=order.take_profit,
            strategy=order.strategy,
            regime=order.regime,
            mark_price=price,
        )
        self.positions[order.symbol] = position
        fill = Fill(
            order_id=order.id,
            position_id=position.id,
            symbol=order.symbol,
            side=order.side,
            is_entry=True,
            quantity=quantity,
            price=price,
            fee=fee,
            time=time,
        )
        return PositionOpened(position, fill)

    def _cost(self, quantity: float, price: float, leverage: float) -> tuple[float, float]:
        """Margin and entry fee of ``quantity`` at ``price``; an order fits when their sum is at most the free cash."""
        return quantity * price / leverage, quantity * price * self.commission

    def _all_in_quantity(self, price: float, leverage: float, free: float) -> float:
        """The largest whole quantity whose margin plus fee fits ``free``, exactly as :meth:`_open` checks it."""

        def fits(quantity: float) -> bool:
            margin, fee = self._cost(quantity, price, leverage)
            return margin + fee <= free

        quantity = float(max(0, math.floor(free / (price * (1.0 / leverage + self.commission)))))
        while quantity > 0 and not fits(quantity):  # the estimate may round up by a unit
            quantity -= 1.0
        while fits(quantity + 1.0):  # ... or down
            quantity += 1.0
        return quantity

    def _exit_within(self, p: Position, open_: float, high: float, low: float) -> tuple[float, TradeStatus, str] | None:
        gapped = self._gap_exit(p, open_)
        if gapped is not None:
            return gapped
        liq = p.liquidation_price
        if p.side is Side.LONG:
            use_stop = p.stop_loss is not None and p.stop_loss > liq
            level = p.stop_loss if use_stop else liq
            if level > 0 and low <= level:
                if not use_stop:
                    return liq, TradeStatus.CLOSED_LIQUIDATION, 'margin used up'
                return self._slipped(min(open_, level), p.side, is_entry=False), TradeStatus.CLOSED_SL, 'stop-loss'
            if p.take_profit is not None and high >= p.take_profit:
                return max(open_, p.take_profit), TradeStatus.CLOSED_TP, 'take-profit'
        else:
            use_stop = p.stop_loss is not None and p.stop_loss < liq
            level = p.stop_loss if use_stop else liq
            if high >= level:
                if not use_stop:
                    return liq, TradeStatus.CLOSED_LIQUIDATION, 'margin used up'
                return self._slipped(max(open_, level), p.side, is_entry=False), TradeStatus.CLOSED_SL, 'stop-loss'
            if p.take_profit is not None and low <= p.take_profit:
                return min(open_, p.take_profit), TradeStatus.CLOSED_TP, 'take-profit'
        return None

    def _gap_exit(self, p: Position, price: float) -> tuple[float, TradeStatus, str] | None:
        """The exit when the price jumped to ``price`` beyond a level: it fills there (liquidation at its price)."""
        sign = p.side.sign
        liq = p.liquidation_price
        use_stop = p.stop_loss is not None and (p.stop_loss - liq) * sign > 0
        if (price - liq) * sign <= 0 and not use_stop and liq > 0:
            return liq, TradeStatus.CLOSED_LIQUIDATION, 'margin used up'
        if use_stop and p.stop_loss is not None and (price - p.stop_loss) * sign <= 0:
            return self._slipped(price, p.side, is_entry=False), TradeStatus.CLOSED_SL, 'stop-loss'
        if p.take_profit is not None and (price - p.take_profit) * sign >= 0:
            return price, TradeStatus.CLOSED_TP, 'take-profit'
        return None

    @staticmethod
    def _capped(p: Position, price: float, status: TradeStatus, reason: str) -> tuple[float, TradeStatus, str]:
        """A stop filled beyond the liquidation price is a liquidation: isolated margin caps the loss."""
        if (price - p.liquidation_price) * p.side.sign < 0:
            return p.liquidation_price, TradeStatus.CLOSED_LIQUIDATION, f'{reason} gapped through liquidation'
        return price, status, reason

    def _close(self, p: Position, price: float, time: float, status: TradeStatus, reason: str) -> PositionClosed:
        if status is not TradeStatus.CLOSED_LIQUIDATION:
            price, status, reason = self._capped(p, price, status, reason)
        fee = p.quantity * price * self.commission
        gross = (price - p.entry_price) * p.quantity * p.side.sign
        self.balance += gross - fee
        del self.positions[p.symbol]
        p.mark_price = price
        trade = Trade(
            id=p.id,
            symbol=p.symbol,
            side=p.side,
            quantity=p.quantity,
            leverage=p.leverage,
            margin=p.margin,
            entry_price=p.entry_price,
            entry_time=p.entry_time,
            exit_price=price,
            exit_time=time,
            entry_fee=p.entry_fee,
            exit_fee=fee,
            pnl=gross - fee - p.entry_fee,
            status=status,
            exit_reason=reason,
            stop_loss=p.initial_stop_loss,
            take_profit=p.initial_take_profit,
            strategy=p.strategy,
            regime=p.regime,
        )
        fill = Fill(
            order_id=self._new_id(),
            position_id=p.id,
            symbol=p.symbol,
            side=p.side,
            is_entry=False,
            quantity=p.quantity,
            price=price,
            fee=fee,
            time=time,
        )
        return PositionClosed(trade, fill)
