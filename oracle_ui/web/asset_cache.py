"""Compress each immutable asset once, not once per request.

NiceGUI serves its scripts and styles (Vue, Quasar, plotly.js: megabytes) under versioned or hashed URLs that
browsers may cache forever, and gzips them on every request. On a first visit a page pulls about 3 MB of them,
and compressing that again for every new browser costs the server ~150 ms of CPU while the browser waits.
:class:`ImmutableResponseCache` keeps those finished responses in memory, per path and per "client accepts
gzip", bounded in bytes; every other request passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_CACHE_BYTES = 32 * 2**20
MAX_ENTRY_BYTES = 8 * 2**20


@dataclass(frozen=True)
class CachedResponse:
    """A complete 200 response as it left the wrapped app."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


class ImmutableResponseCache:
    """ASGI middleware: answers repeated GETs of paths that never change (``is_immutable``) from memory."""

    def __init__(self, app: ASGIApp, is_immutable: Callable[[str], bool], max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.app = app
        self.is_immutable = is_immutable
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: dict[tuple[str, bytes, bool], CachedResponse] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope['method'] != 'GET' or not self.is_immutable(scope['path']):
            await self.app(scope, receive, send)
            return
        headers = dict(scope['headers'])
        if b'range' in headers:
            await self.app(scope, receive, send)
            return
        key = (scope['path'], scope['query_string'], b'gzip' in headers.get(b'accept-encoding', b''))
        cached = self.entries.get(key)
        if cached is not None:
            await send({'type': 'http.response.start', 'status': 200, 'headers': cached.headers})
            await send({'type': 'http.response.body', 'body': cached.body})
            return
        await self.app(scope, receive, self._recording(key, send))

    def _recording(self, key: tuple[str, bytes, bool], send: Send) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def record(message: Message) -> None:
            nonlocal start, size
            if message['type'] == 'http.response.start':
                start = message if message['status'] == 200 else None
            elif message['type'] == 'http.response.body' and start is not None:
                body = message.get('body', b'')
                size += len(body)
                chunks.append(body)
                if size > MAX_ENTRY_BYTES:
                    start = None
                    chunks.clear()
                elif (
                    not message.get('more_body', False)
                    and key not in self.entries
                    and self.size + size <= self.max_bytes
                ):
                    body = b''.join(chunks)
                    headers = [(k, v) for k, v in start.get('headers', []) if k.lower() != b'content-length']
                    self.entries[key] = CachedResponse([*headers, (b'content-length', str(len(body)).encode())], body)
                    self.size += size
            await send(message)

        return record


def compressed_with_cache(app: ASGIApp, is_immutable: Callable[[str], bool]) -> ASGIApp:
    """Starlette's gzip (as NiceGUI uses it) behind an :class:`ImmutableResponseCache`."""
    return ImmutableResponseCache(GZipMiddleware(app), is_immutable)
