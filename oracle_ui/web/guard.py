"""HTTP and WebSocket hardening for the whole app, as one ASGI middleware.

- ``Host`` must name this server (loopback, ``--host`` or ``allowed_hosts``): a DNS-rebinding page cannot
  reach a loopback-only dashboard under its own name.
- State-changing requests (POST/PUT/PATCH/DELETE) and WebSocket handshakes from a browser must come from this
  server's own origin or the CORS allow-list: cross-site forgery is refused with 403 even when no login is set.
- Request bodies are capped (``max_body_bytes``; uploads ``max_upload_bytes``): 413 beyond it.
- Every HTTP response carries security headers (CSP, frame denial, nosniff, referrer policy; HSTS over HTTPS);
  API responses are not cached.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import REST_PREFIX
from ..settings import Settings

LOOPBACK_HOSTS = frozenset({'127.0.0.1', 'localhost', '::1'})
UNSAFE_METHODS = frozenset({'POST', 'PUT', 'PATCH', 'DELETE'})
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
"""On every page, the API docs included. NiceGUI's Vue templates need 'unsafe-eval', its bootstrapping
'unsafe-inline'; everything is self-hosted. ``connect-src 'self'`` covers the page's own ws:/wss: origin too
(CSP Level 3, as Chromium, Firefox and WebKit implement it): no other server can be reached from a page."""
UPLOAD_PATH_PART = '/upload/'


def protect(app: FastAPI, settings: Settings) -> Guard:
    """Install the guard (and CORS, only if an allow-list is configured) on ``app``; returns the guard."""
    guard = Guard(settings)
    app.add_middleware(GuardMiddleware, guard=guard)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=['GET', 'POST', 'PUT'],
            allow_headers=['Authorization', 'Content-Type'],
            max_age=600,
        )
    return guard


class Guard:
    """The origin and host rules of one server."""

    def __init__(self, settings: Settings) -> None:
        self.cors_origins = frozenset(settings.cors_origins)
        self.any_host = settings.host in ('0.0.0.0', '::') and not settings.allowed_hosts
        self.hosts = LOOPBACK_HOSTS | {settings.host.lower()} | set(settings.allowed_hosts)
        self.https = settings.is_https
        self.max_body_bytes = settings.max_body_bytes
        self.max_upload_bytes = settings.max_upload_bytes

    def host_allowed(self, host_header: str | None) -> bool:
        if self.any_host:
            return True
        if not host_header:
            return False
        return _hostname(host_header) in self.hosts

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """Requests without ``Origin`` (scripts, curl) pass; a browser's must be ours or allow-listed."""
        if origin is None:
            return True
        if origin.rstrip('/') in self.cors_origins:
            return True
        netloc = urlsplit(origin).netloc.lower()
        return bool(netloc) and netloc == (host_header or '').lower()


class GuardMiddleware:
    """Applies a :class:`Guard` to every request of ``app``."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] not in ('http', 'websocket'):
            await self.app(scope, receive, send)
            return
        headers = {k.decode('latin-1'): v.decode('latin-1') for k, v in scope['headers']}
        host = headers.get('host')
        if not self.guard.host_allowed(host):
            await _refuse(scope, receive, send, 400, f'unknown host {host!r}: add it to ORACLE_ALLOWED_HOSTS')
            return
        if scope['type'] == 'websocket':
            if not self.guard.origin_allowed(headers.get('origin'), host):
                await _refuse(scope, receive, send, 403, 'cross-site WebSocket refused')
                return
            await self.app(scope, receive, send)
            return
        if scope['method'] in UNSAFE_METHODS and not self._same_site(headers, host):
            await _refuse(scope, receive, send, 403, 'cross-site request refused')
            return
        path: str = scope['path']
        limit = self.guard.max_upload_bytes if UPLOAD_PATH_PART in path else self.guard.max_body_bytes
        length = headers.get('content-length', '')
        if length.isdigit() and int(length) > limit:
            await _refuse(scope, receive, send, 413, f'request body over {limit} bytes')
            return
        await self.app(scope, _capped(receive, limit), _with_headers(send, path, self.guard.https))

    def _same_site(self, headers: dict[str, str], host: str | None) -> bool:
        origin = headers.get('origin')
        if origin is not None:
            return self.guard.origin_allowed(origin, host)
        return headers.get('sec-fetch-site', 'none') in ('same-origin', 'none')


class BodyTooLarge(HTTPException):
    """A streamed (chunked) body went past its limit: answered with 413 like an oversized Content-Length."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f'request body over {limit} bytes')


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message['type'] == 'http.request':
            seen += len(message.get('body', b''))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return capped


def _with_headers(send: Send, path: str, https: bool) -> Send:
    extra = [
        (b'x-content-type-options', b'nosniff'),
        (b'x-frame-options', b'DENY'),
        (b'referrer-policy', b'same-origin'),
        (b'cross-origin-opener-policy', b'same-origin'),
        (b'permissions-policy', b'camera=(), microphone=(), geolocation=()'),
    ]
    extra.append((b'content-security-policy', CSP.encode()))
    if path.startswith(REST_PREFIX):
        extra.append((b'cache-control', b'no-store'))
    if https:
        extra.append((b'strict-transport-security', b'max-age=31536000'))

    async def send_with_headers(message: Message) -> None:
        if message['type'] == 'http.response.start':
            message['headers'] = [*message.get('headers', []), *extra]
        await send(message)

    return send_with_headers


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    if scope['type'] == 'websocket':
        await send({'type': 'websocket.close', 'code': 1008, 'reason': detail[:120]})  # before accept: HTTP 403
        return
    body = orjson.dumps({'detail': detail})
    await send(
        {
            'type': 'http.response.start',
            'status': status,
            'headers': [(b'content-type', b'application/json'), (b'content-length', str(len(body)).encode())],
        }
    )
    await send({'type': 'http.response.body', 'body': body})


def _hostname(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith('['):  # [::1]:8080
        return host[1 : host.index(']')] if ']' in host else host
    return host.rsplit(':', 1)[0] if host.count(':') == 1 else host


OUR_MIDDLEWARE = (GuardMiddleware, CORSMiddleware)
"""What :func:`protect` installs, for finding its place in the stack."""
