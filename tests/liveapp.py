"""The real app (``python main.py``) in a subprocess on a free loopback port, for browser and crash tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@dataclass
class LiveApp:
    base: str
    process: subprocess.Popen


@contextlib.contextmanager
def live_app(
    data_dir: Path, *args: str, cwd: Path = ROOT, script: Path = ROOT / 'main.py', **env: str
) -> Iterator[str]:
    """Run ``script`` (from ``cwd``) until the block ends; yields its base URL."""
    with live_process(data_dir, *args, cwd=cwd, script=script, **env) as app:
        yield app.base


@contextlib.contextmanager
def live_process(
    data_dir: Path, *args: str, cwd: Path = ROOT, script: Path = ROOT / 'main.py', **env: str
) -> Iterator[LiveApp]:
    """Run ``script`` (another checkout's ``main.py`` runs that checkout) from ``cwd`` until the block ends (unless
    killed before); yields its URL and process."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
    environment.update({'ORACLE_DATA_DIR': str(data_dir), 'ORACLE_SHOW': 'false', **env})
    log = (data_dir.parent / f'app-{port}.log').open('w')
    process = subprocess.Popen(
        [sys.executable, str(script), '--no-show', '--port', str(port), *args],
        cwd=cwd,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f'http://127.0.0.1:{port}'
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f'the app exited with {process.returncode}; see {log.name}')
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f'{base}/dashboard/api/system-status', timeout=2).status_code in (200, 401):
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError('the app did not start within 60 s')
        yield LiveApp(base, process)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
