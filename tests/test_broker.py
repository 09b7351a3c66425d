"""Paper broker accounting through its public interface."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle_ui.engine.broker import OrderRejected, PaperBroker, PositionClosed, PositionOpened
from oracle_ui.engine.models import OrderRequest, Side, TradeStatus

SYM = 'BTC/USDT'


def broker(balance: float = 10_000.0, commission: float = 0.001, slippage: float = 0.0) -> PaperBroker:
    return PaperBroker([SYM, 'ETH/USDT'], balance=balance, commission=commission, slippage=slippage)


def open_long(b: PaperBroker, price: float = 100.0, **order) -> PositionOpened:
    b.on_price(SYM, price, 0)
    assert b.submit(OrderRequest(symbol=SYM, side=Side.LONG, **order), 0) is None
    (update,) = b.on_price(SYM, price, 1)
    assert isinstance(update, PositionOpened), update
    return update


def test_market_order_fills_at_next_price_with_commission() -> None:
    b = broker()
    b.on_price(SYM, 100.0, 0)
    b.submit(OrderRequest(symbol=SYM, side=Side.LONG, margin=1000, leverage=5), 0)
    assert not b.positions, 'nothing fills before the next price'
    (opened,) = b.on_price(SYM, 101.0, 1)
    p = opened.position
    assert p.entry_price == 101.0
    assert p.quantity == pytest.approx(1000 * 5 / 101.0)
    assert opened.fill.fee == pytest.approx(p.quantity * 101.0 * 0.001)
    assert b.balance == pytest.approx(10_000 - opened.fill.fee)
    assert b.free_balance == pytest.approx(b.balance - p.margin)


def test_closing_books_fee_inclusive_pnl() -> None:
    b = broker()
    opened = open_long(b, 100.0, quantity=10, leverage=2)
    b.on_price(SYM, 110.0, 3)
    closed = b.close_now(SYM, 4)
    assert isinstance(closed, PositionClosed)
    t = closed.trade
    assert t.pnl == pytest.approx((110 - 100) * 10 - 100 * 10 * 0.001 - 110 * 10 * 0.001)
    assert b.balance == pytest.approx(10_000 + t.pnl)
    assert t.status is TradeStatus.CLOSED_MANUAL and opened.position.id == t.id


def test_stop_loss_fills_at_stop_or_at_gap_open() -> None:
    b = broker(commission=0)
    open_long(b, 100.0, quantity=1, stop_loss=95, take_profit=120)
    (closed,) = b.on_bar(SYM, 2, 99, 100, 94, 96)
    assert closed.trade.exit_price == 95 and closed.trade.status is TradeStatus.CLOSED_SL
    open_long(b, 100.0, quantity=1, stop_loss=95)
    (gapped,) = b.on_bar(SYM, 3, 90, 91, 89, 90)
    assert gapped.trade.exit_price == 90, 'a bar opening below the stop fills at the open'


def test_take_profit_and_short_side() -> None:
    b = broker(commission=0)
    b.on_price(SYM, 100.0, 0)
    b.submit(OrderRequest(symbol=SYM, side=Side.SHORT, quantity=2, stop_loss=105, take_profit=90), 0)
    b.on_price(SYM, 100.0, 1)
    (closed,) = b.on_bar(SYM, 2, 99, 99.5, 89, 91)
    assert closed.trade.status is TradeStatus.CLOSED_TP and closed.trade.exit_price == 90
    assert closed.trade.pnl == pytest.approx(20.0)


def test_a_bar_opening_beyond_a_level_closes_at_the_open_before_the_other_level_is_considered() -> None:
    """The gap rule comes first: a bar that opens beyond the target closes there even if it touches the stop."""
    b = broker(commission=0.001)
    open_long(b, 100.0, quantity=10, stop_loss=95, take_profit=110)
    (closed,) = b.on_bar(SYM, 2, 112, 113, 94, 100)
    assert closed.trade.status is TradeStatus.CLOSED_TP and closed.trade.exit_price == 112
    assert closed.trade.pnl == pytest.approx(120 - 1.0 - 1.12)
    open_long(b, 100.0, quantity=10, stop_loss=95, take_profit=110)
    (closed,) = b.on_bar(SYM, 3, 93, 111, 92, 100)
    assert closed.trade.status is TradeStatus.CLOSED_SL and closed.trade.exit_price == 93
    for open_, high, low, status in ((88, 106, 87, TradeStatus.CLOSED_TP), (107, 108, 89, TradeStatus.CLOSED_SL)):
        b.on_price(SYM, 100.0, 4)
        short = OrderRequest(symbol=SYM, side=Side.SHORT, quantity=10, stop_loss=105, take_profit=90)
        assert b.submit(short, 4) is None
        b.on_price(SYM, 100.0, 5)
        (closed,) = b.on_bar(SYM, 6, open_, high, low, 100)
        assert closed.trade.status is status and closed.trade.exit_price == open_


def test_both_levels_in_a_flat_bar_with_the_open_midway_hit_the_stop_first() -> None:
    b = broker(commission=0)
    open_long(b, 100.0, quantity=1, stop_loss=95, take_profit=105)
    (closed,) = b.on_bar(SYM, 2, 100, 106, 94, 100)
    assert closed.trade.status is TradeStatus.CLOSED_SL


def test_liquidation_loses_exactly_the_margin() -> None:
    b = broker(commission=0.0005)
    opened = open_long(b, 100.0, margin=100, leverage=10)
    balance_after_entry = b.balance
    liq = opened.position.liquidation_price
    assert 89 < liq < 91
    (closed,) = b.on_bar(SYM, 2, 95, 95, 50, 60)
    assert closed.trade.status is TradeStatus.CLOSED_LIQUIDATION
    assert b.balance == pytest.approx(balance_after_entry - opened.position.margin)


@pytest.mark.parametrize(
    ('order', 'reason'),
    [
        (OrderRequest(symbol='DOGE/USDT', side=Side.LONG, quantity=1), 'unknown symbol'),
        (OrderRequest(symbol=SYM, side=Side.LONG, quantity=0), 'positive'),
        (OrderRequest(symbol=SYM, side=Side.LONG, quantity=-3), 'positive'),
        (OrderRequest(symbol=SYM, side=Side.LONG, margin=50_000), 'insufficient balance'),
        (OrderRequest(symbol=SYM, side=Side.LONG, quantity=1, leverage=500), 'leverage'),
        (OrderRequest(symbol=SYM, side=Side.LONG, quantity=1, stop_loss=101), 'stop-loss'),
        (OrderRequest(symbol=SYM, side=Side.SHORT, quantity=1, take_profit=101), 'take-profit'),
    ],
)
def test_invalid_orders_are_rejected_with_a_reason_and_change_nothing(order: OrderRequest, reason: str) -> None:
    b = broker()
    b.on_price(SYM, 100.0, 0)
    rejected = b.submit(order, 0)
    assert isinstance(rejected, OrderRejected) and reason in rejected.reason
    assert b.on_price(SYM, 100.0, 1) == [] and b.balance == 10_000 and not b.positions


def test_insufficient_balance_at_fill_time_is_rejected_whole() -> None:
    b = broker(balance=1000)
    b.on_price(SYM, 100.0, 0)
    assert b.submit(OrderRequest(symbol=SYM, side=Side.LONG, quantity=9.9), 0) is None
    (update,) = b.on_price(SYM, 120.0, 1)
    assert isinstance(update, OrderRejected) and 'insufficient' in update.reason
    assert b.balance == 1000 and not b.positions


def test_all_in_buys_whole_units_commission_included() -> None:
    b = broker(balance=1000, commission=0.01)
    b.on_price(SYM, 100.0, 0)
    b.submit(OrderRequest(symbol=SYM, side=Side.LONG, all_in=True), 0)
    (opened,) = b.on_price(SYM, 99.0, 1)
    assert opened.position.quantity == 10  # 10 * 99 * 1.01 = 999.9 <= 1000 < 11 * 99 * 1.01
    assert b.free_balance >= 0


def test_all_in_just_below_a_whole_unit_buys_one_unit_less_instead_of_being_rejected() -> None:
    b = broker(balance=7_999.99999995, commission=0.0)  # 79.9999999995 units at 100
    b.on_price(SYM, 100.0, 0)
    b.submit(OrderRequest(symbol=SYM, side=Side.LONG, all_in=True), 0)
    (opened,) = b.on_price(SYM, 100.0, 1)
    assert isinstance(opened, PositionOpened), opened
    assert opened.position.quantity == 79


def _fill(balance: float, commission: float, price: float, **order) -> PositionOpened | OrderRejected:
    b = broker(balance=balance, commission=commission)
    b.on_price(SYM, price, 0)
    assert b.submit(OrderRequest(symbol=SYM, side=Side.LONG, **order), 0) is None
    return b.on_price(SYM, price, 1)[0]  # (a fee above 1/leverage liquidates the position at once, next)


@settings(max_examples=400, deadline=None)
@given(
    price=st.floats(min_value=0.01, max_value=1e6),
    units=st.integers(min_value=1, max_value=10**6),
    nearness=st.floats(min_value=-1e-9, max_value=1e-9) | st.floats(min_value=-0.5, max_value=0.5),
    leverage=st.sampled_from([1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 125.0]) | st.floats(min_value=1.0, max_value=125.0),
    commission=st.sampled_from([0.0, 0.0002, 0.0005, 0.001, 0.003]) | st.floats(min_value=0.0, max_value=0.05),
)
def test_all_in_takes_the_largest_affordable_whole_quantity(
    price: float, units: int, nearness: float, leverage: float, commission: float
) -> None:
    """Balances at and around the cost of a whole number of units: the chosen quantity fits, one more does not."""
    balance = units * price * (1.0 / leverage + commission) * (1.0 + nearness)
    update = _fill(balance, commission, price, all_in=True, leverage=leverage)
    one_more = 1.0
    if isinstance(update, PositionOpened):
        quantity = update.position.quantity
        assert quantity == int(quantity) >= 1
        assert update.position.margin + update.fill.fee <= balance, 'affordable'
        one_more = quantity + 1.0
    else:
        assert 'buys no whole unit' in update.reason
    bigger = _fill(balance, commission, price, quantity=one_more, leverage=leverage)
    assert isinstance(bigger, OrderRejected) and 'insufficient balance' in bigger.reason, 'one more unit is not'


prices = st.floats(min_value=1.0, max_value=10_000.0, allow_nan=False)
actions = st.lists(
    st.tuples(
        st.sampled_from(['long', 'short', 'close', 'bar']),
        prices,
        st.floats(min_value=0.01, max_value=0.99),
        st.sampled_from([1.0, 3.0, 10.0, 50.0]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(actions=actions, commission=st.sampled_from([0.0, 0.0005, 0.001, 0.01]), slippage=st.sampled_from([0.0, 0.001]))
def test_accounting_invariants(actions, commission: float, slippage: float) -> None:
    """Equity = cash + marked positions; fees >= 0; balance never negative; a close books exactly its PnL."""
    b = broker(balance=10_000, commission=commission, slippage=slippage)
    start = b.balance
    realized = 0.0
    for time, (kind, price, fraction, leverage) in enumerate(actions, start=1):
        balance_before = b.balance
        if kind in ('long', 'short') and not b.has_pending(SYM) and SYM not in b.positions:
            margin = max(b.free_balance * fraction, 0.01)
            b.submit(OrderRequest(symbol=SYM, side=Side(kind), margin=margin, leverage=leverage), time)
            updates = b.on_price(SYM, price, time)
        elif kind == 'close':
            closed = b.close_now(SYM, time)
            updates = [closed] if closed else []
        else:
            low, high = price * (1 - fraction / 2), price * (1 + fraction / 2)
            updates = b.on_bar(SYM, time, price, high, low, price * (1 + (fraction - 0.5) / 4))
        for update in updates:
            if isinstance(update, PositionOpened):
                assert update.fill.fee >= 0
                assert b.balance == pytest.approx(balance_before - update.fill.fee, rel=1e-12, abs=1e-9)
            elif isinstance(update, PositionClosed):
                t = update.trade
                assert t.entry_fee >= 0 and t.exit_fee >= 0
                expected = (t.exit_price - t.entry_price) * t.quantity * t.side.sign - t.entry_fee - t.exit_fee
                assert t.pnl == pytest.approx(expected, rel=1e-9, abs=1e-9)
                assert b.balance == pytest.approx(balance_before + t.pnl + t.entry_fee, rel=1e-9, abs=1e-6)
                if t.status is TradeStatus.CLOSED_LIQUIDATION:
                    assert t.pnl + t.entry_fee == pytest.approx(-t.margin, rel=1e-9, abs=1e-6)
                realized += t.pnl
                balance_before = b.balance
        assert b.balance >= -1e-6, 'no trade leaves a negative balance'
        assert b.free_balance >= -1e-6
        marked = sum((p.mark_price - p.entry_price) * p.quantity * p.side.sign for p in b.positions.values())
        assert b.equity == pytest.approx(b.balance + marked, rel=1e-12, abs=1e-9)
        open_fees = sum(p.entry_fee for p in b.positions.values())
        assert b.balance == pytest.approx(start + realized - open_fees, rel=1e-9, abs=1e-6)
        assert all(math.isfinite(v) for v in (b.balance, b.equity))
