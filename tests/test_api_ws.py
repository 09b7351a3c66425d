"""The WebSocket protocol over real sockets: original messages, replay, bad input, heartbeat, slow clients, tokens."""

import asyncio
import contextlib
import gc
import json
import math
import secrets
import socket
import time

import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from oracle_ui.api import connections
from oracle_ui.events import BotStatusUpdate, EventType, Notification, SignalGenerated
from oracle_ui.security.accounts import Role

from .apiserver import running_server

CONFIG_TOKEN = 'cfg-' + secrets.token_urlsafe(24)
FAST = {'ws_heartbeat_s': 30, 'ws_timeout_s': 120, 'ws_cleanup_s': 60}


@pytest.fixture
async def server(tmp_path):
    async with running_server(tmp_path, **FAST) as s:
        yield s


def signal(symbol: str) -> SignalGenerated:
    return SignalGenerated(
        symbol=symbol,
        kind='long',
        strength=1.0,
        stop_loss=None,
        take_profit=None,
        leverage=1.0,
        reason='test',
        regime=None,
        strategy='test',
    )


async def recv(ws, timeout: float = 10.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws, predicate, timeout: float = 15.0) -> dict:
    async def loop():
        while True:
            message = json.loads(await ws.recv())
            if predicate(message):
                return message

    return await asyncio.wait_for(loop(), timeout)


async def greet(ws) -> tuple[dict, dict]:
    return await recv(ws), await recv(ws)


@pytest.mark.parametrize(
    ('endpoint', 'init', 'topics'),
    [
        (
            'dashboard',
            'dashboard_initialized',
            ['alerts', 'bot_status', 'market_data', 'notifications', 'portfolio', 'system', 'trading'],
        ),
        ('trading', 'trading_connection_established', ['market_data', 'portfolio', 'trading']),
        ('monitor', 'monitor_connection_established', ['alerts', 'bot_status', 'clients', 'notifications', 'system']),
    ],
)
async def test_connect_messages_per_endpoint(server, endpoint, init, topics) -> None:
    async with connect(f'{server.ws_base}/dashboard/ws/{endpoint}') as ws:
        established, second = await greet(ws)
        assert established['type'] == 'connection_established' and established['client_type'] == endpoint
        assert {'client_id', 'timestamp', 'heartbeat_interval', 'last_event_id', 'server_time'} <= set(established)
        assert established['heartbeat_interval'] == 30
        assert second == {'type': init, 'subscriptions': topics, 'message': second['message']}


async def test_original_client_messages_and_replies(server) -> None:
    async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
        await greet(ws)
        await ws.send(json.dumps({'type': 'subscribe', 'topic': 'analysis'}))
        assert await recv_until(ws, lambda m: m['type'] == 'subscription_confirmed') == {
            'type': 'subscription_confirmed',
            'topic': 'analysis',
            'status': 'subscribed',
        }
        await ws.send(json.dumps({'type': 'subscribe', 'topics': ['trading', 'audit']}))
        confirmed = [await recv_until(ws, lambda m: m['type'] == 'subscription_confirmed') for _ in range(2)]
        assert [c['topic'] for c in confirmed] == ['trading', 'audit']
        await ws.send(json.dumps({'type': 'unsubscribe', 'topic': 'analysis'}))
        assert (await recv_until(ws, lambda m: m['type'] == 'unsubscription_confirmed'))['status'] == 'unsubscribed'
        await ws.send(json.dumps({'type': 'ping', 'timestamp': 42.5}))
        assert await recv_until(ws, lambda m: m['type'] == 'pong') == {'type': 'pong', 'timestamp': 42.5}
        await ws.send(json.dumps({'type': 'get_status'}))
        status = await recv_until(ws, lambda m: m['type'] == 'status_response')
        info = status['client_info']
        assert set(info) >= {'client_id', 'client_type', 'connected_at', 'last_ping', 'subscriptions', 'is_alive'}
        assert info['subscriptions'] == [
            'alerts',
            'audit',
            'bot_status',
            'clients',
            'notifications',
            'system',
            'trading',
        ]
        assert status['websocket_stats']['connections_by_type']['monitor'] == 1
        for k in range(4):
            server.system.bus.publish(EventType.SIGNAL_GENERATED, signal(f'S{k}'), source='test')
        await ws.send(json.dumps({'type': 'get_events', 'limit': 3, 'event_type': 'signal_generated'}))
        events = await recv_until(ws, lambda m: m['type'] == 'events_response')
        assert events['count'] == 3 and [e['data']['symbol'] for e in events['events']] == ['S1', 'S2', 'S3']
        await ws.send(json.dumps({'type': 'trading_command', 'command': 'stop'}))
        seen: dict[str, dict] = {}
        await recv_until(
            ws, lambda m: seen.setdefault(m['type'], m) and {'trading_command_received', 'user_action'} <= set(seen)
        )
        reply, audit = seen['trading_command_received'], seen['user_action']
        assert reply['command'] == 'stop' and reply['status'] == 'completed' and reply['state'] == 'stopped'
        assert server.system.controller.state.value == 'stopped'
        assert audit['topic'] == 'audit' and audit['data']['action'] == 'stop'
        assert audit['data']['actor'] == 'local' and audit['data']['origin'].startswith('127.0.0.1:')


async def test_events_arrive_as_envelopes_only_on_subscribed_topics(server) -> None:
    async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
        await greet(ws)
        server.system.bus.publish(
            EventType.NOTIFICATION, Notification(message='hi', level='info', category='t'), source='test'
        )
        server.system.bus.publish(EventType.SIGNAL_GENERATED, signal('X'), source='test')  # analysis: not sent
        server.system.bus.publish(EventType.NOTIFICATION, Notification(message='bye'), source='test')
        got = await recv_until(ws, lambda m: m.get('data', {}).get('message') == 'hi')
        assert set(got) >= {'type', 'data', 'timestamp', 'source', 'client_id', 'id', 'topic'}
        nxt = await recv_until(ws, lambda m: m.get('topic') in ('notifications', 'analysis'))
        assert nxt['data']['message'] == 'bye' and nxt['id'] > got['id']


@pytest.mark.parametrize(
    ('frame', 'message'),
    [
        ('not json', 'invalid JSON'),
        ('[1, 2]', 'must be a JSON object'),
        ('{"data": 1}', "missing field 'type'"),
        ('{"type": "dance"}', "unknown message type 'dance'"),
        ('{"type": "subscribe", "topic": "weather"}', "unknown topic 'weather'"),
        ('{"type": "subscribe"}', "give 'topic' or 'topics'"),
        ('{"type": "get_events", "limit": "lots"}', "invalid 'limit'"),
        ('{"type": "replay", "since_id": "x"}', "invalid 'since_id'"),
        ('{"type": "trading_command", "command": "sell everything"}', "invalid 'command'"),
        (b'\x00\x01binary', 'binary frames are not supported'),
    ],
)
async def test_bad_input_gets_an_error_and_the_connection_stays(server, frame, message) -> None:
    async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
        await greet(ws)
        await ws.send(frame)
        error = await recv_until(ws, lambda m: m['type'] == 'error')
        assert message in error['message']
        await ws.send(json.dumps({'type': 'ping', 'timestamp': 1}))
        assert (await recv_until(ws, lambda m: m['type'] == 'pong'))['timestamp'] == 1


async def test_message_over_64kb_closes_with_1009(server) -> None:
    async with connect(f'{server.ws_base}/dashboard/ws/monitor', max_size=None) as ws:
        await greet(ws)
        await ws.send(json.dumps({'type': 'ping', 'pad': 'x' * 70_000}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await recv(ws)
        assert closed.value.rcvd.code == 1009 and 'over 64 KB' in closed.value.rcvd.reason


async def test_replay_after_disconnect_has_no_gap_and_no_duplicate(server) -> None:
    bus = server.system.bus
    async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
        await greet(ws)
        last_seen = bus.last_id
    missed = [
        bus.publish(EventType.NOTIFICATION, Notification(message=f'missed {k}'), source='test').id for k in range(5)
    ]
    async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
        await greet(ws)
        await ws.send(json.dumps({'type': 'replay', 'since_id': last_seen}))
        live = bus.publish(EventType.NOTIFICATION, Notification(message='live after replay request'), source='test').id
        received, replayed, complete = [], [], None
        while complete is None or live not in replayed + received:
            message = await recv(ws)
            if message['type'] == 'replay_complete':
                complete = message
                replayed, received = received, []
            elif 'id' in message:
                received.append(message['id'])
        everything = replayed + received
        assert len(everything) == len(set(everything)), 'no event twice'
        assert set(missed) | {live} <= set(everything), 'no event missing'
        # before replay_complete: the replay (ids up to to_id, in order) and any live event that beat the request
        replayed = [i for i in replayed if i <= complete['to_id']]
        assert replayed == sorted(replayed) and complete['count'] == len(replayed)
        assert set(missed) <= set(replayed)
        assert complete['from_id'] == last_seen + 1 and complete['truncated'] is False
        assert all(i > complete['to_id'] for i in received), 'live ones after the replay'


async def test_replay_beyond_memory_comes_from_the_store_and_says_truncated(tmp_path) -> None:
    async with running_server(tmp_path, event_history=10) as server:
        bus = server.system.bus
        start = bus.last_id
        stored = [
            bus.publish(EventType.NOTIFICATION, Notification(message=f'n{k}'), source='test').id for k in range(30)
        ]
        async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
            await greet(ws)
            await ws.send(json.dumps({'type': 'replay', 'since_id': start}))
            ids = []
            while True:
                message = await recv(ws)
                if message['type'] == 'replay_complete':
                    break
                if message.get('type') == 'notification' and message['data']['message'].startswith('n'):
                    ids.append(message['id'])
            assert ids == stored, 'persisted events older than memory are replayed from SQLite'
            assert message['truncated'] is True


@pytest.mark.slow  # waits for real heartbeats and timeouts
async def test_heartbeat_pings_and_silent_clients_are_dropped(tmp_path) -> None:
    async with running_server(tmp_path, ws_heartbeat_s=0.2, ws_timeout_s=1.0, ws_cleanup_s=0.25) as server:
        async with (
            connect(f'{server.ws_base}/dashboard/ws/monitor', ping_interval=None) as silent,
            connect(f'{server.ws_base}/dashboard/ws/monitor', ping_interval=None) as lively,
        ):
            await greet(silent)
            await greet(lively)
            pings, statuses = [], []

            async def answer_pings() -> None:  # the original browser client's behaviour
                async for raw in lively:
                    message = json.loads(raw)
                    if message['type'] == 'ping':
                        pings.append(message)
                        await lively.send(json.dumps({'type': 'pong'}))
                    elif message['type'] == 'status_response':
                        statuses.append(message)

            responder = asyncio.create_task(answer_pings())
            with pytest.raises(ConnectionClosed) as closed:  # never answers: gone after ~1 s
                while True:
                    await silent.recv()
            assert closed.value.rcvd.code == 1001 and 'no message from the client' in closed.value.rcvd.reason
            await asyncio.sleep(1.5)
            await lively.send(json.dumps({'type': 'get_status'}))
            for _ in range(50):
                if statuses:
                    break
                await asyncio.sleep(0.05)
            responder.cancel()
            assert len(pings) >= 8 and all('timestamp' in p for p in pings)
            assert statuses and statuses[0]['client_info']['is_alive'], 'answering pings keeps a client alive'
        stats = server.connections.stats()
        assert stats.disconnects_by_reason.get('no message from the client for 1 s') == 1


def small_buffer_socket(base: str) -> socket.socket:
    """A client socket with a fixed 64 KB receive buffer (no autotuning up to this machine's 32 MB)."""
    host, port = base.removeprefix('ws://').split(':')
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sock.connect((host, int(port)))
    return sock


@pytest.mark.slow
@pytest.mark.parametrize('send_path', ['transport', 'asgi'])
async def test_a_stalled_client_is_dropped_while_a_healthy_one_keeps_receiving(
    tmp_path, monkeypatch, send_path
) -> None:
    if send_path == 'asgi':  # a server that hides its transport: per-client queue and writer task
        monkeypatch.setattr(connections, 'server_transport', lambda ws: None)
    async with running_server(tmp_path) as server:
        server.connections.config.queue_bytes = 512 * 1024
        bus = server.system.bus
        stalled_socket = small_buffer_socket(server.ws_base)
        async with (
            connect(f'{server.ws_base}/dashboard/ws/monitor', max_size=None) as healthy,
            connect(
                f'{server.ws_base}/dashboard/ws/monitor', max_size=None, max_queue=1, sock=stalled_socket
            ) as stalled,
        ):
            await greet(healthy)
            await greet(stalled)
            received = []

            async def read() -> None:
                while len(received) < 200:
                    message = json.loads(await healthy.recv())
                    if message.get('data', {}).get('pad'):
                        received.append(message['data']['n'])

            reader = asyncio.create_task(read())
            for n in range(200):  # 200 x 60 KB = 12 MB: more than the kernel buffers hold
                pad = secrets.token_urlsafe(45_000)  # 60 KB that permessage-deflate cannot shrink
                bus.publish_test(EventType.NOTIFICATION, {'n': n, 'pad': pad})
                await asyncio.sleep(0.01)
            await asyncio.wait_for(reader, 30)
            assert received == list(range(200))
            stats = server.connections.stats()
            assert stats.disconnects_by_reason.get('send queue full') == 1
            assert stats.total_connections == 1 and stats.messages_dropped > 0
            assert stats.direct_connections == (1 if send_path == 'transport' else 0)


async def test_client_ids_cannot_be_taken_over(server) -> None:
    async with (
        connect(f'{server.ws_base}/dashboard/ws/dashboard?client_id=alice') as first,
        connect(f'{server.ws_base}/dashboard/ws/dashboard?client_id=alice') as second,
    ):
        a, _ = await greet(first)
        b, _ = await greet(second)
        assert a['client_id'] == 'alice' and b['client_id'] != 'alice'
        assert b['requested_client_id_refused'] == 'alice'


async def test_websocket_tokens_in_url_header_or_first_message_and_withdrawal(tmp_path) -> None:
    async with running_server(tmp_path, api_token=CONFIG_TOKEN, ws_cleanup_s=0.2) as server:
        viewer_token = server.system.access.accounts.add_token('watcher', Role.VIEWER)
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f'{server.ws_base}/dashboard/ws/dashboard?token=wrong'):
                pass
        assert refused.value.response.status_code == 403
        for first in ({'type': 'ping'}, {'type': 'auth', 'token': 'not-a-token'}):
            async with connect(f'{server.ws_base}/dashboard/ws/dashboard') as ws:
                await ws.send(json.dumps(first))
                with pytest.raises(ConnectionClosed) as closed:
                    await recv(ws)
                assert closed.value.rcvd.code == 1008
                assert closed.value.rcvd.reason == (
                    'invalid token'
                    if first['type'] == 'auth'
                    else 'authentication required: send {"type": "auth", "token": "..."} first or connect with ?token='
                )
        async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
            await ws.send(json.dumps({'type': 'auth', 'token': viewer_token}))
            assert await recv(ws) == {'type': 'auth_ok', 'role': 'viewer'}
            await greet(ws)
            await ws.send(json.dumps({'type': 'trading_command', 'command': 'stop'}))
            reply = await recv_until(ws, lambda m: m['type'] == 'trading_command_received')
            assert reply['success'] is False and reply['status'] == 'failed'
            assert reply['message'] == 'forbidden: token:watcher has the viewer role; this needs an operator'
            assert server.system.controller.state.value != 'stopped'
            server.system.access.accounts.remove_token('watcher')
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await recv(ws)
            assert closed.value.rcvd.code == 1008 and closed.value.rcvd.reason == 'token no longer valid'
        async with connect(
            f'{server.ws_base}/dashboard/ws/monitor', additional_headers={'Authorization': f'Bearer {CONFIG_TOKEN}'}
        ) as ws:
            assert (await recv(ws))['type'] == 'connection_established'


async def test_connect_and_disconnect_are_events(server) -> None:
    async with connect(f'{server.ws_base}/dashboard/ws/monitor') as watcher:
        await greet(watcher)
        async with connect(f'{server.ws_base}/dashboard/ws/trading') as other:
            established, _ = await greet(other)
        connected = await recv_until(
            watcher, lambda m: m['type'] == 'client_connected' and m['data']['client_type'] == 'trading'
        )
        assert connected['data']['client_id'] == established['client_id']
        assert connected['topic'] == 'clients'
        gone = await recv_until(watcher, lambda m: m['type'] == 'client_disconnected')
        assert gone['data']['client_id'] == established['client_id']


@pytest.mark.slow  # summaries come at most once a real second
async def test_a_connect_storm_reaches_dashboards_as_one_summary_a_second(server) -> None:
    started = time.monotonic()
    async with connect(f'{server.ws_base}/dashboard/ws/dashboard') as dashboard:
        await greet(dashboard)
        async with contextlib.AsyncExitStack() as stack:
            others = await asyncio.gather(
                *(stack.enter_async_context(connect(f'{server.ws_base}/dashboard/ws/trading')) for _ in range(20))
            )
            await asyncio.gather(*(greet(ws) for ws in others))
            elapsed = time.monotonic() - started
            summaries: list[dict] = []
            pinged = False
            while (message := await recv(dashboard, timeout=5))['type'] != 'pong':
                assert message['type'] not in {'client_connected', 'client_disconnected'}, 'not a dashboard topic'
                if message['type'] == 'clients_changed':
                    assert message['topic'] == 'system'
                    summaries.append(message['data'])
                if not pinged and sum(s['joined'] for s in summaries) >= 21:  # then any summary still due
                    await dashboard.send(json.dumps({'type': 'ping', 'timestamp': 1}))
                    pinged = True
            assert sum(s['joined'] for s in summaries) == 21, 'the dashboard itself and the 20 others'
            assert summaries[-1] == {
                'connected': 21,
                'by_endpoint': {'dashboard': 1, 'trading': 20, 'monitor': 0},
                'joined': summaries[-1]['joined'],
                'left': 0,
            }
            # one at once, then at most one a second: 21 connects within a second give at most two summaries
            assert len(summaries) <= 1 + math.ceil(elapsed), (elapsed, summaries)
        left = [await recv_until(dashboard, lambda m: m['type'] == 'clients_changed')]
        while left[-1]['data']['connected'] > 1:
            left.append(await recv_until(dashboard, lambda m: m['type'] == 'clients_changed'))
        assert sum(m['data']['left'] for m in left) == 20


async def test_reconnect_with_since_id_replays_before_any_live_event(server) -> None:
    bus = server.system.bus
    last_seen = bus.last_id
    missed = [
        bus.publish(EventType.BOT_STATUS_UPDATE, BotStatusUpdate(status=f's{k}'), source='test').id for k in range(3)
    ]
    async with connect(f'{server.ws_base}/dashboard/ws/monitor?since_id={last_seen}') as ws:
        await greet(ws)
        ids = []
        while True:
            message = await recv(ws)
            if message['type'] == 'replay_complete':
                break
            ids.append(message['id'])
        assert ids == sorted(set(ids)) and set(missed) <= set(ids) and min(ids) > last_seen
        assert message['to_id'] >= missed[-1] and message['count'] == len(ids)
        connected = await recv_until(ws, lambda m: m['type'] == 'client_connected')
        assert connected['id'] > message['to_id'], 'live events follow the replay'


async def test_a_websocket_connect_leaves_no_http_protocol_for_the_garbage_collector(server) -> None:
    gc.collect()
    gc.disable()  # anything still here afterwards was left in a reference cycle, not freed
    try:
        for _ in range(20):
            async with connect(f'{server.ws_base}/dashboard/ws/monitor') as ws:
                await greet(ws)
        await asyncio.sleep(0.2)
        left = [o for o in gc.get_objects() if issubclass(type(o), HttpToolsProtocol)]
    finally:
        gc.enable()
    assert left == []
