"""A Redis server of the tests' own: Debian's ``redis-server`` (``redis-server`` package) on a free port of
127.0.0.1, its files in a temporary directory, no persistence (the data is thrown away after the run).

:meth:`RedisServer.kill` and :meth:`RedisServer.start` let a test take it away and bring it back on the same port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 20


class Unavailable(Exception):
    """No redis-server on this machine (the message says how to install it)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


@dataclass(kw_only=True)
class RedisServer:
    """A running redis-server; ``url`` is what ORACLE_REDIS_URL takes."""

    binary: str
    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f'redis://127.0.0.1:{self.port}/0'

    def start(self) -> None:
        """Start the server (again) on its port and wait until it answers PING."""
        command = [self.binary, '--port', str(self.port), '--bind', '127.0.0.1', '--dir', str(self.root)]
        command += ['--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--logfile', 'redis.log']
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'redis-server exited: {(self.root / "redis.log").read_text()[-2000:]}')
            try:
                with socket.create_connection(('127.0.0.1', self.port), timeout=1) as conn:
                    conn.sendall(b'PING\r\n')
                    if conn.recv(16).startswith(b'+PONG'):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f'redis-server did not answer on port {self.port} within {START_TIMEOUT_S} s')

    def kill(self) -> None:
        """Kill the server at once (SIGKILL: no goodbye to its clients, as in a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def flush(self) -> None:
        """Empty every database (between tests)."""
        with socket.create_connection(('127.0.0.1', self.port), timeout=5) as conn:
            conn.sendall(b'FLUSHALL\r\n')
            conn.recv(16)

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> RedisServer:
    """A new server in a new temporary directory; raises :class:`Unavailable` without the binary."""
    binary = shutil.which('redis-server') or ('/usr/bin/redis-server' if Path('/usr/bin/redis-server').exists() else '')
    if not binary:
        raise Unavailable('no redis-server on PATH: apt-get install redis-server (scripts/test.sh does)')
    server = RedisServer(binary=binary, root=Path(tempfile.mkdtemp(prefix='oracle-redis-')), port=free_port())
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
