"""WebSocket connections: topics, per-client bounded send queues, heartbeat, cleanup, replay and stats.

Fan-out: the manager is a synchronous sink on the bus; each event is serialized once, and framed once: a
server's WebSocket frame is unmasked, so the same bytes go to every subscribed client. Under uvicorn those
bytes are written straight to each client's transport (what ``websockets.broadcast`` does), skipping the
per-client ASGI send path (starlette -> uvicorn -> wsproto) that dominated the cost at a thousand clients. The
transport's write buffer is then the client's send queue, bounded in bytes; a client whose buffer passes the
bound, or stays non-empty (its kernel buffer full) for ``send_timeout_s``, is disconnected with 1013 and
counted, and its socket aborted, so it never delays the others or holds memory. Under a server that does not
expose its transport the same bounds apply to a per-client queue drained by one writer task.
The server runs without permessage-deflate: compressing is per connection, so it would undo serialize-once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketState
from websockets.frames import Frame, Opcode

from ..bus import EventBus
from ..events import ClientInfo, Event, EventType, Topic
from ..security.accounts import Principal
from ..views.models import WebSocketStats
from .messages import MAX_MESSAGE_BYTES
from .paths import WS_PREFIX

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    topics: tuple[Topic, ...]
    init_type: str
    init_message: str


ENDPOINTS: dict[str, Endpoint] = {
    'dashboard': Endpoint(
        'dashboard',
        (
            Topic.TRADING,
            Topic.BOT_STATUS,
            Topic.PORTFOLIO,
            Topic.MARKET_DATA,
            Topic.NOTIFICATIONS,
            Topic.SYSTEM,
            Topic.ALERTS,
        ),
        'dashboard_initialized',
        'Dashboard WebSocket connected',
    ),
    'trading': Endpoint(
        'trading',
        (Topic.TRADING, Topic.MARKET_DATA, Topic.PORTFOLIO),
        'trading_connection_established',
        'Trading WebSocket connected',
    ),
    'monitor': Endpoint(
        'monitor',
        (Topic.SYSTEM, Topic.BOT_STATUS, Topic.NOTIFICATIONS, Topic.ALERTS),
        'monitor_connection_established',
        'Monitor WebSocket connected',
    ),
}
_CLIENT_ID = re.compile(r'^[A-Za-z0-9_.-]{1,64}$')


@dataclass(kw_only=True)
class WsConfig:
    """Timings and limits (seconds, messages, bytes)."""

    heartbeat_s: float = 30.0
    timeout_s: float = 120.0
    cleanup_s: float = 60.0
    queue_messages: int = 2000
    queue_bytes: int = 4 * 2**20
    send_timeout_s: float = 10.0
    max_message_bytes: int = MAX_MESSAGE_BYTES


def dumps(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


def text_frame(text: str) -> bytes:
    """``text`` as one server-to-client WebSocket frame (unmasked, so the same bytes suit every client)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


TRANSPORT_METHODS = ('write', 'get_write_buffer_size', 'is_closing', 'abort')


def server_transport(ws: WebSocket) -> asyncio.WriteTransport | None:
    """The client's transport, if the ASGI server exposes it on the protocol object behind ``receive``.

    uvicorn's WebSocket protocols (wsproto, websockets, websockets-sansio) do; anything else gets the ASGI send
    path. A test checks the fast path is in use under the app's server, so an upgrade that hides it shows up.
    """
    protocol = getattr(getattr(ws, '_receive', None), '__self__', None)
    transport = getattr(protocol, 'transport', None)
    usable = all(callable(getattr(transport, name, None)) for name in TRANSPORT_METHODS)  # uvloop's are no subclass
    return transport if usable else None


@dataclass(eq=False)
class Connection:
    """One WebSocket client: its topics, its send queue and its writer task."""

    ws: WebSocket
    id: str
    endpoint: Endpoint
    token: str | None
    principal: Principal
    manager: ConnectionManager
    topics: set[Topic] = field(default_factory=set)
    connected_at: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.monotonic)
    last_ping: float | None = None
    transport: asyncio.WriteTransport | None = None
    """The client's socket, when the server exposes it: frames are written to it directly."""
    queue: deque[str] = field(default_factory=deque)
    queued_bytes: int = 0
    first_live_id: int | None = None
    """Id of the first event sent live; a replay covers only what came before it."""
    replay_buffer: list[tuple[str, bytes | None]] | None = None
    """While a replay runs, live events wait here so none is sent twice or out of order."""
    is_closed: bool = False
    sending_since: float | None = None
    """Loop time since which a send has been in progress (writer task) or the transport's buffer non-empty."""
    closing: asyncio.Task[None] | None = None
    """Sends the close frame once the client is dropped."""
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _writer: asyncio.Task[None] | None = None

    def send(self, text: str, frame: bytes | None = None) -> None:
        """Send one serialized message (``frame``: the same, already framed); disconnects a client that is too
        far behind."""
        if self.is_closed:
            return
        config = self.manager.config
        if self.transport is not None:
            self._write(frame or text_frame(text), config.queue_bytes)
            return
        if len(self.queue) >= config.queue_messages or self.queued_bytes + len(text) > config.queue_bytes:
            self.manager.stats_dropped += len(self.queue) + 1
            self.manager.drop(self, 1013, 'send queue full: client is not keeping up')
            return
        self.queue.append(text)
        self.queued_bytes += len(text)
        self._wake.set()

    def _write(self, frame: bytes, limit: int) -> None:
        transport = self.transport
        assert transport is not None
        if transport.is_closing():
            self.manager.drop(self, 1006, 'connection lost while sending')
            return
        if transport.get_write_buffer_size() + len(frame) > limit:
            self.manager.stats_dropped += 1
            self.manager.drop(self, 1013, 'send queue full: client is not keeping up')
            return
        transport.write(frame)
        self.manager.stats_sent += 1

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(dumps(message))

    def deliver(self, text: str, frame: bytes | None, event_id: int) -> None:
        if self.first_live_id is None:
            self.first_live_id = event_id
        if self.replay_buffer is not None:
            self.replay_buffer.append((text, frame))
        else:
            self.send(text, frame)

    @property
    def backlog_bytes(self) -> int:
        """Bytes accepted for this client but not yet handed to its kernel socket buffer."""
        return self.transport.get_write_buffer_size() if self.transport is not None else self.queued_bytes

    async def write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        queue, send = self.queue, self.ws.send_text
        try:
            while not self.is_closed:
                if not queue:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                text = queue.popleft()
                self.queued_bytes -= len(text)
                self.sending_since = loop.time()
                await send(text)
                self.sending_since = None
                self.manager.stats_sent += 1
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away mid-send
            self.manager.drop(self, 1006, 'connection lost while sending')

    def info(self) -> dict[str, Any]:
        return {
            'client_id': self.id,
            'client_type': self.endpoint.name,
            'connected_at': self.connected_at,
            'last_ping': self.last_ping,
            'subscriptions': sorted(t.value for t in self.topics),
            'is_alive': not self.is_closed,
            'queued_messages': len(self.queue),
            'queued_bytes': self.backlog_bytes,
        }


class ConnectionManager:
    """All WebSocket clients of the app.

    :param is_token_valid: returns False once a connection's token is withdrawn (checked on every cleanup)
    """

    def __init__(
        self,
        bus: EventBus,
        config: WsConfig | None = None,
        is_token_valid: Callable[[str | None], bool] = lambda token: True,
    ) -> None:
        self.bus = bus
        self.config = config or WsConfig()
        self.is_token_valid = is_token_valid
        self.connections: dict[str, Connection] = {}
        self.started = time.time()
        self.stats_sent = 0
        self.stats_dropped = 0
        self.disconnects: Counter[str] = Counter()
        self.total_connected = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._remove_sink: Callable[[], None] | None = None

    # ---- lifecycle ---------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._remove_sink = self.bus.add_sink(self)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._every(self.config.heartbeat_s, self.heartbeat), name='ws-heartbeat'),
            loop.create_task(self._every(self.config.cleanup_s, self.cleanup), name='ws-cleanup'),
            loop.create_task(
                self._every(min(1.0, self.config.send_timeout_s / 4), self.watch_sends), name='ws-send-watchdog'
            ),
        ]

    async def stop(self) -> None:
        if self._remove_sink:
            self._remove_sink()
        for task in self._tasks:
            task.cancel()
        for connection in list(self.connections.values()):
            self.drop(connection, 1001, 'server shutting down')
        await asyncio.sleep(0)

    @staticmethod
    async def _every(interval_s: float, action: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                action()
            except Exception:
                log.exception('websocket maintenance failed')

    def heartbeat(self) -> None:
        """Send every client a ping; they answer with pong (or anything)."""
        text = dumps({'type': 'ping', 'timestamp': time.time()})
        for connection in list(self.connections.values()):
            connection.send(text)

    def watch_sends(self) -> None:
        """Drop clients whose send has been stuck longer than ``send_timeout_s`` (a timer per send would cost a
        task per message): a writer task's send in progress, or a transport whose buffer never emptied."""
        now = asyncio.get_running_loop().time()
        limit = self.config.send_timeout_s
        for connection in list(self.connections.values()):
            if connection.transport is not None:
                backlog = connection.transport.get_write_buffer_size() > 0
                if not backlog:
                    connection.sending_since = None
                elif connection.sending_since is None:
                    connection.sending_since = now
            if connection.sending_since is not None and now - connection.sending_since > limit:
                self.drop(connection, 1013, f'send stalled for {limit:g} s: client is not reading')

    def cleanup(self) -> None:
        """Drop clients silent for longer than ``timeout_s`` and those whose token was withdrawn."""
        now = time.monotonic()
        for connection in list(self.connections.values()):
            if not self.is_token_valid(connection.token):
                self.drop(connection, 1008, 'token no longer valid')
            elif now - connection.last_seen > self.config.timeout_s:
                self.drop(connection, 1001, f'no message from the client for {self.config.timeout_s:g} s')

    # ---- bus sink ----------------------------------------------------------------------------------------
    def wants(self, event: Event) -> bool:
        return bool(self.connections)

    def put(self, event: Event) -> None:
        """Serialize and frame once, send to every client subscribed to the event's topic."""
        text: str | None = None
        frame = b''
        for connection in tuple(self.connections.values()):  # a full queue drops its client mid-loop
            if event.topic in connection.topics:
                if text is None:
                    text = event.json
                    frame = text_frame(text)
                connection.deliver(text, frame, event.id)

    # ---- connections -------------------------------------------------------------------------------------
    def new_id(self, requested: str | None) -> str:
        if requested and _CLIENT_ID.match(requested) and requested not in self.connections:
            return requested
        return uuid.uuid4().hex[:16]

    def add(
        self, ws: WebSocket, endpoint: Endpoint, requested_id: str | None, token: str | None, principal: Principal
    ) -> Connection:
        connection = Connection(
            ws=ws,
            id=self.new_id(requested_id),
            endpoint=endpoint,
            token=token,
            principal=principal,
            manager=self,
            topics=set(endpoint.topics),
        )
        self.connections[connection.id] = connection
        self.total_connected += 1
        connection.transport = server_transport(ws)
        if connection.transport is None:
            connection._writer = asyncio.get_running_loop().create_task(
                connection.write_loop(), name=f'ws-writer:{connection.id}'
            )
        return connection

    def announce(self, connection: Connection) -> None:
        """Publish ``client_connected`` (after the client got its greeting, so that comes first)."""
        self.bus.publish(
            EventType.CLIENT_CONNECTED,
            ClientInfo(
                client_id=connection.id,
                client_type=connection.endpoint.name,
                endpoint=f'{WS_PREFIX}/{connection.endpoint.name}',
            ),
            source='websocket',
        )

    def drop(self, connection: Connection, code: int, reason: str) -> None:
        """Disconnect ``connection`` (idempotent), counting why."""
        if connection.is_closed:
            return
        connection.is_closed = True
        connection.queue.clear()
        connection.queued_bytes = 0
        connection._wake.set()
        self.connections.pop(connection.id, None)
        self.disconnects[reason.split(':')[0]] += 1
        writer = connection._writer
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
        loop = asyncio.get_running_loop()
        connection.closing = loop.create_task(self._close(connection, code, reason))
        # announced on the next loop turn: a drop can happen inside another event's fan-out, and publishing
        # there would overtake that event for the clients not yet served
        loop.call_soon(
            partial(
                self.bus.publish,
                EventType.CLIENT_DISCONNECTED,
                ClientInfo(
                    client_id=connection.id,
                    client_type=connection.endpoint.name,
                    endpoint=f'{WS_PREFIX}/{connection.endpoint.name}',
                    reason=reason,
                ),
                source='websocket',
            )
        )

    @staticmethod
    async def _close(connection: Connection, code: int, reason: str) -> None:
        ws, transport = connection.ws, connection.transport
        if (
            ws.application_state is not WebSocketState.DISCONNECTED
            and ws.client_state is not WebSocketState.DISCONNECTED
        ):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=code, reason=reason[:120]), 2.0)
        if transport is not None and not transport.is_closing() and transport.get_write_buffer_size():
            await asyncio.sleep(2.0)  # time for the close frame behind the backlog; a stalled client gets none
            if transport.get_write_buffer_size():
                transport.abort()  # frees the backlog now instead of at the TCP timeout

    # ---- replay ------------------------------------------------------------------------------------------
    async def replay(
        self, connection: Connection, since_id: int, load_stored: Callable[[int, int], Awaitable[list[Event]]]
    ) -> None:
        """Send the client's missed events after ``since_id``, then ``replay_complete``, then live ones.

        Events this connection already got live are not sent again: the replay ends below the first of them.
        """
        to_id = self.bus.last_id if connection.first_live_id is None else connection.first_live_id - 1
        connection.replay_buffer = []  # from here on, live events wait (same synchronous step as to_id)
        try:
            memory = [e for e in self.bus.history if since_id < e.id <= to_id]
            oldest_in_memory = self.bus.history[0].id if self.bus.history else to_id + 1
            stored: list[Event] = []
            if since_id + 1 < oldest_in_memory:
                stored = await load_stored(since_id, min(to_id, oldest_in_memory - 1))
            seen: set[int] = set()
            count = 0
            for event in [*stored, *memory]:
                if event.id in seen or event.topic not in connection.topics:
                    continue
                seen.add(event.id)
                connection.send(event.json)
                count += 1
            # below the memory window only stored (non-sampled) events survive: ticks and metrics there are gone
            truncated = since_id < to_id and since_id + 1 < oldest_in_memory
            connection.send_json(
                {
                    'type': 'replay_complete',
                    'from_id': since_id + 1,
                    'to_id': to_id,
                    'count': count,
                    'truncated': truncated,
                }
            )
        finally:
            buffered, connection.replay_buffer = connection.replay_buffer, None
            for text, frame in buffered or []:
                connection.send(text, frame)

    # ---- stats -------------------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self.connections)

    def stats(self) -> WebSocketStats:
        by_endpoint = Counter(c.endpoint.name for c in self.connections.values())
        by_topic = Counter(t.value for c in self.connections.values() for t in c.topics)
        history = self.bus.history
        return WebSocketStats(
            **{
                'total_connections': len(self.connections),
                'connections_by_type': {name: by_endpoint.get(name, 0) for name in ENDPOINTS},
                'topics': [t.value for t in Topic],
                'total_subscriptions': sum(by_topic.values()),
                'recent_events_count': len(history),
                'last_event_time': history[-1].timestamp if history else None,
                'connections_by_endpoint': {name: by_endpoint.get(name, 0) for name in ENDPOINTS},
                'subscribers_by_topic': {t.value: by_topic.get(t.value, 0) for t in Topic},
                'messages_sent': self.stats_sent,
                'messages_dropped': self.stats_dropped,
                'direct_connections': sum(c.transport is not None for c in self.connections.values()),
                'disconnects_by_reason': dict(self.disconnects),
                'uptime_s': time.time() - self.started,
                'last_event_id': self.bus.last_id,
            }
        )
