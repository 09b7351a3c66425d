"""Events as people read them: every type has a summary with formatted numbers, a fill is one row with its order,
position, trade and account events folded in, audit entries name what they touched, and market events carry
their market time."""

import re

from oracle_ui.event_rows import fold, market_time
from oracle_ui.events import EventType, PnlUpdate
from oracle_ui.security.accounts import LOCAL
from oracle_ui.summaries import has_summary, summarize
from oracle_ui.views import TimeBase, time_base

from .helpers import GOOG_SAMPLE, advance_until, eventually

RAW_FLOAT = re.compile(r'\d\.\d{7,}')
"""More decimals than any formatted figure shows (prices have at most 6 below 1, quantities 6)."""


def test_every_event_type_has_its_own_summary_and_numbers_are_formatted(make_system) -> None:
    assert [t.value for t in EventType if not has_summary(t)] == []
    system = make_system()
    event = system.bus.publish(
        EventType.PNL_UPDATE,
        PnlUpdate(unrealized_pnl=0.676979527192843, realized_pnl=-12.5, equity=9999.81, daily_pnl=0.0, time=1.0),
        source='test',
    )
    assert summarize(event) == 'equity 9,999.81 USDT, unrealized +0.68, realized -12.50, today +0.00'
    odd = system.bus.publish_test(EventType.PNL_UPDATE, {'unrealized_pnl': 0.676979527192843, 'note': 'x'})
    assert summarize(odd) == 'unrealized_pnl=0.677, note=x'  # data that does not fit the model: still readable
    system.store.close()


async def test_a_fill_is_one_row_and_every_summary_is_readable(make_system, clock) -> None:
    system = make_system(autostart=True)
    seen = []
    system.bus.subscribe(seen.append)
    await system.start()
    await advance_until(clock, lambda: system.engine.broker.positions, what='an open position')
    symbol = next(iter(system.engine.broker.positions))
    (trade,) = await system.commands.close_positions([symbol], who=LOCAL, origin='test')
    await eventually(lambda: any(e.type is EventType.USER_ACTION for e in seen), what='the audit event delivered')
    events = [e for e in seen if e.type not in (EventType.ORDERBOOK_UPDATE, EventType.PRICE_UPDATE)]
    assert not [summarize(e) for e in events if RAW_FLOAT.search(summarize(e))]

    rows = fold(e for e in events if e.type is not EventType.CANDLE_CLOSED)
    fills = [e for e in events if e.type is EventType.ORDER_FILLED]
    assert len(fills) >= 2
    for fill in fills:
        (row,) = [r for r in rows if fill in r.events]
        follows = ['position_opened', 'trade_executed'] if fill.data['is_entry'] else ['position_closed']
        assert row.types[row.types.index('order_filled') :][: len(follows) + 1] == ['order_filled', *follows]
        assert {'balance_update', 'portfolio_update'} <= set(row.types)
        assert row.types.count('order_filled') == 1
    exit_row = next(r for r in rows if r.fill and r.fill.position_id == trade.id and not r.fill.is_entry)
    assert exit_row.summary().startswith(f'{symbol} {trade.side.value} exit ')
    assert f'trade #{trade.id} closed by local' in exit_row.summary() and 'balance ' in exit_row.summary()
    entry_row = next(r for r in rows if r.fill and r.fill.position_id == trade.id and r.fill.is_entry)
    assert entry_row.types[0] == 'order_placed', 'the order that was filled folds into its fill'
    assert sum(len(r.events) for r in rows) == len([e for e in events if e.type is not EventType.CANDLE_CLOSED])

    audit = next(e for e in seen if e.type is EventType.USER_ACTION)
    assert summarize(audit) == f'local: close {symbol} position (trade #{trade.id}) — ok (from test)'
    await system.stop()


async def test_market_events_carry_market_time_and_the_rest_wall_time(make_system, clock) -> None:
    system = make_system(autostart=True)  # 600x: market time runs away from the clock
    seen = []
    system.bus.subscribe(seen.append)
    await system.start()
    await advance_until(clock, lambda: any(e.type is EventType.ORDER_FILLED for e in seen), what='a fill')
    fill = next(e for e in seen if e.type is EventType.ORDER_FILLED)
    assert market_time(fill) == fill.data['time'] and abs(market_time(fill) - fill.timestamp) > 60
    placed = next(e for e in seen if e.type is EventType.ORDER_PLACED)
    assert market_time(placed) is not None and market_time(placed) <= market_time(fill)
    for type_ in (EventType.SIGNAL_GENERATED, EventType.BALANCE_UPDATE, EventType.PNL_UPDATE):
        assert all(market_time(e) is not None for e in seen if e.type is type_), type_
    started = next(e for e in seen if e.type is EventType.BOT_STARTED)
    assert market_time(started) is None
    await system.stop()


async def test_the_time_base_says_when_market_time_is_not_the_time_of_day(make_system, clock, tmp_path) -> None:
    real_time = make_system(speed=1)
    await real_time.start()
    await clock.advance(5)
    assert time_base(real_time) == TimeBase(market_time=real_time.engine.market_time, is_simulated=False, note='')
    await real_time.stop()
    fast = make_system(speed=60)  # the same data directory: it resumes where the first one stopped
    assert time_base(fast).note == 'simulated market \N{MULTIPLICATION SIGN}60 — times are simulated'
    fast.store.close()
    await clock.advance(3 * 3600)  # three hours pass with the app stopped: the market resumes behind real time
    later = make_system(speed=1)
    await later.start()
    await clock.advance(1)
    assert time_base(later).note == 'simulated market, 3.0 h behind the wall clock — times are simulated'
    await later.stop()
    replay = make_system(feed=f'replay:{GOOG_SAMPLE}', symbols=['GOOG/USD'], timeframe='1d', speed='max')
    assert time_base(replay).note == "replayed market (GOOG_daily.csv) at full speed — times are the replay's"
    replay.store.close()
