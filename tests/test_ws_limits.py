"""How many WebSockets one client may hold, over real sockets: per token, per address, unauthenticated."""

import asyncio
import contextlib
import json
import secrets
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from oracle_ui.security.accounts import Role

from .apiserver import running_server

CONFIG_TOKEN = 'cfg-' + secrets.token_urlsafe(24)


async def attempt(url: str, stack: contextlib.AsyncExitStack, **headers: str):
    """Connect and keep the connection open (in ``stack``); returns it, or the refused handshake's response. (Unread
    events queue up without bound, so closing it does not wait for the client to catch up.)"""
    try:
        return await stack.enter_async_context(
            connect(url, additional_headers=headers, open_timeout=20, max_queue=None)
        )
    except InvalidStatus as refused:
        return refused.response


async def greeted(ws) -> bool:
    return json.loads(await asyncio.wait_for(ws.recv(), 10))['type'] in ('connection_established', 'auth_ok')


@pytest.mark.slow  # opens and waits out 40 connections
async def test_one_viewer_token_gets_32_connections_and_unauthenticated_ones_8(tmp_path) -> None:
    async with running_server(tmp_path, api_token=CONFIG_TOKEN) as server, contextlib.AsyncExitStack() as stack:
        viewer = server.system.access.accounts.add_token('watcher', Role.VIEWER)
        url = f'{server.ws_base}/dashboard/ws/monitor'
        tokened = await asyncio.gather(*(attempt(f'{url}?token={viewer}', stack) for _ in range(100)))
        accepted = [c for c in tokened if not hasattr(c, 'status_code')]
        refused = [r for r in tokened if hasattr(r, 'status_code')]
        assert len(accepted) == 32 and {r.status_code for r in refused} == {429}
        assert b'too many WebSocket connections for token:watcher (limit 32)' in refused[0].body
        assert all(await asyncio.gather(*(greeted(ws) for ws in accepted)))
        bare = await asyncio.gather(*(attempt(url, stack) for _ in range(100)))  # no token: must send one first
        waiting = [c for c in bare if not hasattr(c, 'status_code')]
        assert len(waiting) == 8 and {r.status_code for r in bare if hasattr(r, 'status_code')} == {429}
        began = time.monotonic()
        for ws in waiting:  # none authenticates: each is closed after the (3 s) auth timeout
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd.code == 1008
        assert time.monotonic() - began < 5
        await accepted[0].close()
        again = await attempt(f'{url}?token={viewer}', stack)  # a seat given back is a seat to take
        assert await greeted(again)
        late = await attempt(url, stack)  # the 33rd by the first-message route is closed with 1013
        await late.send(json.dumps({'type': 'auth', 'token': viewer}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:  # auth_ok, then the close
                await asyncio.wait_for(late.recv(), 10)
        assert closed.value.rcvd.code == 1013 and 'token:watcher' in closed.value.rcvd.reason


async def test_each_forwarded_client_address_gets_its_own_limit(tmp_path) -> None:
    async with (
        running_server(tmp_path, trusted_proxies='127.0.0.1', ws_max_per_address=3, ws_max_loopback=5) as server,
        contextlib.AsyncExitStack() as stack,
    ):
        url = f'{server.ws_base}/dashboard/ws/monitor'
        first = [await attempt(url, stack, **{'X-Forwarded-For': '198.51.100.7'}) for _ in range(4)]
        assert [getattr(c, 'status_code', 101) for c in first] == [101, 101, 101, 429]
        assert b'too many WebSocket connections from 198.51.100.7 (limit 3)' in first[3].body
        other = await attempt(url, stack, **{'X-Forwarded-For': '198.51.100.8'})
        assert await greeted(other)
        local = [await attempt(url, stack) for _ in range(6)]  # this machine's own share one larger limit
        assert [getattr(c, 'status_code', 101) for c in local] == [101] * 5 + [429]
