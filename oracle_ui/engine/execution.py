"""Decisions and orders: the strategy's signal on a closed candle, sized by risk, sent to the broker; the broker's
fills, closes and rejections recorded by the ledger and announced on the bus."""

from __future__ import annotations

import logging

from ..bus import EventBus
from ..events import BotError, EventType, FillInfo, OrderInfo, PositionInfo, SignalGenerated, TradeInfo
from .broker import BrokerUpdate, OrderRejected, PaperBroker, PositionClosed, PositionOpened
from .ledger import Ledger
from .market import LiveView
from .models import Candle, Fill, OrderRequest, Position, Side, Signal, SignalKind, Trade, TradeStatus
from .risk import RiskManager
from .storage import AccountStorage
from .strategies import Strategy

log = logging.getLogger(__name__)
SPECIAL_EXITS = {
    TradeStatus.CLOSED_SL: EventType.STOP_LOSS_HIT,
    TradeStatus.CLOSED_TP: EventType.TAKE_PROFIT_HIT,
    TradeStatus.CLOSED_LIQUIDATION: EventType.POSITION_LIQUIDATED,
}


class Execution:
    """Turns signals into orders and broker results into records and events."""

    def __init__(
        self, *, broker: PaperBroker, risk: RiskManager, ledger: Ledger, store: AccountStorage, bus: EventBus
    ) -> None:
        self.broker = broker
        self.risk = risk
        self.ledger = ledger
        self.store = store
        self.bus = bus

    def decide(self, strategy: Strategy, candle: Candle, view: LiveView, now: float) -> None:
        """Let ``strategy`` decide on a closed candle and act on its signal (``now``: market time)."""
        position = self.broker.positions.get(candle.symbol)
        try:
            signal = strategy.evaluate(candle, view, position.side if position else None)
        except Exception as error:
            log.warning('strategy %s failed on %s: %s', strategy.name, candle.symbol, error)
            message = f'strategy {strategy.name} failed on {candle.symbol}: {type(error).__name__}: {error}'
            self.bus.publish(EventType.BOT_ERROR, BotError(message=message, component='strategy'), source='strategy')
            return
        if signal is None:
            return
        self.bus.publish(
            EventType.SIGNAL_GENERATED,
            SignalGenerated(
                symbol=signal.symbol,
                kind=signal.kind.value,
                strength=signal.strength,
                stop_loss=signal.stop_loss,
                take_profit=signal.take_profit,
                leverage=signal.leverage,
                reason=signal.reason,
                regime=signal.regime.value if signal.regime else None,
                strategy=strategy.name,
                time=now,
            ),
            source='strategy',
        )
        if signal.kind is SignalKind.FLAT:
            self.broker.request_close(signal.symbol, signal.reason or 'strategy exit')
            return
        self._place(signal, candle, strategy.name, now)

    def _place(self, signal: Signal, candle: Candle, strategy: str, now: float) -> None:
        sized = self.risk.size(signal, self.broker, candle.close, strategy=strategy)
        if isinstance(sized, str):
            order = OrderRequest(
                symbol=signal.symbol,
                side=Side(signal.kind.value),
                leverage=signal.leverage,
                stop_loss=signal.stop_loss,
                take_profit=signal.take_profit,
                strategy=strategy,
                reason=signal.reason,
                id=self.broker.next_id,
                created_time=now,
            )
            self.broker.next_id += 1
            self._rejected(OrderRejected(order, sized, now))
            return
        rejected = self.broker.submit(sized, now)
        if rejected is not None:
            self._rejected(rejected)
            return
        self.store.record_order(sized, 'placed')
        self.bus.publish(EventType.ORDER_PLACED, order_info(sized, time=now), source='broker')

    def cancel_pending(self, reason: str, now: float) -> int:
        """Cancel orders not yet filled (the bot stopped at market time ``now``); returns how many."""
        pending = self.broker.cancel_pending()
        if pending:
            self.store.set_order_status((o.id for o in pending), 'cancelled', reason)
        for order in pending:
            self.bus.publish(EventType.ORDER_CANCELLED, order_info(order, reason, time=now), source='broker')
        return len(pending)

    def close_now(self, symbol: str, reason: str, now: float) -> Trade | None:
        """Close ``symbol``'s position at the last price now; None if there is none."""
        closed = self.broker.close_now(symbol, now, reason)
        if closed is None:
            return None
        self.handle([closed])
        return closed.trade

    def handle(self, updates: list[BrokerUpdate]) -> None:
        """Record and announce what the broker did."""
        for update in updates:
            if isinstance(update, PositionOpened):
                self._opened(update)
            elif isinstance(update, PositionClosed):
                self._closed(update)
            else:
                self._rejected(update)

    def _opened(self, update: PositionOpened) -> None:
        p, fill = update.position, update.fill
        self.ledger.opened(update)
        self.bus.publish(EventType.ORDER_FILLED, fill_info(fill), source='broker')
        self.bus.publish(EventType.POSITION_OPENED, position_info(p), source='broker')
        self.bus.publish(
            EventType.TRADE_EXECUTED,
            TradeInfo(
                id=p.id,
                symbol=p.symbol,
                side=p.side.value,
                quantity=p.quantity,
                price=fill.price,
                leverage=p.leverage,
                margin=p.margin,
                entry_price=p.entry_price,
                exit_price=None,
                entry_time=p.entry_time,
                exit_time=None,
                entry_fee=p.entry_fee,
                exit_fee=0.0,
                fees=p.entry_fee,
                pnl=0.0,
                pnl_pct=0.0,
                status='OPEN',
                exit_reason='',
                strategy=p.strategy,
                regime=p.regime,
                timestamp=fill.time,
            ),
            source='broker',
        )
        self.ledger.publish_account(fill.time)

    def _closed(self, update: PositionClosed) -> None:
        t, fill = update.trade, update.fill
        self.ledger.closed(update)
        info = trade_info(t, fill.price, fill.time)
        self.bus.publish(EventType.ORDER_FILLED, fill_info(fill), source='broker')
        self.bus.publish(EventType.POSITION_CLOSED, info, source='broker')
        self.bus.publish(EventType.TRADE_EXECUTED, info, source='broker')
        if (special := SPECIAL_EXITS.get(t.status)) is not None:
            self.bus.publish(special, info, source='broker')
        self.ledger.publish_account(fill.time)

    def _rejected(self, rejected: OrderRejected) -> None:
        self.store.record_order(rejected.order, 'rejected', rejected.reason)
        info = order_info(rejected.order, rejected.reason, time=rejected.time)
        self.bus.publish(EventType.ORDER_REJECTED, info, source='broker')


def position_info(p: Position) -> PositionInfo:
    """The ``position_opened`` payload of a position, marked at its current mark price."""
    return PositionInfo(
        id=p.id,
        symbol=p.symbol,
        side=p.side.value,
        quantity=p.quantity,
        entry_price=p.entry_price,
        entry_time=p.entry_time,
        leverage=p.leverage,
        margin=p.margin,
        entry_fee=p.entry_fee,
        liquidation_price=p.liquidation_price,
        stop_loss=p.stop_loss,
        take_profit=p.take_profit,
        mark_price=p.mark_price,
        unrealized_pnl=p.unrealized_pnl,
        strategy=p.strategy,
        regime=p.regime,
    )


def trade_info(t: Trade, price: float, timestamp: float) -> TradeInfo:
    """The payload of a closed trade's events; ``price`` is the fill price of this execution."""
    return TradeInfo(
        id=t.id,
        symbol=t.symbol,
        side=t.side.value,
        quantity=t.quantity,
        price=price,
        leverage=t.leverage,
        margin=t.margin,
        entry_price=t.entry_price,
        exit_price=t.exit_price,
        entry_time=t.entry_time,
        exit_time=t.exit_time,
        entry_fee=t.entry_fee,
        exit_fee=t.exit_fee,
        fees=t.fees,
        pnl=t.pnl,
        pnl_pct=t.pnl_pct,
        status=t.status.value,
        exit_reason=t.exit_reason,
        strategy=t.strategy,
        regime=t.regime,
        timestamp=timestamp,
    )


def order_info(order: OrderRequest, reason: str = '', *, time: float | None = None) -> OrderInfo:
    """The payload of an order's events; ``time``: market time of the event (placed, rejected, cancelled)."""
    return OrderInfo(
        order_id=order.id,
        symbol=order.symbol,
        side=order.side.value,
        leverage=order.leverage,
        quantity=order.quantity,
        margin=order.margin,
        stop_loss=order.stop_loss,
        take_profit=order.take_profit,
        strategy=order.strategy,
        reason=reason or order.reason,
        time=time,
    )


def fill_info(fill: Fill) -> FillInfo:
    return FillInfo(
        order_id=fill.order_id,
        position_id=fill.position_id,
        symbol=fill.symbol,
        side=fill.side.value,
        is_entry=fill.is_entry,
        quantity=fill.quantity,
        price=fill.price,
        fee=fill.fee,
        time=fill.time,
    )
