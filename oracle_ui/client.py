"""An async Python client for the Oracle Trader REST API and WebSocket protocol.

The event stream reconnects with exponential backoff (1, 2, 4, 8, 16 s; 5 attempts by default, as the
original browser client did) and resumes from the last event id it saw, so a reconnect loses nothing that is
still in the server's history::

    async with OracleClient('http://127.0.0.1:8080', token=None) as client:
        print(await client.dashboard_data())
        async for event in client.events(topics=['trading', 'bot_status']):
            print(event['id'], event['type'], event['data'])
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

log = logging.getLogger(__name__)


class ApiError(RuntimeError):
    """The server answered with an error status; ``status`` and ``detail`` say which and why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f'{status}: {detail}')
        self.status, self.detail = status, detail


class StreamLost(RuntimeError):
    """The event stream could not be re-established within the allowed attempts (or was refused)."""


class OracleClient:
    """REST and event-stream access to one Oracle Trader server.

    :param base_url: the server, e.g. ``http://127.0.0.1:8080``
    :param token: API token, if the server requires one
    :param max_attempts: reconnection attempts before giving up (default: 5)
    :param backoff_s: first reconnection delay, doubled each attempt (default: 1)
    """

    def __init__(
        self,
        base_url: str = 'http://127.0.0.1:8080',
        token: str | None = None,
        *,
        max_attempts: int = 5,
        backoff_s: float = 1.0,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip('/')
        self.token = token
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        headers = {'Authorization': f'Bearer {token}'} if token else {}
        self._http = httpx.AsyncClient(base_url=f'{self.base_url}/dashboard/api', headers=headers, timeout=timeout_s)
        self.last_event_id: int | None = None
        self._established = False
        """The current connection was greeted (its failures count from there)."""

    async def __aenter__(self) -> OracleClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    # ---- REST --------------------------------------------------------------------------------------------
    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The API's answer; ApiError (status and the server's ``detail``) for 4xx/5xx."""
        response = await self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                detail = response.json().get('detail', response.text)
            except ValueError:
                detail = response.text
            raise ApiError(response.status_code, str(detail))
        return response

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The JSON object the API answers with."""
        body: dict[str, Any] = (await self._send(method, path, **kwargs)).json()
        return body

    async def _request_list(self, method: str, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        """The JSON list of objects the API answers with."""
        body: list[dict[str, Any]] = (await self._send(method, path, **kwargs)).json()
        return body

    async def dashboard_data(self) -> dict[str, Any]:
        return await self._request('GET', '/dashboard-data')

    async def trading_metrics(self) -> dict[str, Any]:
        return await self._request('GET', '/trading-metrics')

    async def system_status(self) -> dict[str, Any]:
        return await self._request('GET', '/system-status')

    async def websocket_stats(self) -> dict[str, Any]:
        return await self._request('GET', '/websocket-stats')

    async def bot_control(self, action: str) -> dict[str, Any]:
        """``start``, ``stop`` or ``restart``."""
        return await self._request('POST', f'/bot-control/{action}')

    async def close_position(self, symbol: str) -> dict[str, Any]:
        return await self._request('POST', f'/positions/{symbol}/close')

    async def close_all(self) -> dict[str, Any]:
        return await self._request('POST', '/positions/close-all')

    async def alerts(self) -> list[dict[str, Any]]:
        return await self._request_list('GET', '/alerts')

    async def create_alert(self, body: dict[str, Any]) -> dict[str, Any]:
        """``{"name", "rule", "channels"?, "severity"?, "cooldown_s"?, "enabled"?}``; returns the stored alert."""
        return await self._request('POST', '/alerts', json=body)

    async def delete_alert(self, alert_id: int) -> None:
        await self._send('DELETE', f'/alerts/{alert_id}')

    async def test_alert(self, alert_id: int) -> list[dict[str, Any]]:
        """Send a test message to each of the alert's channels; one result each."""
        return await self._request_list('POST', f'/alerts/{alert_id}/test')

    async def alert_channels(self) -> list[dict[str, Any]]:
        return await self._request_list('GET', '/alert-channels')

    async def test_alert_channel(self, channel_id: int) -> dict[str, Any]:
        return await self._request('POST', f'/alert-channels/{channel_id}/test')

    async def history(
        self,
        *,
        topic: str | None = None,
        type_: str | None = None,
        since_id: int = 0,
        limit: int = 100,
        latest: bool = False,
    ) -> dict[str, Any]:
        """Stored events: the first ``limit`` after ``since_id``, or the newest ``limit`` with ``latest``."""
        params = {
            k: v
            for k, v in {
                'topic': topic,
                'type': type_,
                'since_id': since_id,
                'limit': limit,
                'latest': str(latest).lower(),
            }.items()
            if v is not None
        }
        return await self._request('GET', '/events', params=params)

    async def candles(self, symbol: str, timeframe: str | None = None, limit: int = 500) -> dict[str, Any]:
        params = {'symbol': symbol, 'limit': limit, **({'timeframe': timeframe} if timeframe else {})}
        return await self._request('GET', '/candles', params=params)

    async def emit_test_event(self, type_: str | None = None, data: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {'type': type_, 'data': data or {}} if type_ else None
        return await self._request('POST', '/emit-test-event', json=body)

    async def settings(self) -> dict[str, Any]:
        return await self._request('GET', '/settings')

    async def update_settings(self, **changes: Any) -> dict[str, Any]:
        return await self._request('PUT', '/settings', json=changes)

    # ---- events ------------------------------------------------------------------------------------------
    def _ws_url(self, endpoint: str, topics: Sequence[str] | None) -> str:
        query: dict[str, str] = {}
        if self.token:
            query['token'] = self.token
        if topics:
            query['topics'] = ','.join(topics)
        if self.last_event_id is not None:
            query['since_id'] = str(self.last_event_id)
        base = self.base_url.replace('https://', 'wss://', 1).replace('http://', 'ws://', 1)
        return f'{base}/dashboard/ws/{endpoint}' + (f'?{urlencode(query)}' if query else '')

    async def events(
        self, *, endpoint: str = 'dashboard', topics: Sequence[str] | None = None, since_id: int | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Event envelopes as they happen, each once and in order, across reconnections.

        :param endpoint: ``dashboard``, ``trading`` or ``monitor`` (their default topics unless ``topics``)
        :param topics: topics to follow instead of the endpoint's defaults
        :param since_id: also deliver events after this id first (default: only new ones)
        :raises StreamLost: after ``max_attempts`` failed reconnections, or when the token is refused
        """
        if since_id is not None:
            self.last_event_id = since_id
        failures = 0
        while True:
            self._established = False
            try:
                async with connect(self._ws_url(endpoint, topics), max_size=2**22, ping_interval=None) as ws:
                    async for event in self._session(ws):
                        yield event
                    code = ws.close_code  # the loop also ends quietly on 1001 (server going away)
                if code == 1000:
                    return
                reason = f'closed with {code}'
            except InvalidStatus as error:
                if error.response.status_code in (401, 403):
                    raise StreamLost('the server refused the token') from None
                reason = f'HTTP {error.response.status_code}'
            except ConnectionClosed as error:
                code = error.rcvd.code if error.rcvd else 1006
                if code == 1000:
                    return
                if code == 1008:
                    raise StreamLost(f'closed by the server: {error.rcvd.reason if error.rcvd else "policy"}') from None
                reason = f'closed with {code}'
            except OSError as error:
                reason = f'{type(error).__name__}: {error}'
            failures = 1 if self._established else failures + 1  # counted from the last connection that worked
            await self._wait_to_reconnect(failures, reason)

    async def _session(self, ws: ClientConnection) -> AsyncIterator[dict[str, Any]]:
        """One connection's events, each once (answering pings, noting the greeting)."""
        async for raw in ws:
            message = orjson.loads(raw)
            kind = message.get('type')
            if kind == 'connection_established':
                self._established = True
                if self.last_event_id is None:
                    self.last_event_id = message['last_event_id']
            elif kind == 'ping':
                await ws.send('{"type":"pong"}')
            elif kind == 'error':
                log.warning('server: %s', message.get('message'))
            elif 'id' in message and 'topic' in message:
                if self.last_event_id is not None and message['id'] <= self.last_event_id:
                    continue
                self.last_event_id = message['id']
                yield message

    async def _wait_to_reconnect(self, failures: int, reason: str) -> None:
        """Back off exponentially after the ``failures``-th lost connection in a row; StreamLost past
        ``max_attempts``."""
        if failures > self.max_attempts:
            raise StreamLost(f'gave up after {self.max_attempts} reconnection attempts ({reason})')
        delay = self.backoff_s * 2 ** (failures - 1)
        log.info(
            'event stream lost (%s); reconnecting in %g s (attempt %d/%d)',
            reason,
            delay,
            failures,
            self.max_attempts,
        )
        await asyncio.sleep(delay)
