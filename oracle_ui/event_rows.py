"""Events as people read them (the live feed, ``/events``): which clock an event's time is on, and one row per
fill with the events that belong to it folded in. Every event stays stored and streamed as it is; this is only
how they are shown."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import formatting as fmt
from .events import (
    AnalysisComplete,
    BalanceUpdate,
    CandleClosed,
    Event,
    EventType,
    FillInfo,
    OrderbookUpdate,
    OrderInfo,
    PnlUpdate,
    PortfolioUpdate,
    PositionInfo,
    PriceUpdate,
    RegimeChanged,
    RiskLimitHit,
    SignalGenerated,
    TradeInfo,
)
from .i18n import _
from .summaries import exit_name, levels_text, summarize

TRADE_TYPES = frozenset(
    {
        EventType.TRADE_EXECUTED,
        EventType.POSITION_CLOSED,
        EventType.STOP_LOSS_HIT,
        EventType.TAKE_PROFIT_HIT,
        EventType.POSITION_LIQUIDATED,
    }
)
ACCOUNT_TYPES = frozenset({EventType.BALANCE_UPDATE, EventType.PORTFOLIO_UPDATE})


def market_time(event: Event) -> float | None:
    """When a market happening happened on the market's clock (simulated or replayed time differs from the
    envelope's wall-clock ``timestamp``); None for events that are not about the market (bot, system, audit)."""
    payload = event.payload
    if isinstance(payload, FillInfo | CandleClosed | AnalysisComplete | PortfolioUpdate):
        return float(payload.time)
    if isinstance(payload, TradeInfo | PriceUpdate | OrderbookUpdate):
        return payload.timestamp
    if isinstance(payload, PositionInfo):
        return payload.entry_time
    if isinstance(payload, OrderInfo | SignalGenerated | RegimeChanged | BalanceUpdate | PnlUpdate | RiskLimitHit):
        return payload.time
    return None


@dataclass(eq=False)
class EventGroup:
    """Events shown as one row: a fill with its order, position, trade and account events, or a single event
    (compared and hashed by identity: a row is itself however many events it takes in)."""

    events: list[Event] = field(default_factory=list)

    @property
    def fill(self) -> FillInfo | None:
        return next((f for e in self.events if (f := e.payload_as(FillInfo)) is not None), None)

    @property
    def head(self) -> Event:
        """The event the row stands for: the fill if there is one, else the first."""
        return next((e for e in self.events if e.type is EventType.ORDER_FILLED), self.events[0])

    @property
    def newest(self) -> Event:
        return max(self.events, key=lambda e: e.id)

    @property
    def types(self) -> list[str]:
        """Every folded event's type, in the order they were published."""
        return [e.type.value for e in sorted(self.events, key=lambda e: e.id)]

    @property
    def market_time(self) -> float | None:
        return market_time(self.head)

    @property
    def is_test(self) -> bool:
        return any(e.test for e in self.events)

    def summary(self) -> str:
        fill = self.fill
        if fill is None:
            return summarize(self.head)
        parts = [summarize(self.head)]
        has_trade = False
        for event in sorted(self.events, key=lambda e: e.id):
            if (position := event.payload_as(PositionInfo)) is not None and event.type is EventType.POSITION_OPENED:
                levels = levels_text(position.stop_loss, position.take_profit, ', ').removeprefix(', ')
                opened = _('position #{id} opened').format(id=position.id)
                parts.append(opened + (f' ({levels})' if levels else ''))
            elif (trade := event.payload_as(TradeInfo)) is not None and trade.status != 'OPEN':
                if not has_trade:
                    closed = _('trade #{id} {how}, PnL {pnl}')
                    how, pnl = exit_name(trade.status, trade.exit_reason), fmt.signed_money(trade.pnl)
                    parts.append(closed.format(id=trade.id, how=how, pnl=pnl))
                    has_trade = True
            elif (balance := event.payload_as(BalanceUpdate)) is not None:
                parts.append(_('balance {balance}').format(balance=fmt.money(balance.balance, balance.currency)))
        return ' · '.join(parts)

    def accepts(self, event: Event, previous: Event | None) -> bool:
        """Whether ``event`` belongs to this row; ``previous`` is the event published just before it."""
        fill = self.fill
        if event.type is EventType.ORDER_FILLED:
            new = event.payload_as(FillInfo)
            order = next((o for e in self.events if (o := e.payload_as(OrderInfo)) is not None), None)
            return fill is None and new is not None and order is not None and order.order_id == new.order_id
        if fill is None:
            return False
        if event.type is EventType.ORDER_PLACED:
            order = event.payload_as(OrderInfo)
            return order is not None and order.order_id == fill.order_id
        if event.type is EventType.POSITION_OPENED:
            position = event.payload_as(PositionInfo)
            return fill.is_entry and position is not None and position.id == fill.position_id
        if event.type in TRADE_TYPES:
            trade = event.payload_as(TradeInfo)
            return trade is not None and trade.id == fill.position_id and (trade.status == 'OPEN') == fill.is_entry
        if event.type in ACCOUNT_TYPES:  # the broker's account update right after the fill's events
            return event.source == 'broker' and previous is not None and previous in self.events
        return False


class EventFolder:
    """Folds events, oldest first, into rows; remembers the last ``window`` rows for events that join later (an
    order placed at a candle's close is filled at the next price)."""

    def __init__(self, window: int = 50) -> None:
        self.groups: deque[EventGroup] = deque(maxlen=window)
        self._previous: Event | None = None

    def add(self, event: Event) -> tuple[EventGroup, bool]:
        """Fold ``event`` in; returns its row and whether the row is new."""
        previous, self._previous = self._previous, event
        for group in reversed(self.groups):
            if group.accepts(event, previous):
                group.events.append(event)
                return group, False
        group = EventGroup([event])
        self.groups.append(group)
        return group, True


def fold(events: Iterable[Event]) -> list[EventGroup]:
    """``events`` (any order) as rows, newest row first (a row sits where its newest event is)."""
    folder = EventFolder(window=10_000)
    rows: list[EventGroup] = []
    for event in sorted(events, key=lambda e: e.id):
        group, is_new = folder.add(event)
        if is_new:
            rows.append(group)
    return sorted(rows, key=lambda g: g.newest.id, reverse=True)
