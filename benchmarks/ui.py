"""Dashboard in Chromium: ``python -m benchmarks.ui [--history-only]`` prints the numbers quoted in docs/PERFORMANCE.md.

* First load of ``/``: navigation start -> price chart drawn and metric cards filled (median of 9 cold loads,
  each in a new browser context: nothing cached), on a fresh data directory (30 days of simulated history, the
  default) and on one holding a year of 1-minute candles per symbol (made first, in-process, and timed).
* With a year stored: panning back one screen, from releasing the drag to the first frame with candles up to the
  view's left edge (pages are loaded ahead of the pan) and to an older page drawn when the pan asked for one,
  p50/p95 over 30 pans; switching timeframe,
  from the click on the option to the new chart drawn, p50/p95 over 24 switches.
* Event -> DOM: a notification published through ``POST emit-test-event`` until its text is in the page
  (MutationObserver timestamp minus the send time; both clocks are this machine's), p50/p95 over 200 events.
* Server RSS and CPU with 1, 10 and 30 open dashboard tabs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from tests.browser.test_chart_browser import CHART, pan_back  # noqa: E402
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


PAN_TIMER = f"""(first) => {{ window.panMs = undefined; window.filledMs = undefined;
    const pan = {{dragging: false, released: null}};
    window.currentPan = pan;  // a timer left running by the pan before stops writing when this one starts
    const current = () => window.currentPan === pan;
    document.addEventListener('mousedown', (event) => {{
        if (current() && event.target.closest('{CHART} .nsewdrag')) pan.dragging = true; }}, true);
    document.addEventListener('mouseup', () => {{
        if (current() && pan.dragging && pan.released === null) pan.released = performance.now(); }}, true);
    const check = () => {{ if (!current()) return;
        const gd = document.querySelector('{CHART}');
        if (pan.released !== null) {{
            const now = performance.now() - pan.released;
            const edge = gd._fullLayout.xaxis.range[0];
            if (window.filledMs === undefined && gd.data[0].x[0] <= edge) window.filledMs = now;
            if (window.panMs === undefined && gd.data[0].x[0] < first) window.panMs = now;
        }}
        const waiting = pan.released === null || performance.now() - pan.released < 5000;
        if ((window.panMs === undefined || window.filledMs === undefined) && waiting) requestAnimationFrame(check);
    }};
    requestAnimationFrame(check); }}"""
"""From the release of the drag (not of the click that picks the pan tool): ``filledMs`` at the first frame with
candles up to the left edge of the view (what the user waits for), ``panMs`` when older candles than before are in
the chart (a page loaded; not every pan needs one). Each pan's timer stops when the next one starts."""
SWITCH_TIMER = f"""() => {{ window.switchMs = undefined; const old = document.querySelector('{CHART}');
    document.addEventListener('click', () => {{ const clicked = performance.now();
        const check = () => {{ const gd = document.querySelector('{CHART}');
            if (gd && gd !== old && gd._fullLayout && gd.data && gd.data[0].x.length)
                window.switchMs = performance.now() - clicked;
            else requestAnimationFrame(check); }};
        requestAnimationFrame(check); }}, {{capture: true, once: true}}); }}"""
FIRST_TIME = f"() => document.querySelector('{CHART}').data[0].x[0]"


def wait_for_history(base: str) -> None:
    """Until the market's history is stored (a fresh start generates it after the server is up)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        response = httpx.get(base + '/dashboard/api/candles', params={'symbol': 'BTC/USDT', 'limit': 300})
        if response.status_code == 200 and len(response.json()['candles']) == 300:
            return
        time.sleep(1)
    raise RuntimeError('no history after 10 minutes')


def wait_until_idle(base: str) -> None:
    """Until the server has finished its start-up work (storing every timeframe's history takes a minute after the
    first candles can be read): three seconds in a row under 15 % CPU. Pages loaded before that measure the
    contention, not the page."""
    server = server_process(base)
    server.cpu_percent(None)
    quiet, deadline = 0, time.monotonic() + 600
    while quiet < 3 and time.monotonic() < deadline:
        time.sleep(1)
        quiet = quiet + 1 if server.cpu_percent(None) < 15 else 0


def percentiles(name: str, values: list[float]) -> str:
    if not values:
        return f'{name}: none'
    data = np.array(values)
    return (
        f'{name} over {len(data)}: p50 {np.percentile(data, 50):.0f} ms, p95 {np.percentile(data, 95):.0f} ms, '
        f'max {data.max():.0f} ms'
    )


async def first_loads(browser, base: str) -> list[float]:
    """Navigation start -> chart and metric cards drawn, for 9 cold loads (each page a new context)."""
    loads = []
    for _ in range(9):
        page = await browser.new_page(viewport={'width': 1440, 'height': 900})
        await page.goto(base + '/', wait_until='commit')
        await page.wait_for_function(READY, polling='raf', timeout=60_000)
        loads.append(await page.evaluate('() => performance.now()'))
        await page.close()
    return loads


async def chart_history(browser, base: str) -> None:
    """Panning back and switching timeframe on a dashboard whose store holds a year of 1-minute candles."""
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(base + '/')
    await page.wait_for_function(READY, timeout=60_000)
    loads, filled = [], []
    for _ in range(30):
        first = await page.evaluate(FIRST_TIME)
        await page.evaluate(PAN_TIMER, first)
        await pan_back(page)
        await page.wait_for_function('() => window.filledMs !== undefined', timeout=10_000)
        filled.append(await page.evaluate('() => window.filledMs'))
        with contextlib.suppress(PlaywrightTimeout):  # a pan the prefetched page covers loads nothing
            await page.wait_for_function('() => window.panMs !== undefined', timeout=3_000)
            loads.append(await page.evaluate('() => window.panMs'))
    print(percentiles('Pan back one screen (drag released -> candles up to the left edge of the view)', filled))
    print(percentiles(f'  of which {len(loads)} loaded a page ahead (drag released -> older page drawn)', loads))
    switches = []
    for timeframe in ['5m', '15m', '1h', '4h', '1d', '1m'] * 4:
        await page.get_by_label('Timeframe').click()
        await page.evaluate(SWITCH_TIMER)
        await page.get_by_role('option', name=timeframe, exact=True).click()
        await page.wait_for_function('() => window.switchMs !== undefined', timeout=10_000)
        switches.append(await page.evaluate('() => window.switchMs'))
    print(percentiles('Switch timeframe (option clicked -> new chart drawn)', switches))
    await page.close()


async def run(base: str) -> float:
    """The fresh directory's numbers; returns its median first load (ms)."""
    from playwright.async_api import async_playwright

    server = server_process(base)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which('chromium'), args=ARGS)
        loads = await first_loads(browser, base)
        print(
            f'First load of / (navigation -> chart and metrics drawn), fresh data directory: median '
            f'{statistics.median(loads):.0f} ms (min {min(loads):.0f}, max {max(loads):.0f})'
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
    return statistics.median(loads)


async def run_with_a_year(base: str, fresh_median: float | None) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which('chromium'), args=ARGS)
        loads = await first_loads(browser, base)
        median = statistics.median(loads)
        ratio = f"; {median / fresh_median:.2f}x the fresh directory's" if fresh_median else ''
        print(
            f'First load of /, a year of 1-minute candles stored: median {median:.0f} ms (min {min(loads):.0f}, '
            f'max {max(loads):.0f}){ratio}'
        )
        await chart_history(browser, base)
        await browser.close()


def store_a_year(data_dir: Path) -> None:
    """A data directory as a year of running would leave it: 365 days of simulated 1-minute candles per symbol
    and every chart timeframe built from them."""
    from oracle_ui.settings import Settings
    from oracle_ui.system import build_system

    async def make() -> None:
        system = build_system(Settings(_env_file=None, data_dir=data_dir, sim_history_days=365, autostart=False))
        await system.start()
        await system.stop()

    started = time.monotonic()
    asyncio.run(make())
    size = sum(f.stat().st_size for f in data_dir.iterdir()) / 2**20
    elapsed = time.monotonic() - started
    print(f'(a year of candles for 3 symbols generated and stored in {elapsed:.0f} s: {size:.0f} MB)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--history-only', action='store_true', help='only the part with a year of candles stored')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        fresh_median = None
        if not args.history_only:
            with live_app(Path(temp) / 'fresh') as base:
                wait_for_history(base)
                wait_until_idle(base)
                fresh_median = asyncio.run(run(base))
        store_a_year(Path(temp) / 'year')
        with live_app(Path(temp) / 'year') as base:
            wait_for_history(base)
            wait_until_idle(base)
            asyncio.run(run_with_a_year(base, fresh_median))


if __name__ == '__main__':
    main()
