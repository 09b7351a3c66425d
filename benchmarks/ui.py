"""Dashboard in Chromium: ``python -m benchmarks.ui`` prints the numbers quoted in the README.

* First load of ``/``: navigation start -> price chart drawn and metric cards filled (median of 9 cold loads,
  each in a new browser context: nothing cached).
* Event -> DOM: a notification published through ``POST emit-test-event`` until its text is in the page
  (MutationObserver timestamp minus the send time; both clocks are this machine's), p50/p95 over 200 events.
* Server RSS and CPU with 1, 10 and 30 open dashboard tabs.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.liveapp import live_app  # noqa: E402

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
READY = """() => document.querySelector('.js-plotly-plot .main-svg') &&
    [...document.querySelectorAll('.q-card')].some(c => c.innerText.includes('CPU') && c.innerText.includes('%'))"""
OBSERVE = """() => { window.seen = {}; new MutationObserver(records => {
    const now = Date.now();
    for (const record of records) for (const node of record.addedNodes) {
      for (const m of (node.textContent || '').matchAll(/probe-(\\d+)/g)) { window.seen[m[1]] ??= now; }
    }
  }).observe(document.body, {childList: true, subtree: true}); }"""


def server_process(base: str) -> psutil.Process:
    port = int(base.rsplit(':', 1)[1])
    for connection in psutil.net_connections('tcp'):
        if connection.laddr.port == port and connection.status == 'LISTEN' and connection.pid:
            return psutil.Process(connection.pid)
    raise RuntimeError('server process not found')


async def run(base: str) -> None:
    from playwright.async_api import async_playwright

    server = server_process(base)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which('chromium'), args=ARGS)
        loads = []
        for _ in range(9):
            page = await browser.new_page(viewport={'width': 1440, 'height': 900})
            await page.goto(base + '/', wait_until='commit')
            await page.wait_for_function(READY, polling='raf', timeout=30_000)
            loads.append(await page.evaluate('() => performance.now()'))
            await page.close()
        print(
            f'First load of / (navigation -> chart and metrics drawn): median {statistics.median(loads):.0f} ms '
            f'(min {min(loads):.0f}, max {max(loads):.0f})'
        )

        page = await browser.new_page(viewport={'width': 1440, 'height': 900})
        await page.goto(base + '/')
        await page.wait_for_function(READY, timeout=30_000)
        await page.evaluate(OBSERVE)
        sent = {}
        async with httpx.AsyncClient(base_url=base) as http:
            for n in range(200):
                sent[n] = time.time() * 1000
                await http.post(
                    '/dashboard/api/emit-test-event',
                    json={'type': 'notification', 'data': {'message': f'probe-{n}', 'level': 'info'}},
                )
                await asyncio.sleep(0.05)
        await asyncio.sleep(2)
        seen = await page.evaluate('() => window.seen')
        latency = np.array([seen[str(n)] - sent[n] for n in sent if str(n) in seen])
        print(
            f'Event -> DOM over {len(latency)}/{len(sent)} events: p50 {np.percentile(latency, 50):.1f} ms, '
            f'p95 {np.percentile(latency, 95):.1f} ms, max {latency.max():.1f} ms'
        )
        await page.close()

        context = await browser.new_context(viewport={'width': 1280, 'height': 800})
        tabs = []
        previous = None
        for count in (1, 10, 30):
            while len(tabs) < count:
                tab = await context.new_page()
                await tab.goto(base + '/')
                tabs.append(tab)
            await asyncio.sleep(10)
            server.cpu_percent(None)
            await asyncio.sleep(5)
            cpu = server.cpu_percent(None)
            rss = server.memory_info().rss / 2**20
            extra = f', {(rss - previous[1]) / (count - previous[0]):.2f} MB per extra tab' if previous else ''
            print(f'{count:>2} tab(s): server RSS {rss:.1f} MB, CPU {cpu:.1f} %{extra}')
            previous = (count, rss)
        await browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as temp, live_app(Path(temp) / 'data') as base:
        time.sleep(3)
        asyncio.run(run(base))


if __name__ == '__main__':
    main()
