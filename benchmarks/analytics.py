"""Analytics and reports: ``python -m benchmarks.analytics`` prints the numbers quoted in the README.

* The full analysis (every metric, every grouping, the chart series) of 100,000 trades over a year of 1-minute equity
  (525,600 points), median of 5, against quantstats computing only its six ratio metrics on the same returns.
* /analytics first load in Chromium (navigation -> metric cards and heatmap drawn) with 10,000 stored trades over
  30 days of 1-minute equity, median of 9 cold loads (new browser contexts), interleaved with as many of the
  dashboard ``/`` of the same server as the baseline.
* The PDF (and HTML) report of a year: 525,600 equity points and 20,000 trades, median of 3.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from oracle_ui.analytics import TradeArrays, analyze, periods_per_year, returns_of  # noqa: E402
from oracle_ui.reports import account_report  # noqa: E402
from oracle_ui.settings import Settings  # noqa: E402
from oracle_ui.store import Store  # noqa: E402
from oracle_ui.store.schema import equity_table, trades_table  # noqa: E402
from oracle_ui.views import AnalyticsFilters  # noqa: E402
from tests.liveapp import live_app  # noqa: E402

START = 1_767_225_600.0  # 2026-01-01 UTC
SYMBOLS = ('BTC/USDT', 'ETH/USDT', 'SOL/USDT')
LOADS = 9


def synthetic(trades: int, minutes: int, seed: int = 1) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """``trades`` random trades and a random-walk equity curve of ``minutes`` one-minute points from START."""
    rng = np.random.default_rng(seed)
    times = START + 60.0 * np.arange(1, minutes + 1)
    equity = 10_000 * np.cumprod(1 + rng.normal(0, 2e-4, minutes))
    entry = np.sort(rng.uniform(START, times[-1] - 7200, trades))
    price = rng.uniform(20, 70_000, trades)
    columns = {
        'id': np.arange(1, trades + 1),
        'entry_time': entry,
        'exit_time': entry + rng.uniform(60, 7200, trades),
        'entry_price': price,
        'exit_price': price * (1 + rng.normal(0, 0.004, trades)),
        'quantity': 100 / price,
        'pnl': rng.normal(0.05, 1.0, trades),
        'fees': np.full(trades, 0.1),
        'margin': np.full(trades, 10.0),
        'risk': np.full(trades, 1.0),
        'symbol': rng.choice(SYMBOLS, trades),
        'side': rng.choice(['long', 'short'], trades),
        'strategy': np.full(trades, 'regime'),
        'exit_reason': rng.choice(['take-profit', 'stop-loss', 'strategy exit'], trades),
    }
    return columns, times, equity


def median_s(action, repeat: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs), runs


def bench_analysis() -> None:
    columns, times, equity = synthetic(100_000, 525_600)
    per_year = periods_per_year(60)

    def ours() -> None:
        analyze(TradeArrays.from_columns(columns), times, equity, 10_000.0, per_year)

    import pandas as pd
    import quantstats as qs

    returns = pd.Series(returns_of(equity, 10_000.0), index=pd.to_datetime(times, unit='s'))

    def theirs() -> None:
        for metric in (qs.stats.sharpe, qs.stats.sortino, qs.stats.volatility, qs.stats.cagr, qs.stats.calmar):
            metric(returns, periods=per_year)
        qs.stats.max_drawdown(returns)

    ours_s, ours_runs = median_s(ours, 5)
    theirs_s, _ = median_s(theirs, 5)
    print(
        f'full analysis, 100,000 trades x 525,600 equity points: median {ours_s * 1000:.0f} ms '
        f'(runs {", ".join(f"{r * 1000:.0f}" for r in ours_runs)} ms; target < 1,000 ms); '
        f'quantstats, six ratios only, same returns: {theirs_s * 1000:.0f} ms ({ours_s / theirs_s:.2f}x)'
    )


def fill_store(path: Path, columns: dict[str, np.ndarray], times: np.ndarray, equity: np.ndarray) -> None:
    """Closed trades and equity points written straight into a fresh database."""
    store = Store(path)
    n = len(columns['pnl'])
    rows = [
        {
            'id': int(columns['id'][k]),
            'symbol': str(columns['symbol'][k]),
            'side': str(columns['side'][k]),
            'quantity': float(columns['quantity'][k]),
            'leverage': 1.0,
            'margin': 10.0,
            'entry_price': float(columns['entry_price'][k]),
            'entry_time': float(columns['entry_time'][k]),
            'exit_price': float(columns['exit_price'][k]),
            'exit_time': float(columns['exit_time'][k]),
            'entry_fee': 0.05,
            'exit_fee': 0.05,
            'pnl': float(columns['pnl'][k]),
            'status': 'CLOSED_TP' if columns['pnl'][k] > 0 else 'CLOSED_SL',
            'exit_reason': '',
            'stop_loss': None,
            'take_profit': None,
            'initial_stop_loss': None,
            'initial_take_profit': None,
            'liquidation_price': 0.0,
            'strategy': 'regime',
            'regime': '',
        }
        for k in range(n)
    ]
    points = [
        {'time': float(t), 'balance': float(e), 'equity': float(e), 'unrealized_pnl': 0.0}
        for t, e in zip(times, equity, strict=True)
    ]
    with store.engine.begin() as conn:
        conn.execute(trades_table.insert(), rows)
        conn.execute(equity_table.insert(), points)
    store.close()


def bench_pdf(workdir: Path) -> None:
    columns, times, equity = synthetic(20_000, 525_600, seed=2)
    data = workdir / 'year'
    fill_store(data / 'oracle.db', columns, times, equity)
    settings = Settings(data_dir=data, _env_file=None)
    store = Store(settings.database_path)
    filters = AnalyticsFilters(period='all')
    now = float(times[-1])
    results = {}
    for kind in ('html', 'pdf'):
        results[kind] = median_s(
            lambda k=kind: account_report(store, settings, filters, k, symbols=list(SYMBOLS), now=now), 3
        )
    size = len(account_report(store, settings, filters, 'pdf', symbols=list(SYMBOLS), now=now).content)
    store.close()
    print(
        f"a year's report (525,600 equity points, 20,000 trades): PDF median {results['pdf'][0]:.2f} s "
        f'({size / 1024:.0f} KB; target < 10 s), the HTML it is printed from {results["html"][0]:.2f} s'
    )


async def page_loads(base: str) -> None:
    from playwright.async_api import async_playwright

    ready = {
        '/analytics': """() => document.querySelector('svg.heatmap rect.cell') &&
            document.querySelector('.js-plotly-plot .main-svg')""",
        '/': """() => document.querySelector('.js-plotly-plot .main-svg') &&
            [...document.querySelectorAll('.q-card')].some(c => c.innerText.includes('CPU'))""",
    }
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which('chromium'), args=['--no-sandbox'])
        loads: dict[str, list[float]] = {path: [] for path in ready}
        for _ in range(LOADS):  # interleaved, so both pages see the same moments of a noisy machine
            for path, condition in ready.items():
                context = await browser.new_context(viewport={'width': 1440, 'height': 900})
                page = await context.new_page()
                await page.goto(base + path, wait_until='commit')
                await page.wait_for_function(condition, polling='raf', timeout=60_000)
                loads[path].append(await page.evaluate('() => performance.now()'))
                await context.close()
        medians = {path: statistics.median(times) for path, times in loads.items()}
        for path, times in loads.items():
            print(f'  {path}: median {medians[path]:.0f} ms (loads {", ".join(f"{x:.0f}" for x in times)} ms)')
        await browser.close()
    print(
        f'/analytics first load with 10,000 stored trades: {medians["/analytics"]:.0f} ms (target < 1,000 ms); '
        f'{medians["/analytics"] / medians["/"]:.2f}x the dashboard of the same server'
    )


def bench_page(workdir: Path) -> None:
    minutes = 30 * 1440
    columns, times, equity = synthetic(10_000, minutes, seed=3)
    shift = time.time() - 60 - times[-1]  # the last point a minute ago: the default 30 days cover them all
    columns = {**columns, 'entry_time': columns['entry_time'] + shift, 'exit_time': columns['exit_time'] + shift}
    data = workdir / 'page'
    fill_store(data / 'oracle.db', columns, times + shift, equity)
    with live_app(data, ORACLE_AUTOSTART='false', ORACLE_SIM_HISTORY_DAYS='0') as base:
        asyncio.run(page_loads(base))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--skip-page', action='store_true', help='without the Chromium page loads')
    parser.add_argument('--page-only', action='store_true', help='only the Chromium page loads')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if not args.page_only:
            bench_analysis()
            bench_pdf(Path(folder))
        if not args.skip_page:
            bench_page(Path(folder))


if __name__ == '__main__':
    main()
