"""One engine and two web replicas as real processes on a real Redis server: what a client of any replica sees."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from oracle_ui.events import TOPIC_OF
from oracle_ui.store import Store

from .cluster import cluster_env, running_engine, start_engine, stop, web_replica
from .redis_server import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.slow]
DASHBOARD_TOPICS = {'alerts', 'bot_status', 'market_data', 'notifications', 'portfolio', 'system', 'trading'}


def ws_url(base: str, since_id: int | None = None) -> str:
    query = '' if since_id is None else f'?since_id={since_id}'
    return f'{base.replace("http://", "ws://")}/dashboard/ws/dashboard{query}'


async def collect(ws: ClientConnection, until: float, seen: list[dict]) -> None:
    """Take messages into ``seen`` until the loop's time ``until`` (or the socket ends)."""
    loop = asyncio.get_running_loop()
    try:
        while (left := until - loop.time()) > 0:
            seen.append(json.loads(await asyncio.wait_for(ws.recv(), left)))
    except (TimeoutError, Exception):
        return


def stored_ids(data_dir: Path, after: int, until: int) -> set[int]:
    """The stored events of the dashboard's topics in ``(after, until]``."""
    store = Store(data_dir / 'oracle.db')
    try:
        events = store.events(since_id=after, until_id=until, limit=100_000)
        return {e.id for e in events if TOPIC_OF[e.type].value in DASHBOARD_TOPICS and not e.test}
    finally:
        store.close()


async def reconnect_and_check(base: str, data_dir: Path, last_seen: int) -> dict:
    """Reconnect to ``base`` with ``since_id``: every stored event after it comes, once, in order."""
    async with connect(ws_url(base, last_seen)) as ws:
        replayed: list[dict] = []
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if message['type'] == 'replay_complete':
                break
            if 'id' in message and message.get('topic'):
                replayed.append(message)
    ids = [m['id'] for m in replayed]
    assert ids == sorted(set(ids)), 'in order, none twice'
    missing = stored_ids(data_dir, last_seen, message['to_id']) - set(ids)
    assert not missing, f'{len(missing)} stored events missed, e.g. {sorted(missing)[:5]}'
    assert message['to_id'] > last_seen
    return message


async def test_one_engine_two_replicas_events_commands_failover_and_redis_outage(
    tmp_path: Path, redis: RedisServer
) -> None:
    data_dir = tmp_path / 'data'
    env = cluster_env(redis.url)
    with running_engine(data_dir, env), web_replica(data_dir, env, 'a') as a, web_replica(data_dir, env, 'b') as b:
        async with httpx.AsyncClient(timeout=30) as http:
            # an event emitted through replica A reaches a WebSocket client of replica B
            async with connect(ws_url(b.base)) as on_b:
                await asyncio.wait_for(on_b.recv(), 10)
                emitted = await http.post(
                    f'{a.base}/dashboard/api/emit-test-event', json={'type': 'notification', 'data': {'message': 'x'}}
                )
                assert emitted.status_code == 200, emitted.text
                event_id = emitted.json()['event_id']
                seen: list[dict] = []
                loop = asyncio.get_running_loop()
                await collect(on_b, loop.time() + 5, seen)
                assert any(m.get('id') == event_id and m.get('test') for m in seen), (event_id, seen[:3], len(seen))
                last_seen = max(m['id'] for m in seen if m.get('topic'))

            # Stop on B stops the engine; A shows it
            stopped = await http.post(f'{b.base}/dashboard/api/bot-control/stop')
            assert stopped.status_code == 200 and stopped.json()['state'] == 'stopped', stopped.text
            for _ in range(50):
                if (await http.get(f'{a.base}/dashboard/api/system-status')).json()['bot_state'] == 'stopped':
                    break
                await asyncio.sleep(0.2)
            else:
                raise AssertionError('replica A does not show the bot stopped')
            started = await http.post(f'{a.base}/dashboard/api/bot-control/start')
            assert started.json()['state'] == 'running'

            # B is killed: its clients reconnect to A with since_id and miss nothing
            b.process.kill()
            b.process.wait()
            await asyncio.sleep(2)
            complete = await reconnect_and_check(a.base, data_dir, last_seen)
            last_seen = complete['to_id']

            # Redis away for 10 s: the engine goes on storing, A says so, and a client that reconnects misses nothing
            redis.kill()
            await asyncio.sleep(10)
            redis.start()
            for _ in range(100):
                status = (await http.get(f'{a.base}/dashboard/api/system-status')).json()
                if status['bot_state'] == 'running':
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(3)  # the stream caught up
            complete = await reconnect_and_check(a.base, data_dir, last_seen)
            assert complete['to_id'] > last_seen + 10, 'the engine went on while Redis was away'

            # Stop from A again after the outage: the command path is back
            stopped = await http.post(f'{a.base}/dashboard/api/bot-control/stop')
            assert stopped.status_code == 200 and stopped.json()['state'] == 'stopped', stopped.text


async def test_a_second_engine_refuses_to_trade(tmp_path: Path, redis: RedisServer) -> None:
    env = cluster_env(redis.url)
    with running_engine(tmp_path / 'data', env):
        other_dir = tmp_path / 'other' / 'data'
        other_dir.mkdir(parents=True)
        second, log_path = start_engine(other_dir, env, name='second-engine')
        try:
            assert second.wait(90) == 1
            log = log_path.read_text()
            assert 'holds the trading lease' in log and 'refuses to trade' in log
            assert 'engine running' not in log
        finally:
            stop(second)
