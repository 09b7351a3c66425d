"""Split roles over Redis: ``python -m benchmarks.redis_scale [--quick]`` prints three comparisons.

1. Added delivery latency of the Redis path: 100 clients x 50 events/s, emitted through the REST API and received
   on ``/dashboard/ws/monitor?topics=notifications``, by one process (``--role all``: the in-process bus) and by
   one engine with one web replica (the replica sends the command to the engine over Redis, the engine publishes,
   the event comes back through the stream). p50/p99 of both and the difference.
2. 2,000 full dashboard clients (``/dashboard/ws/dashboard``: every topic, the market's data included) on one
   process, and split over two web replicas of one engine: p99 and lost, 5 events/s emitted for 10 s.
3. The engine's tick-to-store latency (an event's publish time to when a reader of the database sees it, polled
   every 5 ms; the market at 60x, so a candle closes every second per symbol) with 0, 1 and 3 web replicas, each
   replica with 100 dashboard clients.

Clients, emitter, servers and Redis share the machine's cores: compare the numbers of one run with each other.
The clients and the emitter are those of :mod:`benchmarks.ws_fanout`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.ws_fanout import Result, Scenario, Server, client_worker, emit  # noqa: E402
from oracle_ui.store import Store  # noqa: E402
from tests.liveapp import free_port  # noqa: E402
from tests.redis_server import RedisServer, start_server  # noqa: E402

PROCESSES_PER_SERVER = 2
"""Client processes per web server."""


@dataclass
class Cluster:
    """One process (``replicas`` 0 and no Redis) or Redis, one engine and ``replicas`` web replicas."""

    data_dir: Path
    redis: RedisServer | None = None
    engine: subprocess.Popen[bytes] | None = None
    webs: list[tuple[subprocess.Popen[bytes], int]] = field(default_factory=list)

    def base(self, index: int) -> str:
        return f'http://127.0.0.1:{self.webs[index][1]}'


def environment(data_dir: Path, redis: RedisServer | None, speed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
    env.update(
        ORACLE_SPEED=speed,
        ORACLE_DATA_DIR=str(data_dir),
        ORACLE_SHOW='false',
        ORACLE_SIM_HISTORY_DAYS='1',
        ORACLE_WS_MAX_LOOPBACK='10000',
        PYTHONPATH=str(ROOT),
    )
    if redis is not None:
        env['ORACLE_REDIS_URL'] = redis.url
    return env


def start_web(env: dict[str, str], role: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, str(ROOT / 'main.py'), '--no-show', '--port', str(port), '--role', role]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            url = f'http://127.0.0.1:{port}/dashboard/api/events'
            if httpx.get(url, params={'topic': 'market_data', 'latest': 'true', 'limit': 1}).json()['count']:
                return process, port
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f'the {role} server on port {port} did not serve market data within 90 s')


def start_cluster(replicas: int, *, split: bool, speed: str = '1') -> Cluster:
    """``split`` False: one ``--role all`` process; True: Redis, an engine and ``replicas`` web replicas; the
    simulated market at ``speed``."""
    cluster = Cluster(Path(tempfile.mkdtemp(prefix='redis-scale-')) / 'data')
    cluster.data_dir.mkdir(parents=True)
    if not split:
        cluster.webs.append(start_web(environment(cluster.data_dir, None, speed), 'all'))
        return cluster
    cluster.redis = start_server()
    env = environment(cluster.data_dir, cluster.redis, speed)
    log = (cluster.data_dir.parent / 'engine.log').open('w')
    command = [sys.executable, str(ROOT / 'main.py'), '--role', 'engine']
    cluster.engine = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while 'engine running' not in (cluster.data_dir.parent / 'engine.log').read_text():
        if time.time() > deadline or cluster.engine.poll() is not None:
            raise RuntimeError('the engine did not start')
        time.sleep(0.2)
    for _ in range(replicas):
        cluster.webs.append(start_web(env, 'web'))
    time.sleep(2.0)
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    processes = [p for p, _ in cluster.webs] + ([cluster.engine] if cluster.engine else [])
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
    if cluster.redis is not None:
        cluster.redis.stop()
    shutil.rmtree(cluster.data_dir.parent, ignore_errors=True)


def start_clients(urls: list[str], clients: int) -> tuple[list, mp.Event, object]:
    """``clients`` spread over ``urls`` (``PROCESSES_PER_SERVER`` processes each); returns once all connected."""
    ctx = mp.get_context('spawn')
    stop, go, out = ctx.Event(), ctx.Event(), ctx.Queue()
    targets = [url for url in urls for _ in range(PROCESSES_PER_SERVER)]
    counts = [clients // len(targets) + (1 if i < clients % len(targets) else 0) for i in range(len(targets))]
    workers, armed, readies = [], [], []
    for url, count in zip(targets, counts, strict=True):
        arm, ready = ctx.Event(), ctx.Event()
        worker = ctx.Process(target=client_worker, args=(url, count, 0, arm, go, ready, stop, out))
        worker.start()
        workers.append(worker)
        armed.append(arm)
        readies.append(ready)
    for arm in armed:
        if not arm.wait(60):
            raise RuntimeError('client processes did not start')
    go.set()
    for ready in readies:
        if not ready.wait(180):
            raise RuntimeError('clients could not connect')
    return workers, stop, out


def stop_clients(workers: list, stop: mp.Event, out: object) -> list[tuple]:
    stop.set()
    collected = [out.get(timeout=60) for _ in workers]  # type: ignore[attr-defined]
    for worker in workers:
        worker.join(10)
        if worker.is_alive():
            worker.kill()
    return collected


def fan_out(cluster: Cluster, scenario: Scenario) -> Result:
    """``scenario``'s clients over every web server of ``cluster``, events emitted through the first."""
    urls = [
        f'{cluster.base(i).replace("http", "ws")}/dashboard/ws/{scenario.endpoint}' for i in range(len(cluster.webs))
    ]
    workers, stop, out = start_clients(urls, scenario.clients)
    result = Result()
    try:
        time.sleep(0.5)
        first = cluster.webs[0][0]
        server = Server('oracle', first, urls[0], f'{cluster.base(0)}/dashboard/api/emit-test-event')
        result.emitted, result.emit_failures = asyncio.run(emit(server, scenario, [], first.pid))
        time.sleep(3.0)
    finally:
        collected = stop_clients(workers, stop, out)
    result.delivered = sum(n for part in collected for n in part[0])
    result.expected = (result.emitted + result.emit_failures) * scenario.clients
    result.latencies_ms = np.array([x for part in collected for x in part[1]])
    return result


def tick_to_store(cluster: Cluster, seconds: float) -> np.ndarray:
    """Milliseconds from each stored event's publish time to when a reader of the database first sees it."""
    store = Store(cluster.data_dir / 'oracle.db')
    latencies: list[float] = []
    try:
        newest = store.events(newest_first=True, limit=1)
        last = newest[0].id if newest else 0
        end = time.time() + seconds
        while time.time() < end:
            for event in store.events(since_id=last, limit=10_000):
                seen = time.time()
                last = event.id
                if abs(seen - event.timestamp) < 10 and event.source != 'audit':  # stamped when published
                    latencies.append((seen - event.timestamp) * 1000)
            time.sleep(0.005)
    finally:
        store.close()
    return np.array(latencies)


def line(name: str, result: Result) -> str:
    return (
        f'{name:<40} p50 {result.pct(50):7.1f} ms  p99 {result.pct(99):7.1f} ms  '
        f'lost {result.lost:>6} of {result.expected}'
    )


def measure_latency(quick: bool) -> None:
    scenario = Scenario('100 clients x 50 ev/s', 100, 50, 5 if quick else 10)
    print(f'\n1. delivery latency, {scenario.name} (monitor?topics=notifications)')
    results = {}
    for name, split in (('one process (in-process bus)', False), ('engine + 1 web replica (Redis)', True)):
        cluster = start_cluster(1, split=split)
        try:
            results[name] = fan_out(cluster, scenario)
        finally:
            stop_cluster(cluster)
        print(line(name, results[name]))
    single, redis = results.values()
    print(
        f'{"added by the Redis path":<40} p50 {redis.pct(50) - single.pct(50):+7.1f} ms  '
        f'p99 {redis.pct(99) - single.pct(99):+7.1f} ms'
    )


def measure_dashboards(quick: bool) -> None:
    clients = 500 if quick else 2000
    scenario = Scenario(f'{clients} dashboards x 5 ev/s', clients, 5, 10, endpoint='dashboard')
    print(f'\n2. {scenario.name} (full /dashboard/ws/dashboard, market data included)')
    for name, split, replicas in (('one process', False, 1), ('engine + 2 web replicas', True, 2)):
        cluster = start_cluster(replicas, split=split)
        try:
            print(line(name, fan_out(cluster, scenario)))
        finally:
            stop_cluster(cluster)


def measure_store(quick: bool) -> None:
    seconds = 8 if quick else 20
    print(f'\n3. engine tick-to-store latency ({seconds} s, each replica with 100 dashboard clients)')
    for replicas in (0, 1, 3):
        cluster = start_cluster(replicas, split=True, speed='60')  # a candle a second per symbol: stored events
        try:
            urls = [f'{cluster.base(i).replace("http", "ws")}/dashboard/ws/dashboard' for i in range(replicas)]
            clients = start_clients(urls, 100 * replicas) if replicas else None
            ms = tick_to_store(cluster, seconds)
            if clients is not None:
                stop_clients(*clients)
        finally:
            stop_cluster(cluster)
        print(
            f'{replicas} web replica(s){"":<24} p50 {np.percentile(ms, 50):7.1f} ms  '
            f'p99 {np.percentile(ms, 99):7.1f} ms  ({len(ms)} events)'
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='shorter runs, 500 dashboards instead of 2,000')
    parser.add_argument('--only', choices=('latency', 'dashboards', 'store'), help='run one comparison')
    args = parser.parse_args()
    print(f'{os.cpu_count()} cores; clients, servers and Redis share them')
    for name, run in (('latency', measure_latency), ('dashboards', measure_dashboards), ('store', measure_store)):
        if args.only in (None, name):
            run(args.quick)


if __name__ == '__main__':
    main()
