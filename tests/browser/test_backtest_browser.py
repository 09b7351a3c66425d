"""The backtest chart in Chromium spans the whole file: its first candle is the CSV's first bar, every trade's
markers are drawn, and zooming in loads every bar of the visible range from the server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oracle_ui.backtest import sample_files
from oracle_ui.engine.bars import load_bars

from ..liveapp import live_app

PRICE_PLOT = """() => [...document.querySelectorAll('.js-plotly-plot')].find(
    (gd) => gd.data && gd.data[0] && gd.data[0].type === 'candlestick')"""
SUMMARY = f"""() => {{ const gd = ({PRICE_PLOT})(); if (!gd) return null;
    const trace = (name) => gd.data.findIndex((t) => t.name === name);
    const scatters = gd._fullData.filter((t) => t.type === 'scatter');
    const drawn = (name) => gd.querySelectorAll(
        `.scatterlayer .trace:nth-child(${{scatters.findIndex((t) => t.name === name) + 1}}) .point`).length;
    return {{ candles: gd.data[0].x.length, first: gd.data[0].x[0], last: gd.data[0].x[gd.data[0].x.length - 1],
              entries: gd.data[trace('entries')].x.length, exits: gd.data[trace('exits')].x.length,
              entriesDrawn: drawn('entries'), exitsDrawn: drawn('exits') }}; }}"""


@pytest.fixture
def app_url(tmp_path):
    with live_app(tmp_path / 'data', ORACLE_AUTOSTART='false', ORACLE_SIM_HISTORY_DAYS='0', TZ='UTC') as base:
        yield base


async def run_backtest_of(page, base: str, sample: str) -> dict:
    await page.goto(base + '/backtest')
    await page.get_by_label('Data').click()
    await page.get_by_role('option', name=f'sample: {sample}').click()
    await page.get_by_role('button', name='Run backtest').click()
    await page.get_by_text('bars in').wait_for(timeout=60_000)
    await page.wait_for_function(f'() => ({SUMMARY})() && ({SUMMARY})().entriesDrawn > 0', timeout=30_000)
    return await page.evaluate(SUMMARY)


@pytest.mark.parametrize(('sample', 'trades', 'closed'), [('GOOG_daily.csv', 47, 46), ('BTCUSDT_sim_1m.csv', 144, 144)])
async def test_the_chart_spans_the_whole_file_with_every_trade(browser, app_url, sample, trades, closed) -> None:
    bars = load_bars(sample_files()[sample])
    page = await browser.new_page(viewport={'width': 1440, 'height': 1000}, timezone_id='UTC')
    shown = await run_backtest_of(page, app_url, sample)
    first_bar = page_time(bars.time[0])
    assert shown['first'] == first_bar, 'the first candle is the first bar of the CSV'
    step = -(-len(bars) // 2000)
    assert shown['candles'] == -(-len(bars) // step), 'the whole file, decimated on the server'
    assert shown['last'] == page_time(bars.time[(len(bars) - 1) // step * step])
    assert (shown['entries'], shown['exits']) == (trades, closed)
    assert (shown['entriesDrawn'], shown['exitsDrawn']) == (trades, closed), 'every marker drawn'

    # zoom into a stretch of 300 bars: every bar of it comes from the server, one candle each
    start, end = page_time(bars.time[1000]), page_time(bars.time[1299])
    await page.evaluate(
        f"([a, b]) => Plotly.relayout(({PRICE_PLOT})(), {{'xaxis.range[0]': a, 'xaxis.range[1]': b}})", [start, end]
    )
    detail = f"""([a, b]) => ({PRICE_PLOT})().data[0].x.filter((x) => x >= a && x <= b).length"""
    await page.wait_for_function(f'(range) => ({detail})(range) === 300', arg=[start, end], timeout=10_000)
    await page.evaluate(f"() => Plotly.relayout(({PRICE_PLOT})(), {{'xaxis.autorange': true}})")
    await page.wait_for_function(
        f'(count) => ({PRICE_PLOT})().data[0].x.length === count', arg=shown['candles'], timeout=10_000
    )
    await page.close()


def page_time(seconds: float) -> str:
    """How the chart names a bar's time for a viewer in UTC."""
    return datetime.fromtimestamp(float(seconds), UTC).strftime('%Y-%m-%d %H:%M:%S')
