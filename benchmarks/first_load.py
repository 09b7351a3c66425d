"""First load of the dashboard against another checkout, interleaved: ``python -m benchmarks.first_load --before PATH``.

Both apps run side by side on fresh data directories (the default 30 days of simulated history); once both are idle,
each round loads ``/`` once in each (navigation start -> price chart drawn and metric cards filled, a new browser
context each time: nothing cached), so both see the same machine. Prints per app: the median and p90 load, the
server's own time to the first byte, the page's size, the chart's trace count, and the server's RSS idle before the
loads and after them; then the ratios against ``--before``.

``--env KEY=VALUE`` sets a setting for both (e.g. ``ORACLE_STRATEGY=sma_cross``: a chart of the same few lines in
both, where the default strategy, regime, charts the sixteen series it reads in six panes).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil
from playwright.async_api import Browser, async_playwright

from benchmarks.ui import ARGS, READY, server_process, wait_for_history, wait_until_idle
from tests.liveapp import live_app

ROOT = Path(__file__).resolve().parent.parent
NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
    return [n.responseStart, n.decodedBodySize, document.querySelector('.js-plotly-plot').data.length]; }"""


@dataclass
class App:
    name: str
    base: str
    server: psutil.Process
    idle_rss_mb: float = 0.0
    loads: list[float] = field(default_factory=list)
    first_bytes: list[float] = field(default_factory=list)
    page_kb: float = 0.0
    traces: int = 0


async def load_once(browser: Browser, app: App) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(app.base + '/', wait_until='commit')
    await page.wait_for_function(READY, polling='raf', timeout=60_000)
    app.loads.append(await page.evaluate('() => performance.now()'))
    first_byte, size, app.traces = await page.evaluate(NAVIGATION)
    app.first_bytes.append(first_byte)
    app.page_kb = size / 1024
    await page.close()


async def measure(apps: list[App], rounds: int) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=shutil.which('chromium'), args=ARGS)
        for app in apps:  # one load each first: Chromium's own start-up is in neither app's numbers
            await load_once(browser, app)
            app.loads.clear()
            app.first_bytes.clear()
        for round_ in range(rounds):
            for app in apps if round_ % 2 == 0 else apps[::-1]:
                await load_once(browser, app)
        await browser.close()


def report(apps: list[App]) -> None:
    print(f'{"app":<8} {"median":>8} {"p90":>8} {"1st byte":>9} {"page":>8} {"traces":>7} {"RSS idle":>9} {"after":>7}')
    for app in apps:
        rss = app.server.memory_info().rss / 2**20
        print(
            f'{app.name:<8} {statistics.median(app.loads):>6.0f}ms {np.percentile(app.loads, 90):>6.0f}ms '
            f'{statistics.median(app.first_bytes):>7.0f}ms {app.page_kb:>6.0f}kB {app.traces:>7} '
            f'{app.idle_rss_mb:>7.0f}MB {rss:>5.0f}MB'
        )
    if len(apps) == 2:
        ours, before = apps
        ratio = statistics.median(ours.loads) / statistics.median(before.loads)
        print(f'median load {ratio:.2f}x before; {len(ours.loads)} loads each, interleaved')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--before', type=Path, help='another checkout (e.g. a worktree of 0.1.0) to compare with')
    parser.add_argument('--rounds', type=int, default=15, help='loads of each app (default 15)')
    parser.add_argument('--env', action='append', default=[], metavar='KEY=VALUE', help='a setting for both apps')
    args = parser.parse_args()
    env = dict(item.split('=', 1) for item in args.env)
    checkouts = [('ours', ROOT)] + ([('before', args.before.resolve())] if args.before else [])
    with tempfile.TemporaryDirectory() as temp, ExitStack() as stack:
        apps = []
        for name, checkout in checkouts:
            data = Path(temp) / name / 'data'
            data.parent.mkdir()
            base = stack.enter_context(live_app(data, cwd=checkout, script=checkout / 'main.py', **env))
            apps.append(App(name, base, server_process(base)))
        for app in apps:
            wait_for_history(app.base)
        for app in apps:
            wait_until_idle(app.base)
            app.idle_rss_mb = app.server.memory_info().rss / 2**20
        asyncio.run(measure(apps, args.rounds))
        report(apps)


if __name__ == '__main__':
    main()
