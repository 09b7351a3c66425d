"""The raw WebSocket endpoints ``/dashboard/ws/{dashboard,trading,monitor}`` and their protocol (docs/PROTOCOL.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import orjson
from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..errors import CommandError
from ..events import Event
from ..security.access import bearer_token
from ..security.accounts import Principal
from ..system import System
from . import messages as m
from .connections import Connection, ConnectionManager
from .endpoints import ENDPOINTS, Endpoint
from .paths import WS_PREFIX
from .replay import replay

router = APIRouter(prefix=WS_PREFIX)
log = logging.getLogger(__name__)


@router.websocket('/dashboard')
async def dashboard(websocket: WebSocket) -> None:
    await serve_websocket(websocket, ENDPOINTS['dashboard'])


@router.websocket('/trading')
async def trading(websocket: WebSocket) -> None:
    await serve_websocket(websocket, ENDPOINTS['trading'])


@router.websocket('/monitor')
async def monitor(websocket: WebSocket) -> None:
    await serve_websocket(websocket, ENDPOINTS['monitor'])


async def serve_websocket(ws: WebSocket, endpoint: Endpoint) -> None:
    """Run one client connection from handshake to close."""
    system: System = ws.app.state.system
    access = system.access
    client = ws.client.host if ws.client else 'unknown'
    token = ws.query_params.get('token') or bearer_token(ws.headers.get('authorization'))
    if access.throttle.retry_after(client) > 0:
        await ws.close(code=1008, reason='too many failed attempts; retry later')  # before accept: HTTP 403
        return
    who = access.authenticate(token, client)
    if token and who is None:
        await ws.close(code=1008, reason='invalid token')  # before accept: the client sees HTTP 403
        return
    manager = _manager(system)
    seat = manager.admission.seat(client, who)
    if isinstance(seat, str):
        log.warning('refused a WebSocket from %s: %s', client, seat)
        await _deny(ws, seat)
        return
    try:
        await ws.accept()
        if who is None:
            token, who = await _first_message_auth(ws, system, client, manager.admission.limits.auth_timeout_s)
            if who is None:
                return
            if refusal := seat.claim(who):
                log.warning('closed a WebSocket from %s: %s', client, refusal)
                with contextlib.suppress(RuntimeError):
                    await ws.close(code=1013, reason=refusal[:120])
                return
        await _serve(ws, endpoint, system, token, who)
    finally:
        seat.release()


async def _deny(ws: WebSocket, reason: str) -> None:
    """Refuse a handshake with HTTP 429 and the reason (a server without denial responses: close 1013, HTTP 403)."""
    response = JSONResponse({'detail': reason}, status_code=429, headers={'Retry-After': '10'})
    try:
        await ws.send_denial_response(response)
    except RuntimeError:
        await ws.close(code=1013, reason=reason[:120])


def _greet(connection: Connection, endpoint: Endpoint, system: System, requested: str | None) -> None:
    """The two connect messages: ``connection_established`` and the endpoint's own."""
    connection.send_json(
        {
            'type': 'connection_established',
            'client_id': connection.id,
            'client_type': endpoint.name,
            'timestamp': time.time(),
            'heartbeat_interval': connection.manager.config.heartbeat_s,
            'last_event_id': system.bus.last_id,
            'server_time': time.time(),
            **({'requested_client_id_refused': requested} if requested and requested != connection.id else {}),
        }
    )
    connection.send_json(
        {
            'type': endpoint.init_type,
            'subscriptions': sorted(t.value for t in connection.topics),
            'message': endpoint.init_message,
        }
    )


async def _serve(ws: WebSocket, endpoint: Endpoint, system: System, token: str | None, who: Principal) -> None:
    """Serve an accepted, authenticated connection until it closes."""
    manager = _manager(system)
    connection = manager.add(ws, endpoint, ws.query_params.get('client_id'), token, who)
    topics_error = _initial_topics(connection, ws.query_params.get('topics'))
    _greet(connection, endpoint, system, ws.query_params.get('client_id'))
    since = ws.query_params.get('since_id', '')
    if since.isdigit():  # replay before any live event: the way to resume after a reconnect
        await _handle(connection, m.Replay(type='replay', since_id=int(since)), system)
    if topics_error:
        connection.send_json({'type': 'error', 'message': topics_error})
    manager.announce(connection)
    reason = 'client closed the connection'
    try:
        while not connection.is_closed:
            message = await ws.receive()
            if message['type'] == 'websocket.disconnect':
                break
            connection.last_seen = time.monotonic()
            text = message.get('text')
            if text is None:
                connection.send_json({'type': 'error', 'message': 'binary frames are not supported; send JSON text'})
                continue
            if (
                len(text) > manager.config.max_message_bytes // 4
                and len(text.encode()) > manager.config.max_message_bytes
            ):
                reason = f'message over {manager.config.max_message_bytes // 1024} KB'
                manager.drop(connection, 1009, reason)
                break
            try:
                parsed = m.parse_client_message(text)
            except m.BadMessage as error:
                connection.send_json({'type': 'error', 'message': str(error)})
                continue
            await _handle(connection, parsed, system)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        manager.drop(connection, 1000, reason)
        if connection.closing is not None:  # let the close frame (and its code) reach the client
            await connection.closing


async def _handle(connection: Connection, message: object, system: System) -> None:
    match message:
        case m.Subscribe():
            for topic in message.topic_list:
                connection.topics.add(topic)
                connection.send_json({'type': 'subscription_confirmed', 'topic': topic.value, 'status': 'subscribed'})
        case m.Unsubscribe():
            for topic in message.topic_list:
                connection.topics.discard(topic)
                connection.send_json(
                    {'type': 'unsubscription_confirmed', 'topic': topic.value, 'status': 'unsubscribed'}
                )
        case m.Ping():
            connection.last_ping = time.time()
            connection.send_json({'type': 'pong', 'timestamp': message.timestamp})
        case m.Pong():
            connection.last_ping = time.time()
        case m.GetStatus():
            connection.send_json(
                {
                    'type': 'status_response',
                    'websocket_stats': _manager(system).stats().model_dump(mode='json'),
                    'client_info': connection.info(),
                    'bot': {'state': system.controller.state.value, 'strategy': system.strategy.name},
                }
            )
        case m.GetEvents():
            events = system.bus.recent(type_=message.event_type, limit=message.limit)
            connection.send_json(
                {'type': 'events_response', 'events': [e.envelope() for e in events], 'count': len(events)}
            )
        case m.Auth():
            connection.send_json(
                {'type': 'auth_ok', 'role': connection.principal.role.value, 'message': 'already authenticated'}
            )
        case m.TradingCommand():
            await _command(connection, message, system)
        case m.Replay():

            async def stored(after_id: int, until_id: int) -> list[Event]:
                await asyncio.sleep(0)
                return system.store.events(since_id=after_id, until_id=until_id, limit=1_000_000)

            await replay(connection, system.bus, message.since_id, stored)


async def _command(connection: Connection, message: m.TradingCommand, system: System) -> None:
    """Start, stop or restart the bot for the connection's principal; the outcome goes back to it."""
    try:
        result = await system.commands.control(
            message.command, who=connection.principal, origin=_origin(connection), reason='websocket command'
        )
    except CommandError as error:
        success, text = False, error.message
    else:
        success, text = result.success, result.message
    connection.send_json(
        {
            'type': 'trading_command_received',
            'command': message.command,
            'status': 'completed' if success else 'failed',
            'success': success,
            'message': text,
            'state': system.controller.state.value,
        }
    )


async def _first_message_auth(
    ws: WebSocket, system: System, client: str, timeout_s: float
) -> tuple[str | None, Principal | None]:
    """Wait up to ``timeout_s`` for ``{"type": "auth", "token": ...}``; on anything else close with 1008 and a
    reason."""
    reason = 'authentication required: send {"type": "auth", "token": "..."} first or connect with ?token='
    try:
        message = await asyncio.wait_for(ws.receive(), timeout_s)
    except TimeoutError:
        message = {'type': 'websocket.receive'}
    if message['type'] == 'websocket.disconnect':
        return None, None
    text = message.get('text')
    parsed = None
    if text is not None and len(text) <= m.MAX_MESSAGE_BYTES:
        with contextlib.suppress(m.BadMessage):
            parsed = m.parse_client_message(text)
    token = parsed.token if isinstance(parsed, m.Auth) else None
    who = system.access.authenticate(token, client) if token is not None else None
    if who is None:
        if token is not None:
            reason = 'invalid token'
        with contextlib.suppress(RuntimeError):
            await ws.close(code=1008, reason=reason)
        return None, None
    await ws.send_text(orjson.dumps({'type': 'auth_ok', 'role': who.role.value}).decode())
    return token, who


def _initial_topics(connection: Connection, text: str | None) -> str:
    """``?topics=a,b`` replaces the endpoint's default topics (so a replay on connect covers them)."""
    if text is None:
        return ''
    try:
        parsed = m.Subscribe(type='subscribe', topics=[t.strip() for t in text.split(',') if t.strip()])
    except ValidationError as error:
        return f'topics: {error.errors()[0]["msg"].removeprefix("Value error, ")}; kept the default topics'
    connection.topics = set(parsed.topic_list)
    return ''


def _origin(connection: Connection) -> str:
    client = connection.ws.client
    return f'{client.host}:{client.port}' if client else 'unknown'


def _manager(system: System) -> ConnectionManager:
    """The manager :func:`oracle_ui.api.install_api` made for the system's WebSocket clients."""
    assert isinstance(system.clients, ConnectionManager)
    return system.clients
