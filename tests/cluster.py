"""One engine and web replicas as real processes (``python main.py --role ...``) on the tests' Redis server,
sharing one data directory (its SQLite database and session secret)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .liveapp import ROOT, LiveApp, live_process

ENGINE_READY = 'engine running'
START_TIMEOUT_S = 90


def cluster_env(redis_url: str, **env: str) -> dict[str, str]:
    """The environment every process of a test's cluster shares (a fast simulated market, no browser)."""
    return {'ORACLE_REDIS_URL': redis_url, 'ORACLE_SPEED': '60', 'ORACLE_SIM_HISTORY_DAYS': '0.2', **env}


def start_engine(data_dir: Path, env: dict[str, str], name: str = 'engine') -> tuple[subprocess.Popen[bytes], Path]:
    """Start ``main.py --role engine``; returns the process and its log file (not waiting for it)."""
    environment = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
    environment.update({'ORACLE_DATA_DIR': str(data_dir), 'ORACLE_SHOW': 'false', **env})
    log_path = data_dir.parent / f'{name}.log'
    with log_path.open('w') as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / 'main.py'), '--role', 'engine'],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, log_path


def wait_for_log(
    process: subprocess.Popen[bytes], log_path: Path, text: str, timeout_s: float = START_TIMEOUT_S
) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if text in log_path.read_text():
            return
        if process.poll() is not None:
            raise RuntimeError(f'exited with {process.returncode} before {text!r}:\n{log_path.read_text()[-3000:]}')
        time.sleep(0.2)
    raise RuntimeError(f'{text!r} not logged within {timeout_s} s:\n{log_path.read_text()[-3000:]}')


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running_engine(data_dir: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process, log_path = start_engine(data_dir, env)
    try:
        wait_for_log(process, log_path, ENGINE_READY)
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def web_replica(data_dir: Path, env: dict[str, str], name: str) -> Iterator[LiveApp]:
    with live_process(data_dir, '--role', 'web', **{**env, 'ORACLE_REPLICA_NAME': name}) as app:
        yield app
