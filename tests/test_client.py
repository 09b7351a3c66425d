"""The Python client and ``oracle-trader events`` against a real server."""

import argparse
import asyncio
import json
import sys
from datetime import datetime

import pytest

from oracle_ui.cli import events
from oracle_ui.client import ApiError, OracleClient, StreamLost
from oracle_ui.events import EventType, Notification, OrderbookUpdate, PnlUpdate

from .apiserver import running_server


async def test_rest_methods(tmp_path) -> None:
    async with running_server(tmp_path) as server, OracleClient(server.base) as client:
        assert (await client.dashboard_data())['bot_status'] == 'running'
        assert (await client.bot_control('stop'))['state'] == 'stopped'
        assert (await client.system_status())['bot_running'] is False
        assert 'total_trades' in await client.trading_metrics()
        assert (await client.websocket_stats())['total_connections'] == 0
        assert (await client.candles('BTC/USDT', limit=5))['candles']
        emitted = await client.emit_test_event('notification', {'message': 'hello'})
        latest = await client.history(type_='notification', latest=True, limit=1)
        assert latest['events'][0]['id'] == emitted['event_id']
        with pytest.raises(ApiError) as error:
            await client.bot_control('explode')
        assert error.value.status == 400 and 'allowed: start, stop, restart' in error.value.detail


async def test_stream_survives_a_dropped_connection_without_loss_or_duplicates(tmp_path) -> None:
    async with running_server(tmp_path) as server, OracleClient(server.base, backoff_s=0.05) as client:
        bus, got = server.system.bus, []

        async def follow() -> None:
            async for event in client.events(topics=['notifications']):
                got.append(event['data']['n'])
                if len(got) == 9:
                    return

        task = asyncio.create_task(follow())
        while not server.connections.connections:
            await asyncio.sleep(0.01)
        for n in range(3):
            bus.publish(EventType.NOTIFICATION, Notification(message='x', n=n), source='test')
        while len(got) < 3:
            await asyncio.sleep(0.01)
        for connection in list(server.connections.connections.values()):
            server.connections.drop(connection, 1012, 'service restart')
        for n in range(3, 6):  # while the client is away
            bus.publish(EventType.NOTIFICATION, Notification(message='x', n=n), source='test')
        while not server.connections.connections:
            await asyncio.sleep(0.01)
        for n in range(6, 9):
            bus.publish(EventType.NOTIFICATION, Notification(message='x', n=n), source='test')
        await asyncio.wait_for(task, 10)
        assert got == list(range(9))


async def test_stream_gives_up_after_the_attempts_and_on_a_refused_token(tmp_path) -> None:
    async with running_server(tmp_path, api_token='tok') as server, OracleClient(server.base, token='wrong') as client:
        with pytest.raises(StreamLost, match='refused the token'):
            async for _ in client.events():
                pass
    async with OracleClient('http://127.0.0.1:9', max_attempts=2, backoff_s=0.01) as client:
        with pytest.raises(StreamLost, match='gave up after 2 reconnection attempts'):
            async for _ in client.events():
                pass


async def events_command(capsys, *args: str) -> list[str]:
    """What ``oracle-trader events ARGS`` prints (run in this process: the follower below runs the real command)."""
    parser = argparse.ArgumentParser()
    events.add_arguments(parser)
    assert await events.run(parser.parse_args(args)) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.slow  # runs the command in a subprocess
async def test_events_command_prints_readable_lines_or_raw_json_and_follows(tmp_path, capsys) -> None:
    async with running_server(tmp_path) as server:
        bus, later = server.system.bus, server.clock.time() + 3 * 86_400  # a market simulated ahead of the clock
        bus.publish(EventType.NOTIFICATION, Notification(message='from the past'), source='test')
        pnl = PnlUpdate(
            unrealized_pnl=0.676979527192843, realized_pnl=12.0, equity=10_012.68, daily_pnl=1.5, time=later
        )
        bus.publish(EventType.PNL_UPDATE, pnl, source='broker')
        topics = ('--url', server.base, '--topic', 'notifications', '--topic', 'portfolio')
        lines = await events_command(capsys, *topics)
        assert any('notifications' in line and 'from the past' in line for line in lines)
        (line,) = [line for line in lines if 'pnl_update' in line]
        assert 'equity 10,012.68 USDT, unrealized +0.68, realized +12.00, today +1.50' in line
        assert '0.6769' not in line and '{' not in line
        assert f'[market time {datetime.fromtimestamp(later).strftime("%Y-%m-%d %H:%M:%S")}]' in line
        envelopes = [json.loads(line) for line in await events_command(capsys, *topics, '--json')]
        assert {'type', 'data', 'timestamp', 'source', 'client_id', 'id', 'topic'} <= set(envelopes[-1])
        assert envelopes[-1]['data']['unrealized_pnl'] == 0.676979527192843
        command = [sys.executable, '-m', 'oracle_ui.cli', 'events', *topics]
        follower = await asyncio.create_subprocess_exec(
            *command, '--topic', 'market_data', '--follow', '--limit', '0', stdout=asyncio.subprocess.PIPE
        )
        try:
            for _ in range(200):
                if server.connections.connections:
                    break
                await asyncio.sleep(0.05)
            book = OrderbookUpdate(
                symbol='BTC/USDT', bids=[(65_000.0, 0.5)] * 10, asks=[(65_010.0, 0.7)] * 10, timestamp=1
            )
            bus.publish(EventType.ORDERBOOK_UPDATE, book, source='feed')  # several a second: left out
            bus.publish(EventType.NOTIFICATION, Notification(message='live one'), source='test')
            line = await asyncio.wait_for(follower.stdout.readline(), 20)
            assert b'notification' in line and b'live one' in line
        finally:
            follower.kill()
            await follower.wait()
