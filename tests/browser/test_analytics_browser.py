"""/analytics in Chromium on a bot that replayed the 1-minute BTC sample: the figures, the monthly heatmap drawn as
SVG cells, the charts drawn, and the side filter changing what is shown."""

from __future__ import annotations

import httpx
import pytest

from oracle_ui.backtest import sample_files

from ..helpers import eventually
from ..liveapp import live_app


@pytest.fixture
def app_url(tmp_path):
    with live_app(
        tmp_path / 'data',
        ORACLE_FEED=f'replay:{sample_files()["BTCUSDT_sim_1m.csv"]}',
        ORACLE_SYMBOLS='BTC/USDT',
        ORACLE_SPEED='max',
        ORACLE_STRATEGY='regime',
        ORACLE_RISK__SIZING='risk',
        ORACLE_RISK__MAX_DAILY_LOSS_PCT='100',
    ) as base:
        yield base


def replay_ended(base: str) -> bool:
    return httpx.get(base + '/dashboard/api/system-status').json()['feed']['status'] == 'ended'


async def test_analytics_with_filters_and_the_heatmap(browser, app_url) -> None:
    await eventually(lambda: replay_ended(app_url), 180, 'the replay to end')  # a first run compiles too
    stats = httpx.get(app_url + '/dashboard/api/analytics', params={'period': 'all'}).json()
    sides = {r['key']: r['trades'] for r in stats['groups']['side']}
    assert set(sides) == {'long', 'short'}, sides
    page = await browser.new_page(viewport={'width': 1440, 'height': 1000})
    await page.goto(app_url + '/analytics')
    await page.get_by_label('Period').click()
    await page.get_by_role('option', name='all', exact=True).click()
    trades = page.locator('.q-card', has=page.get_by_text('Closed trades', exact=True)).first
    await trades.get_by_text(f'{stats["metrics"]["trades"]:,}', exact=True).wait_for(timeout=10_000)
    cells = page.locator('svg.heatmap rect.cell')
    await cells.first.wait_for(timeout=10_000)
    assert await cells.count() == len(stats['series']['monthly_returns']) == 1
    fill = await cells.first.get_attribute('fill')
    month = stats['series']['monthly_returns'][0]['return_pct']
    assert fill == ('#16a34a' if month >= 0 else '#dc2626'), 'green up, red down'
    # the breakdown's charts draw when they come into view (the page may redraw meanwhile: scroll until drawn)
    await page.wait_for_function(
        '() => { window.scrollTo(0, document.body.scrollHeight);'
        " return [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter((plot) => plot.querySelector('.main-svg')).length >= 2; }",
        timeout=10_000,
    )
    await page.get_by_label('Side').click()
    await page.get_by_role('option', name='short', exact=True).click()
    await trades.get_by_text(f'{sides["short"]:,}', exact=True).wait_for(timeout=10_000)
    await page.get_by_text('equity: filtered trades').wait_for(timeout=5_000)
    await page.close()
