"""One path through a bar: the replay ticks along it and the backtest's broker exits along it, identically."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle_ui.engine.bars import Bars, write_bars
from oracle_ui.engine.broker import PaperBroker, PositionClosed, PositionOpened
from oracle_ui.engine.feed import ReplayFeed
from oracle_ui.engine.intrabar import bar_path
from oracle_ui.engine.models import OrderRequest, Side, Tick, TradeStatus

from .helpers import FakeClock

SYM = 'X/USDT'
START = 1_699_999_980  # a whole minute


def test_bar_path_visits_the_extreme_nearer_the_open_first_and_breaks_ties_by_the_close() -> None:
    assert bar_path(100, 101, 90, 95) == (100, 101, 90, 95)
    assert bar_path(100, 110, 99, 105) == (100, 99, 110, 105)
    assert bar_path(100, 105, 95, 101) == (100, 95, 105, 101), 'a tie in a rising bar: low first'
    assert bar_path(100, 105, 95, 99) == (100, 105, 95, 99), 'a tie in a falling bar: high first'
    assert bar_path(100, 105, 95, 100) == (100, 95, 105, 100)


def test_a_bar_whose_path_reaches_the_target_first_closes_there_though_it_touches_the_stop_later() -> None:
    b = PaperBroker([SYM], balance=10_000, commission=0.0)
    b.on_price(SYM, 100.0, 0)
    b.submit(OrderRequest(symbol=SYM, side=Side.LONG, quantity=1, stop_loss=95, take_profit=105), 0)
    b.on_price(SYM, 100.0, 1)
    (closed,) = b.on_bar(SYM, 120, 103, 106, 94, 100, interval_s=60)
    assert closed.trade.status is TradeStatus.CLOSED_TP and closed.trade.exit_price == 105
    assert closed.trade.exit_time == 120 + 15, 'dated at the path point after the crossing'
    b.submit(OrderRequest(symbol=SYM, side=Side.SHORT, quantity=1, stop_loss=105, take_profit=95), 2)
    b.on_price(SYM, 100.0, 3)
    (closed,) = b.on_bar(SYM, 180, 103, 106, 94, 100, interval_s=60)
    assert closed.trade.status is TradeStatus.CLOSED_SL and closed.trade.exit_price == 105


def test_live_ticks_fill_a_crossed_level_at_the_level_and_a_jump_beyond_it_at_the_tick() -> None:
    b = PaperBroker([SYM], balance=10_000, commission=0.0, bar_s=60)
    b.on_price(SYM, 100.0, START)
    b.submit(OrderRequest(symbol=SYM, side=Side.LONG, quantity=1, stop_loss=95, take_profit=110), START)
    b.on_price(SYM, 100.0, START + 15)
    (closed,) = b.on_price(SYM, 93.0, START + 30)
    assert closed.trade.exit_price == 95, 'moved through the stop inside the bar: filled at the stop'
    b.submit(OrderRequest(symbol=SYM, side=Side.LONG, quantity=1, stop_loss=90, take_profit=110), START + 45)
    b.on_price(SYM, 100.0, START + 50)
    (closed,) = b.on_price(SYM, 112.0, START + 60)
    assert closed.trade.exit_price == 112, 'the first tick of a bar jumped beyond the target: filled at the tick'


async def _replayed_ticks(bars: Bars) -> list[Tick]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / 'bars.csv'
        write_bars(path, bars)
        feed = ReplayFeed(path, [SYM], '1m', speed=60, sleep=FakeClock().sleep)
        await feed.connect({})
        return [item async for item in feed.stream() if isinstance(item, Tick)]


bar_shapes = st.lists(
    st.tuples(
        st.floats(-0.04, 0.04),  # open: gap from the previous close
        st.floats(0.0, 0.05),  # high above max(open, close)
        st.floats(0.0, 0.05),  # low below min(open, close)
        st.floats(-0.04, 0.04),  # close from open
    ),
    min_size=2,
    max_size=12,
)


def _bars(shapes: list[tuple[float, float, float, float]]) -> Bars:
    rows, close = [], 100.0
    for k, (gap, up, down, move) in enumerate(shapes):
        open_ = round(close * (1 + gap), 2)
        close = round(open_ * (1 + move), 2)
        high, low = round(max(open_, close) * (1 + up), 2), round(min(open_, close) * (1 - down), 2)
        rows.append((START + 60 * k, open_, high, low, close, 1.0))
    data = np.asarray(rows, dtype=np.float64)
    return Bars(*(data[:, c] for c in range(6)))


def _trades(updates: list) -> list[tuple]:
    out = []
    for u in updates:
        if isinstance(u, PositionOpened):
            p = u.position
            out.append(('open', float(p.entry_price), float(p.entry_time), float(p.quantity)))
        elif isinstance(u, PositionClosed):
            t = u.trade
            out.append(('close', float(t.exit_price or 0), float(t.exit_time or 0), t.status, float(t.pnl)))
    return out


@settings(max_examples=150, deadline=None)
@given(
    shapes=bar_shapes,
    side=st.sampled_from(Side),
    stop=st.floats(0.005, 0.06),
    target=st.floats(0.005, 0.06),
    leverage=st.sampled_from([1.0, 10.0, 50.0]),
    slippage=st.sampled_from([0.0, 0.001]),
)
def test_replayed_ticks_and_backtest_bars_fill_the_same(
    shapes: list, side: Side, stop: float, target: float, leverage: float, slippage: float
) -> None:
    """The same order through a replay's ticks (the live engine's path) and a backtest's bars: same fills."""
    bars = _bars(shapes)
    ticks = asyncio.run(_replayed_ticks(bars))
    assert len(ticks) == 4 * len(bars)
    live = PaperBroker([SYM], balance=10_000, commission=0.001, slippage=slippage, bar_s=60)
    backtest = PaperBroker([SYM], balance=10_000, commission=0.001, slippage=slippage)
    reference = float(bars.close[0])
    sign = side.sign

    def order() -> OrderRequest:
        return OrderRequest(
            symbol=SYM,
            side=side,
            margin=1000,
            leverage=leverage,
            stop_loss=reference * (1 - sign * stop),
            take_profit=reference * (1 + sign * target),
        )

    live_updates, backtest_updates = [], []
    for i in range(len(bars)):
        for tick in ticks[4 * i : 4 * i + 4]:
            live_updates += live.on_price(SYM, tick.price, tick.time)
        backtest_updates += backtest.on_bar(
            SYM, bars.time[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], interval_s=60
        )
        if i == 0:
            assert live.submit(order(), bars.time[0]) is None and backtest.submit(order(), bars.time[0]) is None
    assert _trades(live_updates) == _trades(backtest_updates)
    assert live.balance == backtest.balance
