"""Soak: ``python -m benchmarks.soak [--minutes 10]`` runs the real app under churn and prints resource curves.

Load, all at once for the whole run: the bot trading on the simulated market at 60x; WebSocket clients
connecting and leaving all the time (``--clients`` at once, each staying 2-15 s, one in ten vanishing without a
close frame); ``POST emit-test-event`` at 20/s; ``--tabs`` dashboard tabs open in Chromium plus one tab walking
through every page. Every ``--interval`` seconds it samples the server's RSS, open file descriptors and asyncio
task count (from ``GET /dashboard/api/system-status``) and finally says whether they stayed flat after warm-up:
RSS within +-10 % of its first post-warm-up sample, descriptors and tasks no higher in the last third than in
the first (their floor, net of the clients connected at that moment).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.liveapp import live_process  # noqa: E402

PAGES = ('/', '/trades', '/events', '/backtest', '/settings')
SLACK = 10
"""Descriptors/tasks a floor may differ by without a leak: one NiceGUI page client (the walking tab's last page,
still reconnectable for a few seconds) owns about eight tasks."""
ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']


@dataclass
class Sample:
    t: float
    rss_mb: float
    open_files: int
    tasks: int
    ws_clients: int
    events_per_s: float


@dataclass
class Load:
    connects: int = 0
    vanished: int = 0
    received: int = 0
    emitted: int = 0
    emit_failures: Counter[str] = field(default_factory=Counter)
    page_loads: int = 0


async def ws_churn(ws_base: str, clients: int, load: Load, stop: asyncio.Event) -> None:
    async def one_client() -> None:
        while not stop.is_set():
            try:
                async with connect(f'{ws_base}/dashboard/ws/monitor', max_size=None) as ws:
                    load.connects += 1
                    deadline = time.monotonic() + random.uniform(2, 15)
                    while time.monotonic() < deadline and not stop.is_set():
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(ws.recv(), 0.5)
                            load.received += 1
                    if random.random() < 0.1:
                        ws.transport.abort()  # vanish without a close frame
                        load.vanished += 1
            except OSError:
                await asyncio.sleep(0.5)

    await asyncio.gather(*(one_client() for _ in range(clients)))


async def emitter(http: httpx.AsyncClient, load: Load, stop: asyncio.Event, rate: float = 20.0) -> None:
    """``rate`` test events per second on a fixed schedule (requests overlap when the server is slow)."""

    async def emit(n: int) -> None:
        try:
            response = await http.post(
                '/dashboard/api/emit-test-event',
                json={'type': 'notification', 'data': {'message': f'soak {n}', 'level': 'info', 'sent': time.time()}},
            )
            load.emitted += response.status_code == 200
            if response.status_code != 200:
                load.emit_failures[f'HTTP {response.status_code}'] += 1
        except httpx.HTTPError as error:
            load.emit_failures[type(error).__name__] += 1

    pending: set[asyncio.Task[None]] = set()
    n = 0
    while not stop.is_set():
        n += 1
        if len(pending) < 50:
            task = asyncio.create_task(emit(n))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*pending)


async def tabs(base: str, count: int, load: Load, stop: asyncio.Event) -> None:
    from playwright.async_api import async_playwright

    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium or count <= 0:
        print('no chromium: running without browser tabs', file=sys.stderr)
        await stop.wait()
        return
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(count):
            page = await browser.new_page()
            await page.goto(base + '/')
            load.page_loads += 1
        walker = await browser.new_page()
        k = 0
        while not stop.is_set():
            with contextlib.suppress(Exception):
                await walker.goto(base + PAGES[k % len(PAGES)], timeout=30_000)
                load.page_loads += 1
            k += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 10)
        await browser.close()


async def sampler(http: httpx.AsyncClient, samples: list[Sample], interval: float, stop: asyncio.Event) -> None:
    started = time.monotonic()
    while not stop.is_set():
        with contextlib.suppress(httpx.HTTPError):
            status = (await http.get('/dashboard/api/system-status')).json()
            if status['process_rss_mb']:  # zero until the app's first metrics sample
                s = Sample(
                    time.monotonic() - started,
                    status['process_rss_mb'],
                    status['open_files'],
                    status['asyncio_tasks'],
                    status['websocket_connections'],
                    status['events_per_s'],
                )
                samples.append(s)
                print(
                    f'{s.t:7.0f} s  RSS {s.rss_mb:7.1f} MB  fds {s.open_files:5d}  tasks {s.tasks:5d}  '
                    f'ws {s.ws_clients:4d}  events/s {s.events_per_s:6.1f}',
                    flush=True,
                )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def verdict(samples: list[Sample], warmup_s: float) -> bool:
    steady = [s for s in samples if s.t >= warmup_s]
    if len(steady) < 6:
        print('too few samples after warm-up for a verdict')
        return False
    base = steady[0].rss_mb
    rss = [s.rss_mb for s in steady]
    drift = [100 * (r / base - 1) for r in rss]
    third = len(steady) // 3
    first, last = steady[:third], steady[-third:]

    def per_client(items: list[Sample], field: str) -> float:
        """The floor: in-flight requests and closing connections come and go on top of it, a leak lifts it."""
        return min(getattr(s, field) - s.ws_clients for s in items)

    fds_first, fds_last = per_client(first, 'open_files'), per_client(last, 'open_files')
    tasks_first, tasks_last = per_client(first, 'tasks'), per_client(last, 'tasks')
    rss_ok = max(abs(d) for d in drift) <= 10
    fds_ok = fds_last <= fds_first + SLACK
    tasks_ok = tasks_last <= tasks_first + SLACK
    print(f'\nafter {warmup_s:.0f} s warm-up, {len(steady)} samples:')
    print(
        f'  RSS      {base:.1f} MB at start, min {min(rss):.1f}, max {max(rss):.1f}, last {rss[-1]:.1f} MB; '
        f'drift {min(drift):+.1f} % .. {max(drift):+.1f} % (limit +-10 %)  {"flat" if rss_ok else "NOT FLAT"}'
    )
    print(
        f'  fds      minus WS clients, floor in the first third {fds_first:.0f}, last third {fds_last:.0f}  '
        f'{"flat" if fds_ok else "GROWING"}'
    )
    print(
        f'  tasks    minus WS clients, floor in the first third {tasks_first:.0f}, last third {tasks_last:.0f}  '
        f'{"flat" if tasks_ok else "GROWING"}'
    )
    return rss_ok and fds_ok and tasks_ok


async def main() -> int:
    parser = argparse.ArgumentParser(prog='python -m benchmarks.soak', description=__doc__.split('\n')[0])
    parser.add_argument('--minutes', type=float, default=10.0)
    parser.add_argument('--clients', type=int, default=50, help='WebSocket clients connected at any time')
    parser.add_argument('--tabs', type=int, default=3, help='dashboard tabs kept open (plus one walking the pages)')
    parser.add_argument('--interval', type=float, default=10.0, help='seconds between samples')
    args = parser.parse_args()
    duration = args.minutes * 60
    warmup = max(60.0, duration / 5)
    samples: list[Sample] = []
    load = Load()
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_process(Path(tmp) / 'data', ORACLE_SPEED='60', ORACLE_METRICS_INTERVAL_S='1') as app,
    ):
        stop = asyncio.Event()
        async with httpx.AsyncClient(base_url=app.base, timeout=30) as http:
            print(
                f'soak: {args.minutes:g} min, {args.clients} WebSocket clients churning, {args.tabs} tabs + 1 '
                f'walking, 20 test events/s, bot trading at 60x; warm-up {warmup:.0f} s',
                flush=True,
            )
            work = [
                asyncio.create_task(c)
                for c in (
                    ws_churn(app.base.replace('http', 'ws', 1), args.clients, load, stop),
                    emitter(http, load, stop),
                    tabs(app.base, args.tabs, load, stop),
                    sampler(http, samples, args.interval, stop),
                )
            ]
            await asyncio.sleep(duration)
            stop.set()
            await asyncio.gather(*work)
            trades = (await http.get('/dashboard/api/trading-metrics')).json()['total_trades']
    print(
        f'\nload: {load.connects} WebSocket connects ({load.vanished} vanished), {load.received} messages '
        f'received, {load.emitted} test events emitted ({load.emitted / duration:.1f}/s; failed: '
        f'{dict(load.emit_failures) or "none"}), {load.page_loads} page loads, {trades} trades closed by the bot'
    )
    return 0 if verdict(samples, warmup) else 1


if __name__ == '__main__':
    sys.exit(asyncio.run(main()))
