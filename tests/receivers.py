"""Real local services that alerts are sent to in tests: an HTTP server taking JSON webhooks (optionally hanging
before it answers) and an SMTP server (aiosmtpd) keeping the mails it receives. Both run in threads of their own,
so they receive while the event loop under test runs."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Hook:
    """A JSON webhook receiver on 127.0.0.1."""

    port: int
    received: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    """(``time.perf_counter()`` on arrival, the JSON body) of each POST."""
    hang_s: float = 0.0
    """Seconds to wait before answering each request."""

    @property
    def url(self) -> str:
        return f'json://127.0.0.1:{self.port}/hook'

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [body for _, body in self.received]


@contextlib.contextmanager
def json_hook(hang_s: float = 0.0) -> Iterator[Hook]:
    """An HTTP server that records every JSON POST (and answers 200, after ``hang_s``)."""
    hook = Hook(port=0, hang_s=hang_s)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            arrived = time.perf_counter()
            length = int(self.headers.get('Content-Length', 0))
            hook.received.append((arrived, json.loads(self.rfile.read(length) or b'{}')))
            if hook.hang_s:
                time.sleep(hook.hang_s)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    hook.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Inbox:
    port: int
    mails: list[Message] = field(default_factory=list)

    def url(self, to: str = 'trader@example.com') -> str:
        return f'mailto://127.0.0.1:{self.port}?from=oracle@example.com&to={to}'


@contextlib.contextmanager
def smtp_inbox() -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 keeping each message it accepts."""
    inbox = Inbox(port=free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            inbox.mails.append(message_from_bytes(envelope.content))
            return '250 OK'

    controller = Controller(Handler(), hostname='127.0.0.1', port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    return free_port()
