"""Every query of the store, on each database it runs on (``database_url``: a SQLite file and a PostgreSQL database
on the tests' own server): what is written reads back exactly, with 64-bit ids and times, upserts, filters, search,
paging and sort orders behaving the same in both."""

from __future__ import annotations

import numpy as np
import pytest

from oracle_ui.bus import EventBus
from oracle_ui.engine.models import Candle, EquityPoint, Fill, OrderRequest, Position, Side, Trade, TradeStatus
from oracle_ui.events import EventType, Notification
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import SavedRun, Store
from oracle_ui.store.alerts import AlertStore, StoredChannel, StoredRule, StoredTrigger

BEYOND_INT32 = 2**31 + 12_345
"""Past what a 32-bit integer holds (a candle time after 2038, an id after billions of events)."""
PRECISE = 0.1 + 0.2
"""A float whose every bit counts: it must come back as the same double."""


@pytest.fixture
def store(database_url: str) -> Store:
    store = Store(database_url)
    yield store
    store.close()


def position(id_: int, symbol: str, entry_time: float) -> Position:
    return Position(
        id=id_,
        symbol=symbol,
        side=Side.LONG,
        quantity=PRECISE,
        entry_price=100.0,
        entry_time=entry_time,
        leverage=3.0,
        margin=10.0,
        entry_fee=0.01,
        liquidation_price=67.0,
        stop_loss=95.0,
        take_profit=110.0,
        initial_stop_loss=95.0,
        initial_take_profit=110.0,
        strategy='regime',
        regime='trending_up',
    )


def fill(order_id: int, *, is_entry: bool, time: float) -> Fill:
    return Fill(
        order_id=order_id,
        position_id=order_id,
        symbol='BTC/USDT',
        side=Side.LONG,
        is_entry=is_entry,
        quantity=PRECISE,
        price=100.0,
        fee=0.01,
        time=time,
    )


def closed(p: Position, exit_time: float, pnl: float) -> Trade:
    return Trade(
        id=p.id,
        symbol=p.symbol,
        side=p.side,
        quantity=p.quantity,
        leverage=p.leverage,
        margin=p.margin,
        entry_price=p.entry_price,
        entry_time=p.entry_time,
        exit_price=105.0,
        exit_time=exit_time,
        entry_fee=p.entry_fee,
        exit_fee=0.02,
        pnl=pnl,
        status=TradeStatus.CLOSED_TP,
        exit_reason='take profit',
    )


def test_account_orders_positions_trades_and_equity(store: Store) -> None:
    assert store.load_account(10_000.0) == (10_000.0, 10_000.0)
    for order_id, symbol, entry_time in ((1, 'BTC/USDT', 1000.0), (2, 'ETH/USDT', 2000.0), (3, 'SOL/USDT', 3000.0)):
        order = OrderRequest(symbol=symbol, side=Side.LONG, id=order_id, created_time=entry_time, all_in=order_id == 2)
        store.record_order(order, 'placed')
        store.record_order(order, 'placed', 'again')  # an upsert, not a second row
        store.record_open(
            position(order_id, symbol, entry_time), fill(order_id, is_entry=True, time=entry_time), 9990.0
        )
    store.record_order(OrderRequest(symbol='BTC/USDT', side=Side.SHORT, id=4), 'placed')
    store.set_order_status([4], 'cancelled', 'bot stopped')
    store.record_close(
        closed(position(1, 'BTC/USDT', 1000.0), 1500.0, 5.5), fill(1, is_entry=False, time=1500.0), 10_005.5
    )
    store.record_close(
        closed(position(3, 'SOL/USDT', 3000.0), 3500.0, -2.25), fill(3, is_entry=False, time=3500.0), 10_003.25
    )

    assert store.load_account(1.0) == (10_003.25, 10_000.0)
    assert [(p.id, p.symbol, p.quantity) for p in store.open_positions()] == [(2, 'ETH/USDT', PRECISE)]
    assert store.next_order_id() == 5
    assert [t.id for t in store.trades()] == [3, 2, 1]
    assert [t.id for t in store.trades(newest_first=False, limit=2, offset=1)] == [2, 3]
    assert [t.id for t in store.trades(order_by='pnl', newest_first=False)] == [3, 2, 1]
    assert [t.id for t in store.trades(order_by='symbol', newest_first=False)] == [1, 2, 3]
    assert [t.id for t in store.trades(closed_only=True, since=1000.0, until=3000.0)] == [1]
    assert [t.id for t in store.trades(symbol='SOL/USDT', status='CLOSED_TP', side='long')] == [3]
    assert store.count_trades(closed_only=True) == 2 and store.count_trades(symbol='ETH/USDT') == 1
    (first,) = store.trades(symbol='BTC/USDT')
    assert (first.exit_price, first.exit_time, first.pnl, first.status) == (105.0, 1500.0, 5.5, TradeStatus.CLOSED_TP)
    assert (first.stop_loss, first.take_profit, first.regime) == (95.0, 110.0, 'trending_up')
    assert [(f.is_entry, f.quantity, f.time) for f in store.fills(1)] == [
        (True, PRECISE, 1000.0),
        (False, PRECISE, 1500.0),
    ]
    assert len(store.fills()) == 5

    for time, equity in ((60.0, 10_000.0), (120.0, 10_001.0), (120.0, 10_002.0), (180.0, PRECISE)):
        store.record_equity(EquityPoint(time, 10_000.0, equity, equity - 10_000.0))
    assert [(p.time, p.equity) for p in store.equity_curve()] == [(60.0, 10_000.0), (120.0, 10_002.0), (180.0, PRECISE)]
    assert [p.time for p in store.equity_curve(limit=2)] == [120.0, 180.0]


def test_text_sorts_as_sqlite_sorts_it(store: Store) -> None:
    """By code point (``B`` before ``a``, ``/`` before letters), whatever the PostgreSQL database's locale."""
    names = ['eth/usdt', 'BTC/USDT', 'BTCUSDT', 'B_TC/USDT', 'ETH/USDT']
    for order_id, name in enumerate(names, 1):
        p = position(order_id, name, float(order_id))
        p.strategy = name.lower()
        store.record_open(p, fill(order_id, is_entry=True, time=1.0), 1.0)
    trades = store.trades(order_by='symbol', newest_first=False)
    assert [t.symbol for t in trades] == sorted(names)
    assert store.analytics.trade_values() == {
        'symbols': sorted(names),
        'strategies': sorted({n.lower() for n in names}),
    }
    accounts = Accounts(store.engine)
    for name in ('bob', 'Carol', 'alice'):
        accounts.add_user(name, 'a long enough passphrase', Role.VIEWER)
    assert [u.name for u in accounts.users()] == ['Carol', 'alice', 'bob']


def test_candles_are_replaced_paged_spanned_and_pruned(store: Store) -> None:
    times = [BEYOND_INT32 + 60 * i for i in range(10)]
    store.save_candles([Candle('BTC/USDT', t, 1.0, 2.0, 0.5, PRECISE, 7.0) for t in times], '1m')
    store.save_candles([Candle('BTC/USDT', times[3], 1.0, 3.0, 0.5, 1.5, 9.0)], '1m')  # stored again: replaced
    store.save_candles([Candle('ETH/USDT', times[0], 1.0, 2.0, 0.5, 1.0, 1.0)], '1m')
    store.save_candles([], '1m')

    candles = store.candles('BTC/USDT', '1m', 100)
    assert [c.time for c in candles] == times and candles[0].close == PRECISE
    assert (candles[3].high, candles[3].close, candles[3].volume) == (3.0, 1.5, 9.0)
    assert [c.time for c in store.candles('BTC/USDT', '1m', 3, before=times[5])] == times[2:5]
    assert [c.time for c in store.candles('BTC/USDT', '1m', 100, since=times[8])] == times[8:]
    assert store.candle_span('BTC/USDT', '1m') == (times[0], times[-1])
    assert store.candle_span('BTC/USDT', '5m') is None
    assert store.prune_candles('1m', times[2]) == 3  # two of BTC and one of ETH
    assert store.candle_span('BTC/USDT', '1m') == (times[2], times[-1])


def test_events_keep_their_ids_and_are_found_by_every_filter(store: Store) -> None:
    bus = EventBus(persist=store.append_event, reserve_ids=store.reserve_ids, first_id=store.first_event_id())
    messages = ['Order placed', 'order FILLED at 100%', 'position closed: take_profit', 'nothing to see']
    events = [
        bus.publish(EventType.NOTIFICATION, Notification(message=m), source='test', timestamp=1000.0 + i)
        for i, m in enumerate(messages)
    ]
    assert [e.id for e in store.events()] == [e.id for e in events]
    assert store.events()[1].data == {'message': 'order FILLED at 100%', 'level': 'info', 'category': 'general'}
    assert [e.id for e in store.events(search='order')] == [events[0].id, events[1].id], 'case-insensitive'
    assert [e.id for e in store.events(search='100%')] == [events[1].id], '% is a character, not a wildcard'
    assert [e.id for e in store.events(search='take_profit')] == [events[2].id]
    assert [e.id for e in store.events(search='take_')] == [events[2].id], '_ is a character, not a wildcard'
    assert [e.id for e in store.events(search='notifica')] == [e.id for e in events], 'the type matches too'
    assert [e.id for e in store.events(newest_first=True, limit=2, offset=1)] == [events[2].id, events[1].id]
    assert [e.id for e in store.events(since=1001.0, until=1003.0)] == [events[1].id, events[2].id]
    assert [e.id for e in store.events(since_id=events[1].id, until_id=events[2].id)] == [events[2].id]
    assert [e.id for e in store.events(topic=events[0].topic.value, type_='notification', limit=1)] == [events[0].id]
    assert store.count_events(search='ORDER') == 2 and store.count_events(since=1002.0) == 2
    assert store.oldest_event_id() == events[0].id

    first, limit = store.reserve_ids(1000, BEYOND_INT32)
    assert (first, limit) == (BEYOND_INT32, BEYOND_INT32 + 1000)
    assert store.reserve_ids(10, 1) == (limit, limit + 10), 'never below what was reserved before'
    assert store.first_event_id() == limit + 10
    again = EventBus(persist=store.append_event, reserve_ids=store.reserve_ids, first_id=store.first_event_id())
    big = again.publish(EventType.NOTIFICATION, Notification(message='later'), source='test')
    assert big.id >= limit + 10 and store.events(since_id=events[-1].id)[0].id == big.id


def test_meta_values_and_preferences_are_replaced_in_place(store: Store) -> None:
    assert store.get_meta('missing', 'default') == 'default'
    store.set_meta('key', 'one')
    store.set_meta('key', 'two')
    assert store.get_meta('key') == 'two'
    store.set_preference('alice', 'chart', '{"a": 1}')
    store.set_preference('alice', 'chart', '{"a": 2}')
    store.set_preference('bob', 'chart', '[]')
    assert (store.get_preference('alice', 'chart'), store.get_preference('bob', 'chart')) == ('{"a": 2}', '[]')
    assert store.get_preference('alice', 'other') is None
    with pytest.raises(ValueError, match='line 1 column 1'):
        store.set_preference('alice', 'chart', 'not json')


def test_users_and_tokens(store: Store) -> None:
    accounts = Accounts(store.engine)
    assert not accounts.has_users() and not accounts.has_tokens()
    accounts.add_user('alice', 'correct horse battery', Role.VIEWER)
    accounts.add_user('alice', 'another long passphrase', Role.OPERATOR)  # replaced
    token = accounts.add_token('ci', Role.VIEWER)
    assert accounts.verify_password('alice', 'correct horse battery') is None
    principal = accounts.verify_password('alice', 'another long passphrase')
    assert principal is not None and principal.role is Role.OPERATOR
    assert accounts.verify_password('Alice', 'another long passphrase') is None, 'names are case-sensitive'
    assert [(u.name, u.role) for u in accounts.users()] == [('alice', Role.OPERATOR)]
    token_principal = accounts.token_principal(token)
    assert token_principal is not None and token_principal.role is Role.VIEWER
    assert accounts.remove_token('ci') and not accounts.remove_token('ci')
    assert accounts.remove_user('alice') and not accounts.has_users()


def test_backtest_runs_keep_their_stats_trades_and_curve(store: Store) -> None:
    times, equity = np.arange(5, dtype=float) * 60.0, np.array([100.0, 101.0, PRECISE, 99.0, 1e300])
    run = SavedRun(
        created_time=1.0,
        owner='alice',
        name='first',
        strategy='regime',
        params={'fast': 5},
        config={'commission': 0.0005},
        data_name='btc.csv',
        data_sha256='ab' * 32,
        bars=5,
        first_time=0.0,
        last_time=240.0,
        stats={'return_pct': PRECISE},
        trades=[{'id': 1, 'pnl': -1.5}],
        times=times,
        equity=equity,
    )
    first = store.backtest_runs.save(run)
    second = store.backtest_runs.save(run)
    assert second > first
    assert [r.id for r in store.backtest_runs.list()] == [second, first]
    loaded = store.backtest_runs.get(first)
    assert loaded is not None and loaded.stats == {'return_pct': PRECISE} and loaded.trades == run.trades
    assert (
        loaded.params == {'fast': 5} and np.array_equal(loaded.times, times) and np.array_equal(loaded.equity, equity)
    )
    assert store.backtest_runs.delete([first, 12345]) == [first]
    assert store.backtest_runs.get(first) is None and store.backtest_runs.get(second) is not None


def test_alert_channels_rules_and_triggers(store: Store) -> None:
    alerts = AlertStore(store.engine)
    channel = StoredChannel(
        id=0,
        name='ops',
        secret='encrypted',
        masked='mailto://…',
        service='Email',
        owner='alice',
        rate_limit=5,
        rate_period_s=60.0,
        created_time=1.0,
        updated_time=1.0,
    )
    channel_id = alerts.add_channel(channel)
    alerts.update_channel(channel_id, name='operations', updated_time=2.0)
    alerts.record_channel_result(channel_id, ok=True, error='', time=3.0)
    alerts.record_channel_result(channel_id, ok=False, error='timed out', time=4.0)
    (stored,) = alerts.channels()
    assert (stored.name, stored.sent, stored.failed, stored.last_status, stored.last_error, stored.last_time) == (
        'operations',
        1,
        1,
        'failed',
        'timed out',
        4.0,
    )
    rule = StoredRule(
        id=0,
        name='BTC above 100k',
        owner='alice',
        enabled=True,
        severity='warning',
        rule={'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'above', 'value': 100_000.0},
        channels=[channel_id],
        cooldown_s=60.0,
        snoozed_until=None,
        created_time=1.0,
        updated_time=1.0,
    )
    rule.id = alerts.add_rule(rule)
    rule.enabled, rule.snoozed_until = False, 99.5
    alerts.update_rule(rule)
    (loaded,) = alerts.rules()
    assert loaded == rule and loaded.enabled is False

    for trigger_id, message in ((BEYOND_INT32, 'BTC/USDT above 100,000: 100,500'), (BEYOND_INT32 + 1, 'x_y 50%')):
        alerts.add_trigger(
            StoredTrigger(
                id=trigger_id,
                alert_id=rule.id,
                name=rule.name,
                kind='price',
                severity='warning',
                owner='alice',
                symbol='BTC/USDT',
                time=10.0,
                value=100_500.0,
                message=message,
                channels=[],
            )
        )
    alerts.set_trigger_channels(BEYOND_INT32, [{'id': channel_id, 'ok': True}])
    trigger = alerts.trigger(BEYOND_INT32)
    assert trigger is not None and trigger.channels == [{'id': channel_id, 'ok': True}] and trigger.value == 100_500.0
    assert [t.id for t in alerts.triggers()] == [BEYOND_INT32 + 1, BEYOND_INT32]
    assert [t.id for t in alerts.triggers(search='btc/usdt ABOVE')] == [BEYOND_INT32]
    assert [t.id for t in alerts.triggers(search='_y 50%')] == [BEYOND_INT32 + 1]
    assert alerts.count_triggers(unacknowledged=True) == 2
    assert alerts.acknowledge([BEYOND_INT32], 'alice', 20.0) == 1
    assert alerts.acknowledge(None, 'bob', 21.0) == 1
    assert [t.acknowledged_by for t in alerts.triggers(alert_id=rule.id)] == ['bob', 'alice']
    alerts.delete_rule(rule.id)
    alerts.delete_channel(channel_id)
    assert alerts.rules() == [] and alerts.channels() == []


def test_analytics_queries(store: Store) -> None:
    store.load_account(10_000.0)
    for order_id, symbol, entry_time in ((1, 'BTC/USDT', 1000.0), (2, 'ETH/USDT', 2000.0)):
        store.record_open(position(order_id, symbol, entry_time), fill(order_id, is_entry=True, time=entry_time), 1.0)
    store.record_close(closed(position(1, 'BTC/USDT', 1000.0), 1500.0, 5.5), fill(1, is_entry=False, time=1500.0), 1.0)
    for time in (60.0, 120.0, 180.0):
        store.record_equity(EquityPoint(time, 1.0, time * PRECISE, 0.0))
    store.save_candles([Candle('BTC/USDT', t, 1.0, 2.0, 0.5, t / 60, 1.0) for t in (0, 60, 120, 180)], '1m')
    analytics = store.analytics

    columns = analytics.trades_overlapping(1600.0, 5000.0)
    assert columns['id'] == [2] and columns['exit_time'] == [None] and columns['quantity'] == [PRECISE]
    assert analytics.trades_overlapping(0.0, 5000.0, symbol='BTC/USDT', side='long', strategy='regime')['pnl'] == [5.5]
    assert analytics.trades_overlapping(0.0, 500.0)['id'] == []
    times, equity = analytics.equity_between(60.0, 180.0)
    assert times.tolist() == [120.0, 180.0] and equity.tolist() == [120.0 * PRECISE, 180.0 * PRECISE]
    assert analytics.equity_before(150.0) == 120.0 * PRECISE and analytics.equity_before(10.0) is None
    assert analytics.first_and_last_close('BTC/USDT', '1m', 60.0, 180.0) == (1.0, 2.0)
    assert analytics.first_and_last_close('ETH/USDT', '1m', 0.0, 1e9) is None
    assert analytics.trade_values() == {'symbols': ['BTC/USDT', 'ETH/USDT'], 'strategies': ['regime']}
    assert analytics.first_trade_time() == 1000.0 and analytics.last_equity_time() == 180.0


def test_reopening_migrates_nothing_and_the_size_is_known(database_url: str) -> None:
    first = Store(database_url)
    assert first.migration.applied == ('0001', '0002', '0003', '0004', '0005')
    first.set_meta('kept', 'yes')
    first.close()
    again = Store(database_url)
    try:
        assert again.migration.applied == () and again.get_meta('kept') == 'yes'
        assert again.size_bytes > 0
    finally:
        again.close()
