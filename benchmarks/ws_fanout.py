"""WebSocket fan-out: ``python -m benchmarks.ws_fanout [--runs 3] [--scenario NAME]`` prints the README numbers.

Starts the real app (``main.py``) and two baselines — the broadcast loop of FastAPI's WebSocket guide and the
``websockets`` library's server with ``broadcast()`` — one at a time; connects N clients spread over several
client processes; emits events through HTTP POST at a fixed rate with the send time inside ``data``; and
reports delivered/lost, latency p50/p95/p99, connect time p50/p99 and server RSS. Runs are interleaved (ours,
then each baseline, round after round); the median of the runs is printed, with our p99 as a ratio of each
baseline's. Clients share the 2 cores with the server: compare ratios.

Slow consumers: 20 healthy clients plus 5 that connect and never read (64 KB receive buffers, so the kernel
cannot hide them), events padded with 60 KB of incompressible data at 10/s for 20 s; compared with the same
run without them (the two scenarios' runs alternate). ``slow-full``: the same with every client on the full
``/dashboard/ws/dashboard`` (every topic, the simulated market's data included), against ``slow-full-base``.

Connect storm: 1,000 clients connect all at once (every client task starts together, as after a server
restart) on the full ``/dashboard/ws/dashboard`` (``storm-full``, market data flowing) or on
``?topics=notifications`` (``storm-topic``); reports the total connect time (first connect started to last
connected) and the latency of events emitted from 0.5 s after the last connect (what a backlog of connect
work would delay). The two alternate; our servers only.

``--before PATH`` adds the app of another checkout (e.g. ``git worktree add ../base main``) as server
``before``, run interleaved with ours, for before/after numbers in one session.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import orjson
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.liveapp import free_port  # noqa: E402

CLIENT_PROCESSES = 3


@dataclass(frozen=True)
class Scenario:
    name: str
    clients: int
    rate: float
    duration_s: float
    stalled: int = 0
    pad_bytes: int = 0
    endpoint: str = 'monitor?topics=notifications'
    """Our app's WebSocket path under ``/dashboard/ws/`` (the baselines have one)."""
    ours_only: bool = False


SCENARIOS = {
    '100x50': Scenario('100 clients x 50 ev/s', 100, 50, 10),
    '1000x5': Scenario('1000 clients x 5 ev/s', 1000, 5, 10),
    '1000x20': Scenario('1000 clients x 20 ev/s', 1000, 20, 10),
    'slow-base': Scenario('20 clients, 60 KB x 10 ev/s', 20, 10, 20, pad_bytes=60_000),
    'slow': Scenario('20 clients + 5 stalled, 60 KB x 10 ev/s', 20, 10, 20, stalled=5, pad_bytes=60_000),
    'slow-full-base': Scenario(
        '20 full dashboards, 60 KB x 10 ev/s', 20, 10, 20, pad_bytes=60_000, endpoint='dashboard', ours_only=True
    ),
    'slow-full': Scenario(
        '20 full dashboards + 5 stalled, 60 KB x 10 ev/s',
        20,
        10,
        20,
        stalled=5,
        pad_bytes=60_000,
        endpoint='dashboard',
        ours_only=True,
    ),
    'storm-topic': Scenario(
        '1000 clients connecting at once, one topic',
        1000,
        5,
        5,
        endpoint='dashboard?topics=notifications',
        ours_only=True,
    ),
    'storm-full': Scenario('1000 full dashboards connecting at once', 1000, 5, 5, endpoint='dashboard', ours_only=True),
}
PAIRS = [('slow-base', 'slow'), ('slow-full-base', 'slow-full'), ('storm-topic', 'storm-full')]
"""Scenarios compared with each other: their runs alternate."""
OURS = ('oracle', 'before')


@dataclass
class Result:
    delivered: int = 0
    expected: int = 0
    emitted: int = 0
    emit_failures: int = 0
    latencies_ms: np.ndarray = field(default_factory=lambda: np.array([]))
    connect_ms: np.ndarray = field(default_factory=lambda: np.array([]))
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_after_mb: float = 0.0
    stalled_dropped: int = 0
    connect_total_s: float = 0.0
    """First connect started to last client connected."""

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if len(self.latencies_ms) else float('nan')


# ---- servers ------------------------------------------------------------------------------------------------
@dataclass
class Server:
    kind: str
    process: subprocess.Popen
    ws_url: str
    emit_url: str

    def wrap(self, data: dict) -> bytes:
        return orjson.dumps({'type': 'notification', 'data': data})


def start_server(kind: str, data_dir: Path, scenario: Scenario, before: Path | None) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
    cwd = ROOT
    if kind in OURS:
        cwd = ROOT if kind == 'oracle' else before
        env.update(
            ORACLE_DATA_DIR=str(data_dir),
            ORACLE_SHOW='false',
            ORACLE_PORT=str(port),
            PYTHONPATH=str(cwd),
            ORACLE_SIM_HISTORY_DAYS='1',  # a fresh month of history is start-up work in a thread, not fan-out
        )
        command = [sys.executable, str(cwd / 'main.py'), '--no-show', '--port', str(port)]
        ws_url = f'ws://127.0.0.1:{port}/dashboard/ws/{scenario.endpoint}'
        emit_url = f'http://127.0.0.1:{port}/dashboard/api/emit-test-event'
    elif kind == 'fastapi':
        command = [sys.executable, '-m', 'benchmarks.baselines', 'fastapi', '--port', str(port)]
        ws_url, emit_url = f'ws://127.0.0.1:{port}/ws', f'http://127.0.0.1:{port}/emit'
    else:
        http_port = free_port()
        command = [
            sys.executable,
            '-m',
            'benchmarks.baselines',
            'websockets',
            '--port',
            str(port),
            '--http-port',
            str(http_port),
        ]
        ws_url, emit_url = f'ws://127.0.0.1:{port}/', f'http://127.0.0.1:{http_port}/emit'
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(('127.0.0.1', port), timeout=1):
            break
        time.sleep(0.2)
    if kind in OURS:
        wait_for_market_data(emit_url.replace('emit-test-event', 'events'), deadline)
    time.sleep(2.0 if kind in OURS else 0.3)  # the app warms its feed and sampler up
    return Server(kind, process, ws_url, emit_url)


def wait_for_market_data(events_url: str, deadline: float) -> None:
    """Until the simulated market streams (it starts once the feed's history is stored)."""
    while time.time() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(events_url, params={'topic': 'market_data', 'latest': 'true', 'limit': 1}).json()['count']:
                return
        time.sleep(0.2)
    raise RuntimeError('the market feed did not start')


def stop_server(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# ---- clients ------------------------------------------------------------------------------------------------
def client_worker(
    url: str, count: int, stalled: int, armed: mp.Event, go: mp.Event, ready: mp.Event, stop: mp.Event, out: mp.Queue
) -> None:
    asyncio.run(_clients(url, count, stalled, armed, go, ready, stop, out))


async def _clients(url: str, count: int, stalled: int, armed, go, ready, stop, out) -> None:
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    received = [0] * count
    connect_ms: list[float] = []
    connected_at: list[float] = []
    keep: list = []

    async def one(index: int) -> None:
        start = time.perf_counter()
        async with connect(url, max_size=2**23, ping_interval=None, open_timeout=60) as ws:
            connect_ms.append((time.perf_counter() - start) * 1000)
            connected_at.append(time.time())
            keep.append(ws)
            async for raw in ws:
                now = time.time()
                message = orjson.loads(raw)
                data = message.get('data')
                if isinstance(data, dict) and 'sent' in data:
                    latencies.append((now - data['sent']) * 1000)
                    received[index] += 1
                elif message.get('type') == 'ping':
                    await ws.send('{"type":"pong"}')

    async def stalled_client() -> None:
        host, port = url.split('//')[1].split('/')[0].split(':')
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.connect((host, int(port)))
        ws = await connect(url, sock=sock, max_size=2**23, max_queue=1, ping_interval=None)
        keep.append(ws)  # connected, never read

    armed.set()
    while not go.is_set():  # every process starts its clients together
        await asyncio.sleep(0.01)
    first_start = time.time()
    tasks = [asyncio.create_task(one(i)) for i in range(count)]
    for _ in range(stalled):
        await stalled_client()
    while len(connect_ms) < count:
        await asyncio.sleep(0.01)
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    out.put((received, latencies, connect_ms, first_start, max(connected_at)))


# ---- one run ------------------------------------------------------------------------------------------------
async def emit(server: Server, scenario: Scenario, rss: list[float], pid: int) -> tuple[int, int]:
    interval = 1.0 / scenario.rate
    total = int(scenario.rate * scenario.duration_s)
    failures = 0
    process = psutil.Process(pid)
    pad = secrets.token_urlsafe(scenario.pad_bytes * 3 // 4) if scenario.pad_bytes else ''
    async with httpx.AsyncClient(timeout=5.0, limits=httpx.Limits(max_connections=20)) as http:
        start = time.perf_counter()

        async def post(seq: int) -> bool:
            data = {'sent': time.time(), 'seq': seq, **({'pad': pad} if pad else {})}
            try:
                response = await http.post(
                    server.emit_url, content=server.wrap(data), headers={'content-type': 'application/json'}
                )
                return response.status_code == 200
            except httpx.HTTPError:
                return False

        pending = []
        for seq in range(total):
            delay = start + seq * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(post(seq)))
            if seq % max(1, int(scenario.rate)) == 0:
                rss.append(process.memory_info().rss / 2**20)
        results = await asyncio.gather(*pending)
        failures = results.count(False)
    return total - failures, failures


def run_once(kind: str, scenario: Scenario, before: Path | None) -> Result:
    data_dir = Path(tempfile.mkdtemp(prefix='fanout-'))
    server = start_server(kind, data_dir, scenario, before)
    ctx = mp.get_context('spawn')
    stop, go, out = ctx.Event(), ctx.Event(), ctx.Queue()
    workers, armed, readies = [], [], []
    per = [
        scenario.clients // CLIENT_PROCESSES + (1 if i < scenario.clients % CLIENT_PROCESSES else 0)
        for i in range(CLIENT_PROCESSES)
    ]
    for i, count in enumerate(per):
        ready, arm = ctx.Event(), ctx.Event()
        stalled = scenario.stalled if i == 0 else 0
        worker = ctx.Process(target=client_worker, args=(server.ws_url, count, stalled, arm, go, ready, stop, out))
        worker.start()
        workers.append(worker)
        armed.append(arm)
        readies.append(ready)
    result = Result()
    try:
        for arm in armed:
            if not arm.wait(60):
                raise RuntimeError(f'{kind}: client processes did not start')
        go.set()
        for ready in readies:
            if not ready.wait(120):
                raise RuntimeError(f'{kind}: clients could not connect')
        time.sleep(0.5)
        process = psutil.Process(server.process.pid)
        result.rss_before_mb = process.memory_info().rss / 2**20
        rss: list[float] = []
        result.emitted, result.emit_failures = asyncio.run(emit(server, scenario, rss, server.process.pid))
        time.sleep(3.0)  # let the last events arrive
        result.rss_peak_mb = max([*rss, process.memory_info().rss / 2**20])
        result.rss_after_mb = process.memory_info().rss / 2**20
        stop.set()
        collected = [out.get(timeout=60) for _ in workers]
    finally:
        stop.set()
        for worker in workers:
            worker.join(10)
            if worker.is_alive():
                worker.kill()
        if kind in OURS and scenario.stalled:
            with contextlib.suppress(httpx.HTTPError):
                stats = httpx.get(server.emit_url.replace('emit-test-event', 'websocket-stats')).json()
                result.stalled_dropped = sum(
                    v for k, v in stats['disconnects_by_reason'].items() if k.startswith('send')
                )
        stop_server(server)
        shutil.rmtree(data_dir, ignore_errors=True)
    received = [n for part in collected for n in part[0]]
    result.delivered = sum(received)
    # every event tried is owed to every client: one whose emit request failed may still have gone out
    result.expected = (result.emitted + result.emit_failures) * scenario.clients
    result.latencies_ms = np.array([x for part in collected for x in part[1]])
    result.connect_ms = np.array([x for part in collected for x in part[2]])
    result.connect_total_s = max(part[4] for part in collected) - min(part[3] for part in collected)
    return result


# ---- report -------------------------------------------------------------------------------------------------
def median_result(results: list[Result]) -> Result:
    """The run with the median p99 (so its numbers belong together)."""
    ordered = sorted(results, key=lambda r: r.pct(99))
    return ordered[len(ordered) // 2]


def run_groups(keys: list[str]) -> list[list[str]]:
    """Scenarios to run together: those compared with each other (``PAIRS``) alternate."""
    groups: list[list[str]] = []
    for key in keys:
        if groups and (groups[-1][0], key) in PAIRS:
            groups[-1].append(key)
        else:
            groups.append([key])
    return groups


def report(scenario: Scenario, runs: dict[str, list[Result]]) -> dict[str, Result]:
    """Print the median run of each server and our p99 as a ratio of each baseline's; returns the medians."""
    print(f'\n== {scenario.name} for {scenario.duration_s:g} s')
    print(
        f'{"server":<11} {"delivered":>10} {"lost":>6} {"emit fail":>9} {"p50 ms":>8} {"p95 ms":>8} '
        f'{"p99 ms":>8} {"conn p50":>9} {"conn p99":>9} {"conn all s":>10} {"RSS MB":>7} {"peak":>6} {"after":>6}'
    )
    medians = {kind: median_result(results) for kind, results in runs.items()}
    for kind, r in medians.items():
        print(
            f'{kind:<11} {r.delivered:>10} {r.lost:>6} {r.emit_failures:>9} {r.pct(50):>8.1f} {r.pct(95):>8.1f} '
            f'{r.pct(99):>8.1f} {np.percentile(r.connect_ms, 50):>9.1f} {np.percentile(r.connect_ms, 99):>9.1f} '
            f'{r.connect_total_s:>10.2f} {r.rss_before_mb:>7.1f} {r.rss_peak_mb:>6.1f} {r.rss_after_mb:>6.1f}'
            + (f'  stalled dropped: {r.stalled_dropped}' if scenario.stalled and kind in OURS else '')
        )
    if 'oracle' in medians and len(medians) > 1:
        ours = medians['oracle'].pct(99)
        ratios = [f'{ours / medians[k].pct(99):.2f}x {k}' for k in medians if k != 'oracle']
        print('oracle p99 / baseline p99: ' + ', '.join(ratios))
    sys.stdout.flush()
    return medians


def compare(first: str, second: str, runs: dict[str, dict[str, list[Result]]]) -> None:
    """Per server, the pair's runs side by side: p99 (and for the storm the connect time) of ``second`` as a
    ratio of ``first``'s, run by run (they alternated) and for the median of the ratios."""
    for kind in runs[second]:
        pairs = list(zip(runs[first][kind], runs[second][kind], strict=True))
        p99 = [b.pct(99) / a.pct(99) for a, b in pairs]
        print(
            f'{kind}: {second} / {first} p99 by pair '
            + ' '.join(f'{a.pct(99):.1f}->{b.pct(99):.1f}' for a, b in pairs)
            + f' ms: median ratio {np.median(p99):.2f}x'
        )
        if first.startswith('storm'):
            connect = [b.connect_total_s / a.connect_total_s for a, b in pairs]
            print(
                f'{kind}: {second} / {first} connect all by pair '
                + ' '.join(f'{a.connect_total_s:.2f}->{b.connect_total_s:.2f}' for a, b in pairs)
                + f' s: median ratio {np.median(connect):.2f}x'
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--scenario', action='append', choices=list(SCENARIOS), help='default: all')
    parser.add_argument(
        '--server', action='append', choices=['oracle', 'before', 'fastapi', 'websockets'], help='default: all'
    )
    parser.add_argument('--before', type=Path, help='a checkout whose app runs as server "before"')
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    servers = args.server or ['oracle', *(['before'] if args.before else []), 'fastapi', 'websockets']
    if 'before' in servers and not args.before:
        parser.error('server "before" needs --before PATH')
    print(f'{os.cpu_count()} cores; {CLIENT_PROCESSES} client processes; median of {args.runs} run(s) by p99')
    for group in run_groups(args.scenario or list(SCENARIOS)):
        kinds = [k for k in servers if k in OURS or not SCENARIOS[group[0]].ours_only]
        runs: dict[str, dict[str, list[Result]]] = {key: {kind: [] for kind in kinds} for key in group}
        for _ in range(args.runs):  # interleaved, so a slow spell of this noisy machine hits all alike
            for key in group:
                for kind in kinds:
                    runs[key][kind].append(run_once(kind, SCENARIOS[key], args.before))
        for key in group:
            report(SCENARIOS[key], runs[key])
        if len(group) == 2:
            compare(*group, runs)
    print()


if __name__ == '__main__':
    main()
