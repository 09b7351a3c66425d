"""docs/DEPLOY.md's commands, run as the document shows them (its addresses, ports and paths replaced by the
test's own Redis and PostgreSQL servers, free ports and a temporary data directory)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .cluster import ENGINE_READY, stop, wait_for_log
from .liveapp import ROOT, free_port
from .postgres import PostgresServer
from .redis_server import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
DOC = ROOT / 'docs' / 'DEPLOY.md'
BIN = Path(sys.executable).parent


def blocks(language: str) -> list[str]:
    return re.findall(rf'```{language}\n(.*?)```', DOC.read_text(), re.S)


def split_blocks() -> tuple[dict[str, str], list[str]]:
    """The split deployment's shared environment and its ``oracle-trader serve`` command lines."""
    env_block = next(b for b in blocks('sh') if 'ORACLE_REDIS_URL' in b)
    env = dict(line.removeprefix('export ').split('=', 1) for line in env_block.splitlines() if line.strip())
    commands_block = next(b for b in blocks('sh') if '--role engine' in b)
    return env, [line for line in commands_block.splitlines() if line.strip()]


def test_the_units_start_the_commands_the_document_runs() -> None:
    _env, commands = split_blocks()
    units = blocks('ini')
    starts = [re.search(r'^ExecStart=(.*)$', unit, re.M).group(1) for unit in units]  # type: ignore[union-attr]
    assert starts[0].replace('/opt/oracle-trader/', '') == commands[0]
    assert starts[1].replace('/opt/oracle-trader/', '').replace('%i', '8081') == commands[1]
    assert starts[1].replace('/opt/oracle-trader/', '').replace('%i', '8082') == commands[2]
    env, _ = split_blocks()
    assert set(env) == {'ORACLE_REDIS_URL', 'ORACLE_DATABASE_URL', 'ORACLE_DATA_DIR'}


def run_line(line: str, env: dict[str, str], log: Path, ports: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start one of the document's command lines (``.venv/bin/`` is this test's environment)."""
    words = [ports.get(word, word) for word in shlex.split(line)]
    words[0] = str(BIN / Path(words[0]).name)
    with log.open('w') as out:
        return subprocess.Popen(words, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_serving(process: subprocess.Popen[bytes], log: Path, port: str) -> int:
    """Wait until the server answers; returns the status code of its system status."""
    wait_for_log(process, log, 'NiceGUI ready to go')
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(f'http://127.0.0.1:{port}/dashboard/api/system-status', timeout=10).status_code
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_split_deployment_runs_as_documented(
    tmp_path: Path, redis: RedisServer, postgres_server: PostgresServer
) -> None:
    shared, commands = split_blocks()
    with postgres_server.database() as database_url:
        replaced = {
            'ORACLE_REDIS_URL': redis.url,
            'ORACLE_DATABASE_URL': database_url,
            'ORACLE_DATA_DIR': str(tmp_path / 'data'),
        }
        assert set(replaced) == set(shared)
        env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
        env.update({**replaced, 'ORACLE_SPEED': '60', 'ORACLE_SIM_HISTORY_DAYS': '0.2'})
        ports = {'8081': str(free_port()), '8082': str(free_port())}
        processes: list[subprocess.Popen[bytes]] = []
        try:
            engine_log = tmp_path / 'engine.log'
            processes.append(run_line(commands[0], env, engine_log, ports))
            wait_for_log(processes[0], engine_log, ENGINE_READY)
            for number, (line, port) in enumerate(zip(commands[1:], ports.values(), strict=True)):
                log = tmp_path / f'web-{number}.log'
                processes.append(run_line(line, env, log, ports))
                assert wait_serving(processes[-1], log, port) == 200
            for port in ports.values():
                status = httpx.get(f'http://127.0.0.1:{port}/dashboard/api/system-status', timeout=10).json()
                assert status['bot_state'] == 'running', 'each replica shows the engine trading'
                deadline = time.monotonic() + 10  # the engine samples its process every second
                while status['process_rss_mb'] == 0 and time.monotonic() < deadline:
                    time.sleep(0.2)
                    status = httpx.get(f'http://127.0.0.1:{port}/dashboard/api/system-status', timeout=10).json()
                assert status['process_rss_mb'] > 0, "and the engine's process, not zeros"
        finally:
            for process in reversed(processes):
                stop(process)


def test_the_single_process_install_runs_as_documented(tmp_path: Path) -> None:
    block = next(b for b in blocks('sh') if 'users add' in b)
    lines = [line for line in block.splitlines() if line.strip() and 'pip install' not in line]
    data_dir = str(tmp_path / 'data')
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
    env['ORACLE_SIM_HISTORY_DAYS'] = '0.2'
    port = str(free_port())
    add_user = shlex.split(lines[0].replace('/var/lib/oracle-trader', data_dir))
    add_user[0] = str(BIN / 'oracle-trader')
    password = b'correct horse battery staple\n'
    # its prompt: without a terminal (a new session has none) getpass reads the answers from stdin
    subprocess.run(
        add_user, env=env, cwd=ROOT, check=True, capture_output=True, input=password * 2, start_new_session=True
    )
    serve_words = shlex.split(lines[1].replace('/var/lib/oracle-trader', data_dir))
    assignment, program, *arguments = serve_words
    key, value = assignment.split('=', 1)
    log = tmp_path / 'serve.log'
    line = shlex.join([program, *arguments])
    process = run_line(line, {**env, key: value}, log, {'8080': port})
    try:
        assert wait_serving(process, log, port) == 401, 'a user exists: the API wants credentials'
    finally:
        stop(process)
