"""On PostgreSQL the store writes off the event loop: a write the server holds up does not hold up the loop, and
still no subscriber sees an event before it is stored, nor events out of order."""

from __future__ import annotations

import asyncio
import threading
import time

import psycopg
import pytest

from oracle_ui.bus import EventBus
from oracle_ui.engine.models import EquityPoint
from oracle_ui.events import Event, EventType, Notification, PriceUpdate
from oracle_ui.store import Store

from .helpers import eventually
from .postgres import PostgresServer

HOLD_S = 1.0


pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_server: PostgresServer) -> Store:
    with postgres_server.database() as url:
        store = Store(url)
        yield store
        store.close()


def holder(store: Store) -> psycopg.Connection:
    """Another session, like a long report or a backup holding locks: it may read, nobody may write."""
    url = store.engine.url
    conn = psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database)
    conn.execute('LOCK TABLE events, equity IN SHARE MODE')
    return conn


async def test_a_held_up_write_holds_up_delivery_but_not_the_event_loop(store: Store) -> None:
    bus = EventBus(persist=store.append_event, reserve_ids=store.reserve_ids, first_id=1, writer=store.writer)
    received: list[Event] = []
    bus.subscribe(received.append)
    bus.publish(EventType.NOTIFICATION, Notification(message='before'), source='test')
    await eventually(lambda: len(received) == 1)

    conn = holder(store)
    release = threading.Timer(HOLD_S, conn.rollback)  # the lock goes: the writes commit, the events go out in order
    release.start()
    started = time.monotonic()
    held = bus.publish(EventType.NOTIFICATION, Notification(message='held'), source='test')
    store.record_equity(EquityPoint(60.0, 1.0, 1.0, 0.0))
    price = bus.publish(EventType.PRICE_UPDATE, PriceUpdate(symbol='BTC/USDT', price=1.0, timestamp=1.0), source='test')
    assert time.monotonic() - started < 0.1, 'publishing and writing return at once'
    ticks = 0
    while time.monotonic() - started < 0.5:  # the loop keeps running meanwhile
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks >= 20 and len(received) == 1, 'nothing is delivered before it is stored, not even what is not stored'

    await eventually(lambda: len(received) == 3)
    release.join()
    conn.close()
    assert [e.id for e in received[1:]] == [held.id, price.id]
    assert [e.id for e in store.events()][-1] == held.id and store.equity_curve()[-1].time == 60.0


async def test_a_failed_write_is_announced_and_events_still_go_out(store: Store, postgres_server) -> None:
    bus = EventBus(persist=store.append_event, reserve_ids=store.reserve_ids, first_id=1, writer=store.writer)
    assert store.writer is not None
    store.writer.on_error = bus.report_store_failure
    received: list[Event] = []
    bus.subscribe(received.append)
    bus.publish(EventType.NOTIFICATION, Notification(message='stored'), source='test')
    with psycopg.connect(postgres_server.url('postgres').replace('+psycopg', ''), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE {store.engine.url.database} SET default_transaction_read_only = on')
    store.engine.dispose()  # new sessions take the setting

    store.record_equity(EquityPoint(60.0, 1.0, 1.0, 0.0))
    await eventually(lambda: any(e.type is EventType.BOT_ERROR for e in received))
    (error,) = [e for e in received if e.type is EventType.BOT_ERROR]
    assert 'read-only transaction' in error.data['message'] and bus.store_failing
    bus.publish(EventType.NOTIFICATION, Notification(message='not stored'), source='test')
    await eventually(lambda: received[-1].data.get('message') == 'not stored')
    assert [e.data.get('message') for e in store.events()] == ['stored']


async def test_writes_after_the_writer_closed_are_made_at_once(store: Store) -> None:
    """E.g. an event a subscriber publishes while the app shuts down: stored, not queued to an ended thread."""
    assert store.writer is not None
    store.writer.close()
    store.record_equity(EquityPoint(60.0, 1.0, 1.0, 0.0))
    points = await asyncio.wait_for(asyncio.to_thread(store.equity_curve), 10)
    assert [p.time for p in points] == [60.0]
