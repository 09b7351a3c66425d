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
open). Exits: a price that *jumped* beyond a stop-loss or take-profit fills at that price (the gap rule: a bar
opening beyond a level closes at the open, before anything else in the bar counts, so a bar gapping through the
target closes there even if it later touches the stop); a price that *moved continuously* through a level fills
at the level. A bar is walked along its path, open -> nearer extreme -> other extreme -> close
(:mod:`.intrabar`, the same path the CSV replay ticks through), so whichever level the path reaches first wins;
live ticks move continuously within a bar of ``bar_s`` and jump at the first tick of a bar.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from . import refusals
from .exits import Exit, crossing_exit, gap_exit, reaches_level
from .intrabar import bar_path, path_times
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
    :param bar_s: candle length of live ticks (see :meth:`on_price`; default: none, every tick may have jumped)
    """

    def __init__(
        self,
        symbols: Iterable[str],
        *,
        balance: float,
        commission: float,
        slippage: float = 0.0,
        bar_s: int | None = None,
    ) -> None:
        self.symbols = set(symbols)
        self.balance = float(balance)
        self.commission = float(commission)
        self.slippage = float(slippage)
        self.bar_s = bar_s
        self._bar_of: dict[str, int | None] = {}
        """The bar of each symbol's last tick."""
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
            return refusals.UNKNOWN_SYMBOL.format(symbol=repr(order.symbol), symbols=', '.join(sorted(self.symbols)))
        if not 1.0 <= order.leverage <= MAX_LEVERAGE or not math.isfinite(order.leverage):
            return refusals.LEVERAGE_OUTSIDE.format(leverage=order.leverage, most=f'{MAX_LEVERAGE:g}')
        sizes = [order.quantity is not None, order.margin is not None, order.all_in]
        if sum(sizes) != 1:
            return refusals.ONE_SIZE
        for name in ('quantity', 'margin'):
            value = getattr(order, name)
            if value is not None and not (value > 0 and math.isfinite(value)):
                return refusals.NOT_POSITIVE.format(name=name, value=value)
        if order.symbol in self.positions:
            return refusals.ALREADY_OPEN.format(side=self.positions[order.symbol].side, symbol=order.symbol)
        if order.symbol in self._pending_open:
            return refusals.ALREADY_PENDING.format(symbol=order.symbol)
        if order.margin is not None and order.margin > self.free_balance:
            return refusals.MARGIN_OVER_FREE.format(margin=f'{order.margin:.2f}', free=f'{self.free_balance:.2f}')
        if reference is not None:
            return self._check_levels(order, reference)
        return ''

    @staticmethod
    def _check_levels(order: OrderRequest, price: float) -> str:
        sign = order.side.sign
        if order.stop_loss is not None and (order.stop_loss - price) * sign >= 0:
            return refusals.STOP_WRONG_SIDE.format(level=f'{order.stop_loss:g}', price=f'{price:g}', side=order.side)
        if order.take_profit is not None and (order.take_profit - price) * sign <= 0:
            target = f'{order.take_profit:g}'
            return refusals.TAKE_PROFIT_WRONG_SIDE.format(level=target, price=f'{price:g}', side=order.side)
        return ''

    # ---- prices ----------------------------------------------------------------------------------------
    def on_price(self, symbol: str, price: float, time: float) -> list[BrokerUpdate]:
        """A live tick: fill pending orders at it, then enforce stops, targets and liquidation.

        Within one bar of ``bar_s`` the price moved continuously from the previous tick, so a level it crossed
        fills at the level; the first tick of a bar (every tick without ``bar_s``) may have jumped, so a level it
        is already beyond fills at its price — the same rules as :meth:`on_bar` applies to a bar's path.
        """
        bar = int(time // self.bar_s) if self.bar_s else None
        is_gap = bar is None or self._bar_of.get(symbol) != bar
        self._bar_of[symbol] = bar
        return self._step(symbol, time, price, is_gap=is_gap)

    def on_bar(
        self, symbol: str, time: float, open_: float, high: float, low: float, close: float, *, interval_s: float = 0.0
    ) -> list[BrokerUpdate]:
        """A bar, walked as the ticks of :func:`~.intrabar.bar_path` at :func:`~.intrabar.path_times`: pending
        orders fill at the open; exits follow the path (``interval_s``, the bar's length, dates them)."""
        position = self.positions.get(symbol)
        is_quiet = position is None or (symbol not in self._pending_close and not reaches_level(position, high, low))
        if is_quiet and symbol not in self._pending_open:  # the common case, kept fast: nothing fills on this bar
            self.prices[symbol] = close
            if position is not None:
                position.mark_price = close
            return []
        updates = self._step(symbol, time, open_, is_gap=True)
        position = self.positions.get(symbol)
        if position is None or not reaches_level(position, high, low):  # the common case, kept fast
            self.prices[symbol] = close
            if position is not None:
                position.mark_price = close
            return updates
        points, times = bar_path(open_, high, low, close), path_times(time, interval_s)
        for k in range(1, len(points)):
            updates.extend(self._step(symbol, times[k], points[k], is_gap=False))
        return updates

    def _step(self, symbol: str, time: float, price: float, *, is_gap: bool) -> list[BrokerUpdate]:
        """The price moves to ``price``: pending exits and orders fill at it, then exits on the way there."""
        previous = self.prices.get(symbol)
        self.prices[symbol] = price
        position = self.positions.get(symbol)
        if position is None and symbol not in self._pending_open:
            return []
        updates: list[BrokerUpdate] = []
        if position is not None:
            if symbol in self._pending_close:
                exit_: Exit | None = price, TradeStatus.CLOSED_BOT_EXIT, self._pending_close.pop(symbol)
            elif is_gap or previous is None:
                exit_ = gap_exit(position, price)
            else:
                exit_ = crossing_exit(position, previous, price)
            if exit_ is not None:
                updates.append(self._exit(position, exit_, time))
                position = None
        order = self._pending_open.pop(symbol, None)
        if order is not None:
            result = self._open(order, price, time)
            updates.append(result)
            if isinstance(result, PositionOpened):  # slippage may put the fill's own tick beyond its stop
                position = result.position
                exit_ = gap_exit(position, price)
                if exit_ is not None:
                    updates.append(self._exit(position, exit_, time))
                    position = None
        if position is not None:
            position.mark_price = price
        return updates

    def _exit(self, p: Position, exit_: Exit, time: float) -> PositionClosed:
        """Close at the exit's price; stops and strategy exits are market orders and slip, targets are limits."""
        price, status, reason = exit_
        if status in (TradeStatus.CLOSED_SL, TradeStatus.CLOSED_BOT_EXIT):
            price = self._slipped(price, p.side, is_entry=False)
        return self._close(p, price, time, status, reason)

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
            return OrderRejected(order, refusals.NO_WHOLE_UNIT.format(free=f'{free:.2f}', price=f'{price:g}'), time)
        reason = self._check_levels(order, price)
        if reason:
            return OrderRejected(order, reason, time)
        margin, fee = self._cost(quantity, price, order.leverage)
        if margin + fee > free:
            cost = refusals.COST_OVER_FREE.format(margin=f'{margin:.2f}', fee=f'{fee:.2f}', free=f'{free:.2f}')
            return OrderRejected(order, cost, time)
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
