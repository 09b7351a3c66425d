"""A real HTTP/WebSocket server for API tests: the production API wiring on uvicorn, on a free loopback port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from oracle_ui.api.connections import ConnectionManager
from oracle_ui.clock import ManualClock
from oracle_ui.engine.feed import MarketFeed
from oracle_ui.settings import Settings
from oracle_ui.system import System, build_system
from oracle_ui.web.app import mount_api
from oracle_ui.web.http_protocol import HttpProtocol, proxy_args


@dataclass
class Server:
    system: System
    connections: ConnectionManager
    clock: ManualClock
    """The market's time: it moves only when the test advances it."""
    base: str
    ws_base: str


@contextlib.asynccontextmanager
async def running_server(
    data_dir: Path, feed: MarketFeed | None = None, clock: ManualClock | None = None, **overrides: object
) -> AsyncIterator[Server]:
    """The API of a freshly built system (on a manual clock) served on a free loopback port."""
    clock = clock or ManualClock()
    settings = Settings(data_dir=data_dir, _env_file=None, **{'speed': 60, 'sim_history_days': 1, **overrides})
    system = build_system(settings, feed=feed, clock=clock)
    app = FastAPI()
    mount_api(app, system)
    assert isinstance(system.clients, ConnectionManager)
    connections = system.clients
    config = uvicorn.Config(
        app,
        host='127.0.0.1',
        port=0,
        log_level='warning',
        lifespan='off',
        http=HttpProtocol,
        ws='wsproto',  # as NiceGUI's ui.run
        **proxy_args(settings),
    )
    server = uvicorn.Server(config)
    await system.start()
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Server(system, connections, clock, f'http://127.0.0.1:{port}', f'ws://127.0.0.1:{port}')
    finally:
        await connections.stop()  # WebSocket clients go first, or the server waits for them
        await _stop(server, task)
        await system.stop()


async def _stop(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    """uvicorn's own shutdown, without its waits (a 0.1 s tick and a 0.1 s grace period: a fifth of a second per
    test): stop listening, close every connection, end the serving task."""
    server.should_exit = True
    for listening in server.servers:
        listening.close()
    for connection in list(server.server_state.connections):
        connection.shutdown()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def api_client(server: Server, token: str | None = None, **headers: str) -> httpx.AsyncClient:
    """An httpx client on ``server``'s REST API (``/dashboard/api``), with ``token`` as its bearer if given."""
    if token:
        headers['Authorization'] = f'Bearer {token}'
    return httpx.AsyncClient(base_url=server.base + '/dashboard/api', headers=headers, timeout=20)
