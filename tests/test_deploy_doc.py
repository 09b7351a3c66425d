"""docs/DEPLOY.md's commands, run as the document shows them (its addresses, ports and paths replaced by the
test's own Redis and PostgreSQL servers, free ports and a temporary data directory)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

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
        env.update(ORACLE_TRUSTED_PROXIES='127.0.0.1', ORACLE_HTTPS='true')  # as the document says behind its proxy
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
            proxy_port = free_port()
            with documented_proxy(tmp_path / 'nginx', list(ports.values()), proxy_port) as base:
                page = httpx.get(f'{base}/', verify=False, timeout=30)
                assert page.status_code == 200 and 'Oracle Trader' in page.text, 'a page through the proxy'
                assert asyncio.run(first_ws_message(f'wss://127.0.0.1:{proxy_port}/dashboard/ws/monitor')) == (
                    'connection_established'
                ), 'a raw WebSocket through the proxy (its Upgrade headers)'
        finally:
            for process in reversed(processes):
                stop(process)


NGINX = shutil.which('nginx') or '/usr/sbin/nginx'


@contextlib.contextmanager
def documented_proxy(directory: Path, replica_ports: list[str], port: int) -> Iterator[str]:
    """DEPLOY.md's nginx block in Debian's nginx, in front of the replicas on ``replica_ports`` (its certificate
    made here, its ports and paths this test's); yields the proxy's base URL."""
    if not Path(NGINX).exists():
        if os.environ.get('ORACLE_REQUIRE_REDIS') == '1':  # scripts/test.sh: the deployment's tools are installed
            pytest.fail('nginx is not installed')
        pytest.skip('nginx is not installed (scripts/test.sh installs it)')
    directory.mkdir()
    cert, key = directory / 'cert.pem', directory / 'key.pem'
    subprocess.run(
        ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=bot.example.com',
         '-keyout', str(key), '-out', str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    block = blocks('nginx')[0]
    for documented, ours in zip(('127.0.0.1:8081', '127.0.0.1:8082'), replica_ports, strict=True):
        block = block.replace(documented, f'127.0.0.1:{ours}')
    block = block.replace('listen 443 ssl;', f'listen 127.0.0.1:{port} ssl;')
    block = block.replace('/etc/ssl/certs/bot.example.com.pem', str(cert))
    block = block.replace('/etc/ssl/private/bot.example.com.key', str(key))
    kinds = ('client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi')
    temp = ' '.join(f'{kind}_temp_path {directory / kind};' for kind in kinds)
    (directory / 'nginx.conf').write_text(
        f'{"user root root;" if os.geteuid() == 0 else ""}\npid {directory / "nginx.pid"};\n'
        f'error_log {directory / "error.log"};\ndaemon off;\nevents {{}}\n'
        f'http {{\naccess_log {directory / "access.log"};\n{temp}\n{block}\n}}\n'
    )
    process = subprocess.Popen([NGINX, '-p', str(directory), '-c', str(directory / 'nginx.conf')])
    base = f'https://127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f'{base}/dashboard/api/system-status', verify=False, timeout=5)
                break
            except httpx.ConnectError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((directory / 'error.log').read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)


async def first_ws_message(url: str) -> str:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
    async with websockets.connect(url, ssl=context) as ws:
        return str(json.loads(await asyncio.wait_for(ws.recv(), 10))['type'])


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
