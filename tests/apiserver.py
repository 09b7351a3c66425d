"""A real HTTP/WebSocket server for API tests: the system's router on uvicorn, on a free loopback port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from oracle_ui.api.guard import protect
from oracle_ui.api.http_protocol import HttpProtocol
from oracle_ui.api.rest import build_router, install_error_format
from oracle_ui.engine.feed import MarketFeed
from oracle_ui.settings import Settings
from oracle_ui.system import System, build_system


@dataclass
class Server:
    system: System
    base: str
    ws_base: str


@contextlib.asynccontextmanager
async def running_server(data_dir: Path, feed: MarketFeed | None = None, **overrides) -> AsyncIterator[Server]:
    settings = Settings(data_dir=data_dir, _env_file=None, **{'speed': 300, **overrides})
    system = build_system(settings, feed=feed)
    app = FastAPI()
    app.include_router(build_router(system))
    install_error_format(app)
    protect(app, settings)
    config = uvicorn.Config(app, host='127.0.0.1', port=0, log_level='warning', lifespan='off', http=HttpProtocol)
    server = uvicorn.Server(config)
    await system.start()
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Server(system, f'http://127.0.0.1:{port}', f'ws://127.0.0.1:{port}')
    finally:
        await system.connections.stop()
        server.should_exit = True
        await task
        await system.stop()
