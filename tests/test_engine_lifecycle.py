"""The running engine: lifecycle under concurrent commands, events, and recovery from the SQLite file."""

import asyncio
import itertools
import time
from pathlib import Path

import pytest

from oracle_ui import control
from oracle_ui import system as system_module
from oracle_ui.control import BotState
from oracle_ui.errors import CommandError
from oracle_ui.events import EventType, Notification, Topic
from oracle_ui.security.accounts import LOCAL

from .helpers import advance_until


async def test_concurrent_start_stop_are_serialized(make_system) -> None:
    system = make_system()
    await system.start()
    states = []
    async with system.bus.stream([Topic.BOT_STATUS]) as events:
        results = await asyncio.gather(
            *(
                system.controller.run(a, reason='test')
                for a in ['start', 'start', 'stop', 'start', 'restart', 'stop', 'stop']
            )
        )
        while events._queue:
            event = await events.get()
            if event.type is EventType.BOT_STATUS_UPDATE:
                states.append(event.data['status'])
    assert [r.state for r in results] == [
        BotState.RUNNING,
        BotState.RUNNING,
        BotState.STOPPED,
        BotState.RUNNING,
        BotState.RUNNING,
        BotState.STOPPED,
        BotState.STOPPED,
    ]
    assert results[1].message == 'bot is already running' and results[1].success
    assert results[6].message == 'bot is already stopped' and results[6].success
    # every transition is a whole one: never two 'starting' without a 'running' or 'error' between
    assert states == [
        'starting',
        'running',
        'stopping',
        'stopped',
        'starting',
        'running',
        'stopping',
        'stopped',
        'starting',
        'running',
        'stopping',
        'stopped',
    ]
    with pytest.raises(CommandError, match='allowed: start, stop, restart'):
        await system.commands.control('explode', who=LOCAL, origin='test', reason='test')
    await system.stop()


async def test_running_bot_trades_and_every_fill_is_stored_before_announced(make_system, clock, database_url) -> None:
    system = make_system(database_url=database_url)
    await system.start()
    stored_when_announced = []

    def check(event) -> None:
        if event.type is EventType.POSITION_CLOSED:
            ids = {t.id for t in system.store.trades(closed_only=True)}
            stored_when_announced.append(event.data['id'] in ids)

    unsubscribe = system.bus.subscribe(check, [Topic.TRADING])
    assert (await system.controller.start(reason='test')).success
    await advance_until(clock, lambda: len(stored_when_announced) >= 3, what='three closed trades')
    unsubscribe()
    assert all(stored_when_announced)
    types = {e.type for e in system.store.events(limit=10_000)}
    assert {
        EventType.ORDER_PLACED,
        EventType.ORDER_FILLED,
        EventType.POSITION_OPENED,
        EventType.POSITION_CLOSED,
        EventType.TRADE_EXECUTED,
        EventType.SIGNAL_GENERATED,
        EventType.BALANCE_UPDATE,
        EventType.PORTFOLIO_UPDATE,
        EventType.BOT_STARTED,
    } <= types
    await system.stop()


async def test_restart_resumes_balance_positions_history_and_event_ids(make_system, clock, database_url) -> None:
    """On each database: a SQLite file, and PostgreSQL (ORACLE_DATABASE_URL)."""
    system = make_system(database_url=database_url)
    await system.start()
    await system.controller.start(reason='test')
    engine = system.engine
    await advance_until(
        clock,
        lambda: len(system.store.trades(closed_only=True)) >= 2 and engine.broker.positions,
        what='closed trades and an open position',
    )
    await system.controller.stop(reason='test')
    balance, positions = engine.broker.balance, {s: p.id for s, p in engine.broker.positions.items()}
    closed = system.store.trades(closed_only=True)
    last_id = system.bus.last_id
    candles = len(system.store.candles('BTC/USDT', '1m', 100_000))
    events = [(e.id, e.type, e.data) for e in system.store.events(limit=100_000)]
    assert any(e.type is EventType.POSITION_CLOSED for e in system.store.events(limit=100_000))
    await system.stop()

    again = make_system(database_url=database_url)
    await again.start()
    assert [(e.id, e.type, e.data) for e in again.store.events(limit=len(events))] == events
    assert [(t.id, t.pnl, t.exit_time) for t in again.store.trades(closed_only=True)] == [
        (t.id, t.pnl, t.exit_time) for t in closed
    ]
    assert again.engine.broker.balance == pytest.approx(balance, rel=1e-12)
    assert {s: p.id for s, p in again.engine.broker.positions.items()} == positions
    assert again.engine.realized_pnl == pytest.approx(sum(t.pnl for t in closed), rel=1e-12)
    assert again.engine.broker.balance == pytest.approx(
        again.settings.starting_balance
        + sum(t.pnl for t in closed)
        - sum(p.entry_fee for p in again.engine.broker.positions.values()),
        rel=1e-9,
    )
    assert again.bus.publish(EventType.NOTIFICATION, Notification(message='hello'), source='test').id > last_id
    await advance_until(clock, lambda: len(again.store.candles('BTC/USDT', '1m', 100_000)) > candles, what='candles')
    resumed = again.store.candles('BTC/USDT', '1m', 100_000)
    assert all(b.time - a.time == 60 for a, b in itertools.pairwise(resumed)), 'no gap, no overlap'
    await again.stop()


async def test_stopped_bot_still_enforces_stops_and_manual_close_works(make_system, clock) -> None:
    system = make_system()
    await system.start()
    await system.controller.start(reason='test')
    engine = system.engine
    await advance_until(clock, lambda: len(engine.broker.positions) >= 1, what='an open position')
    await system.controller.stop(reason='test')
    symbol = next(iter(engine.broker.positions))
    trade = engine.close_position(symbol, 'test close')
    assert trade is not None and trade.status.value == 'CLOSED_MANUAL'
    assert symbol not in engine.broker.positions
    assert engine.close_position(symbol, 'again') is None
    await system.stop()


async def test_feed_failure_puts_the_bot_in_error_and_start_recovers(tmp_path: Path, make_system, clock) -> None:
    bad = tmp_path / 'bad.csv'
    bad.write_text('Date,Open,High,Low,Close\n2020-01-01,1,0.5,0.7,0.8\n')
    system = make_system(feed=f'replay:{bad}', autostart=True)
    errors = []
    system.bus.subscribe(lambda e: errors.append(e.data['message']), [Topic.BOT_STATUS])
    await system.start()
    assert system.controller.state is BotState.ERROR
    assert 'line 2, column High' in system.controller.error_message
    await advance_until(clock, lambda: any('market feed failed' in m for m in errors if m), what='bot_error event')
    bad.write_text('Date,Open,High,Low,Close\n2020-01-01,1,2,0.7,1.5\n2020-01-02,1.5,2,1,1.8\n')
    result = await system.controller.start(reason='fixed the file')
    assert result.success and system.controller.state is BotState.RUNNING
    await system.stop()


async def test_start_waits_for_history_that_takes_longer_than_connecting_may(make_system, monkeypatch) -> None:
    """A year of simulated history takes minutes to store: the connect timeout must not turn that into an error."""
    monkeypatch.setattr(control, 'READY_TIMEOUT_S', 0.2)
    monkeypatch.setattr(system_module, 'READY_TIMEOUT_S', 0.2)
    system = make_system()
    save = system.store.save_candles

    def slow_save(*args: object, **kwargs: object) -> None:
        time.sleep(0.05)  # a slow disk: storing the history takes well over the connect timeout
        save(*args, **kwargs)

    monkeypatch.setattr(system.store, 'save_candles', slow_save)
    started = time.monotonic()
    await system.start()
    result = await system.controller.run('start', reason='test')
    assert time.monotonic() - started > 0.2, 'storing was slower than the connect timeout'
    assert system.engine.ready.is_set()
    assert result.success and result.state is BotState.RUNNING, result.message
    await system.stop()
