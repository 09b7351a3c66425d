"""Faults while the server runs: each is reported as an event, the API keeps serving, and a restart recovers."""

import asyncio
import json
import sqlite3
import threading
import time

import httpx
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.exc import OperationalError
from websockets.asyncio.client import connect

from oracle_ui.engine.feed import ReplayFeed, SimFeed
from oracle_ui.events import EventType
from oracle_ui.settings import Settings
from oracle_ui.store import BUSY_TIMEOUT_MS, Store

from .apiserver import api_client, running_server
from .helpers import advance_until


class FlakyFeed(SimFeed):
    """The simulated market whose stream breaks once, after ``fail_after`` items, when asked to."""

    fail_after: int | None = None

    async def stream(self):
        count = 0
        async for item in super().stream():
            yield item
            count += 1
            if self.fail_after is not None and count >= self.fail_after:
                self.fail_after = None
                raise ConnectionError('exchange connection reset')


def messages(server, type_: EventType) -> list[str]:
    return [e.data.get('message', '') for e in server.system.bus.recent(type_=type_, limit=1000)]


async def restart_recovers(http: httpx.AsyncClient, server) -> None:
    restarted = await http.post('/bot-control/restart')
    assert restarted.status_code == 200 and restarted.json()['success'], restarted.text
    assert restarted.json()['state'] == 'running'
    seen = server.system.bus.published
    await advance_until(server.clock, lambda: server.system.bus.published > seen + 20, what='events flowing again')


async def test_feed_failing_mid_run(tmp_path, clock) -> None:
    settings = Settings(_env_file=None)
    feed = FlakyFeed(settings.symbols, settings.timeframe, speed=300, sleep=clock.sleep, wall_clock=clock.time)
    async with running_server(tmp_path, feed=feed, clock=clock) as server, api_client(server) as http:
        await advance_until(server.clock, lambda: server.system.controller.state.value == 'running')
        feed.fail_after = 3
        await advance_until(server.clock, lambda: server.system.controller.state.value == 'error', what='error state')
        assert 'market feed failed: ConnectionError: exchange connection reset' in messages(server, EventType.BOT_ERROR)
        data = await http.get('/dashboard-data')
        assert data.status_code == 200 and data.json()['bot_status'] == 'error'
        assert (await http.get('/system-status')).json()['feed']['status'] == 'failed'
        await restart_recovers(http, server)
        assert (await http.get('/system-status')).json()['feed']['status'] == 'live'


async def test_feed_ending(tmp_path, clock) -> None:
    bars = tmp_path / 'bars.csv'
    bars.write_text(
        'Date,Open,High,Low,Close\n'
        + ''.join(f'2024-01-{d:02d},{100 + d},{102 + d},{99 + d},{101 + d}\n' for d in range(1, 6))
    )
    feed = ReplayFeed(bars, ['BTC/USDT'], '1d', speed=1_000_000, sleep=clock.sleep)
    async with (
        running_server(tmp_path / 'data', feed=feed, clock=clock, symbols='BTC/USDT', timeframe='1d') as server,
        api_client(server) as http,
    ):
        await advance_until(
            server.clock, lambda: server.system.controller.state.value == 'stopped', what='stopped at the end'
        )
        assert 'bars.csv replayed to the end (5 bars)' in messages(server, EventType.NOTIFICATION)
        assert (await http.get('/dashboard-data')).json()['bot_status'] == 'stopped'
        assert (await http.get('/system-status')).json()['feed']['status'] == 'ended'


async def test_strategy_raising(tmp_path) -> None:
    async with running_server(tmp_path) as server, api_client(server) as http:
        engine = server.system.engine
        await advance_until(server.clock, lambda: server.system.controller.state.value == 'running')

        def broken(*_args, **_kwargs):
            raise ZeroDivisionError('division by zero')

        original, engine.strategy.evaluate = engine.strategy.evaluate, broken
        await advance_until(
            server.clock,
            lambda: any('failed on' in m and 'ZeroDivisionError' in m for m in messages(server, EventType.BOT_ERROR)),
            what='strategy bot_error',
        )
        assert server.system.controller.state.value == 'running', "one symbol's bad candle does not stop the bot"
        assert (await http.get('/trading-metrics')).status_code == 200
        engine.strategy.evaluate = original
        await restart_recovers(http, server)


@pytest.mark.slow  # waits out sqlite's real lock timeout
async def test_database_locked_by_another_process(tmp_path) -> None:
    async with running_server(tmp_path) as server, api_client(server) as http:
        await advance_until(server.clock, lambda: server.system.controller.state.value == 'running')
        locked, release = threading.Event(), threading.Event()

        def hold_lock() -> None:
            with sqlite3.connect(tmp_path / 'oracle.db', isolation_level=None) as other:
                other.execute('BEGIN EXCLUSIVE')
                locked.set()
                release.wait(30)
                other.execute('ROLLBACK')

        holder = threading.Thread(target=hold_lock)
        holder.start()
        try:
            await asyncio.to_thread(locked.wait, 10)
            await advance_until(
                server.clock, lambda: server.system.controller.state.value == 'error', what='error state'
            )
            assert any('database is locked' in m for m in messages(server, EventType.BOT_ERROR))
            started = time.monotonic()
            assert (await http.get('/dashboard-data')).status_code == 200  # reads still work
            assert time.monotonic() - started < 2
            refused = await http.put('/settings', json={'risk': {'max_positions': 2}})
            assert refused.status_code == 503 and 'database is locked' in refused.json()['detail']
        finally:
            release.set()
            await asyncio.to_thread(holder.join)
        await restart_recovers(http, server)
        assert any('event store recovered' in m for m in messages(server, EventType.NOTIFICATION))


def test_once_a_write_failed_on_a_lock_the_next_ones_do_not_wait_for_it(tmp_path) -> None:
    store = Store(tmp_path / 'oracle.db')

    def busy_timeout_ms() -> int:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql('PRAGMA busy_timeout').scalar()

    assert busy_timeout_ms() == BUSY_TIMEOUT_MS
    other = sqlite3.connect(tmp_path / 'oracle.db', isolation_level=None)
    other.execute('BEGIN EXCLUSIVE')
    started = time.monotonic()
    with pytest.raises(OperationalError, match='locked'):
        store.set_meta('k', 'v')
    assert time.monotonic() - started >= BUSY_TIMEOUT_MS / 1000 * 0.9, 'the first write waits for the lock'
    assert busy_timeout_ms() == 0
    with pytest.raises(OperationalError, match='locked'):
        store.set_meta('k', 'v')
    other.execute('ROLLBACK')
    store.set_meta('k', 'v')  # the lock is gone: the write goes through, and writes wait again
    assert busy_timeout_ms() == BUSY_TIMEOUT_MS
    assert store.get_meta('k') == 'v'
    other.close()
    store.close()


async def test_disk_full(tmp_path) -> None:
    async with running_server(tmp_path) as server, api_client(server) as http:
        store = server.system.store
        await advance_until(server.clock, lambda: server.system.controller.state.value == 'running')
        full = {'on': False}

        def no_space(_conn, _cursor, statement, *_args) -> None:
            if full['on'] and statement.lstrip().upper().startswith(('INSERT', 'UPDATE', 'DELETE')):
                raise OperationalError(statement, None, sqlite3.OperationalError('database or disk is full'))

        sa_event.listen(store.engine, 'before_cursor_execute', no_space)
        full['on'] = True
        await advance_until(server.clock, lambda: server.system.controller.state.value == 'error', what='error state')
        errors = messages(server, EventType.BOT_ERROR)
        assert sum('event store failed' in m for m in errors) == 1, 'announced once, not once per event'
        assert any('market feed failed' in m and 'disk is full' in m for m in errors)
        assert (await http.get('/dashboard-data')).status_code == 200
        assert (await http.get('/system-status')).json()['database_status'] == 'failing'
        full['on'] = False
        await restart_recovers(http, server)
        assert (await http.get('/system-status')).json()['database_status'] == 'ok'
        with sqlite3.connect(tmp_path / 'oracle.db') as db:
            balance = db.execute('SELECT balance FROM account').fetchone()[0]
            closed = db.execute("SELECT COALESCE(SUM(pnl), 0) FROM trades WHERE status != 'OPEN'").fetchone()[0]
            open_fees = db.execute("SELECT COALESCE(SUM(entry_fee), 0) FROM trades WHERE status = 'OPEN'").fetchone()[0]
        assert balance == pytest.approx(10_000 + closed - open_fees, rel=1e-9)
        assert server.system.engine.broker.balance == pytest.approx(balance, rel=1e-9) or server.system.bus.recent(
            type_=EventType.POSITION_CLOSED
        )


@pytest.mark.slow  # a real socket torn down mid-send, waited out in real time
async def test_client_vanishing_mid_send(tmp_path) -> None:
    async with running_server(tmp_path) as server:
        url = f'{server.ws_base}/dashboard/ws/monitor?topics=notifications,clients'
        async with connect(url, max_size=None, max_queue=None) as healthy, connect(url, max_size=None) as doomed:
            doomed_id = json.loads(await doomed.recv())['client_id']
            padding = 'x' * 60_000
            for i in range(200):  # 12 MB in 2 s: more than the socket buffers hold, within a reader's pace
                server.system.bus.publish_test(EventType.NOTIFICATION, {'message': f'burst {i}', 'pad': padding})
                await asyncio.sleep(0.01)
                if i == 100:
                    doomed.transport.abort()  # gone without a close frame, while the server is writing to it
            for i in range(200, 220):
                server.system.bus.publish_test(EventType.NOTIFICATION, {'message': f'burst {i}', 'pad': ''})
            got, gone = set(), None
            while len(got) < 220 or gone is None:
                message = json.loads(await asyncio.wait_for(healthy.recv(), 20))
                if message['type'] == 'notification':
                    got.add(message['data']['message'])
                elif message['type'] == 'client_disconnected' and message['data']['client_id'] == doomed_id:
                    gone = message
            assert got == {f'burst {i}' for i in range(220)}
            assert gone['data']['reason']
        assert doomed_id not in server.connections.connections
        assert sum(server.connections.stats().disconnects_by_reason.values()) >= 1
