"""A price alert made on the chart in Chromium: a right-click on a price makes it, its line is drawn, dragging the
line moves the alert, and when the price crosses it the page toasts it and the bell counts it."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout

from ..liveapp import live_app
from .test_chart_browser import CHART, chart_page

ALERT_LINES = f"""() => (document.querySelector('{CHART}').layout.shapes || [])
    .filter(s => (s.name || '').startsWith('alert:')).map(s => [s.name, s.y0])"""
PIXEL_OF = f"""(price) => {{ const gd = document.querySelector('{CHART}'); const y = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect(); return box.top + y._offset + y.l2p(price); }}"""


@pytest.fixture
def app_url(tmp_path):
    with live_app(tmp_path / 'data', ORACLE_SPEED='60', ORACLE_SIM_HISTORY_DAYS='1') as base:
        yield base


def last_price(base: str) -> float:
    return httpx.get(base + '/dashboard/api/dashboard-data').json()['market_data']['BTC/USDT']['price']


async def test_an_alert_made_on_the_chart_is_drawn_dragged_and_fires(browser, app_url) -> None:
    page = await chart_page(browser, app_url)
    await page.evaluate(f"() => document.querySelector('{CHART}').scrollIntoView({{block: 'start'}})")
    plot = page.locator(f'{CHART} .nsewdrag').first
    box = await plot.bounding_box()
    x = box['x'] + box['width'] * 0.5
    await page.mouse.click(x, box['y'] + box['height'] * 0.15, button='right')
    await page.get_by_text('Price alert on BTC/USDT at').wait_for(timeout=10_000)
    await page.locator('.q-dialog button', has_text='Create alert').click()
    await page.get_by_text('set: crossing').wait_for(timeout=10_000)
    await page.wait_for_function(f'() => ({ALERT_LINES})().length === 1', timeout=10_000)
    ((name, level),) = await page.evaluate(ALERT_LINES)
    (alert,) = httpx.get(app_url + '/dashboard/api/alerts').json()
    assert name == f'alert:{alert["id"]}' and alert['rule']['value'] == pytest.approx(level, rel=1e-6)
    assert alert['rule']['op'] == 'crosses'

    async def drag_onto_the_price(level: float) -> dict:
        """Select the line, drag it onto the price of the moment; the alert as stored once it moved."""
        for _try in range(5):  # the axis may rescale between reading a pixel and pressing there: then again
            y = await page.evaluate(PIXEL_OF, level)
            if not box['y'] < y < box['y'] + box['height']:  # rescaled off the pane for now
                await page.wait_for_timeout(500)
                continue
            await page.mouse.move(x, y)
            await page.mouse.down()  # live redraws wait while the pointer is down: the axis holds still
            await page.mouse.move(x, await page.evaluate(PIXEL_OF, last_price(app_url)), steps=12)
            await page.mouse.up()
            for _poll in range(25):
                stored = httpx.get(app_url + f'/dashboard/api/alerts/{alert["id"]}').json()
                if stored['rule']['value'] != level:
                    return stored
                await page.wait_for_timeout(200)
        raise AssertionError('the line could not be dragged')

    moved = await drag_onto_the_price(level)
    await page.get_by_text(f'alert "{alert["name"]}" moved to').first.wait_for(timeout=10_000)
    await page.wait_for_function(
        f'(v) => ({ALERT_LINES})().some(([, y]) => Math.abs(y - v) < 1e-6)', arg=moved['rule']['value'], timeout=10_000
    )
    fired = page.get_by_text(f'WARNING · {alert["name"]}: BTC/USDT crossed')
    for _attempt in range(4):  # the market crosses a line at its price within seconds, unless it runs away first
        try:
            await fired.first.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            moved = await drag_onto_the_price(moved['rule']['value'])
    await fired.first.wait_for(timeout=1_000)
    await page.locator('[data-testid=alert-count], .q-badge', has_text='1').first.wait_for(timeout=10_000)
    history = httpx.get(app_url + '/dashboard/api/alerts/history').json()
    assert history['unread'] >= 1 and history['triggers'][-1]['alert_id'] == alert['id']
