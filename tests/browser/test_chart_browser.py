"""The price chart in Chromium: history loads as the user pans back, every timeframe reaches its first candle,
position levels come and go with the position, exits are marked live, and indicator choices persist."""

from __future__ import annotations

import contextlib

import httpx
import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout

from components.chart_history import WINDOW_CANDLES

from ..liveapp import live_app

CHART = '.js-plotly-plot'
FIRST_AND_COUNT = f"""() => {{ const plot = document.querySelector('{CHART}');
    return plot && plot.data ? [plot.data[0].x[0], plot.data[0].x.length] : null; }}"""


async def pan_back(page) -> None:
    """Drag the price pane to the right with the pan tool, as a user looking at older candles does: as far as the
    first loaded candle, or a whole pane's width."""
    plot = page.locator(f'{CHART} .nsewdrag').first
    await page.locator(CHART).first.hover()  # scrolls the chart into view (it starts below the account)
    box = await plot.bounding_box()
    await page.locator(f'{CHART} [data-title="Pan"]').first.click()
    left = await page.evaluate(f"""() => {{ const gd = document.querySelector('{CHART}');
        const px = gd._fullLayout.xaxis.d2p(gd.data[0].x[0]); return Math.max(0, Math.min(px, 10000)); }}""")
    start_x = box['x'] + 5
    end_x = box['x'] + min(box['width'] - 5, max(box['width'] / 2, box['width'] - left))
    y = box['y'] + box['height'] / 2
    await page.mouse.move(start_x, y)
    await page.mouse.down()
    await page.mouse.move(end_x, y, steps=8)
    await page.mouse.up()


async def pan_forward(page) -> None:
    """Drag the price pane to the left, as a user coming back towards the newest candles does."""
    plot = page.locator(f'{CHART} .nsewdrag').first
    box = await plot.bounding_box()
    await page.locator(CHART).first.hover()
    y = box['y'] + box['height'] / 2
    await page.mouse.move(box['x'] + box['width'] - 5, y)
    await page.mouse.down()
    await page.mouse.move(box['x'] + 5, y, steps=8)
    await page.mouse.up()


@pytest.fixture
def app_url(tmp_path):
    params = '{"fast": 2, "slow": 3}'  # trades every few candles, so positions come and go
    with live_app(
        tmp_path / 'data',
        ORACLE_SPEED='60',
        ORACLE_SIM_HISTORY_DAYS='2',
        ORACLE_STRATEGY='sma_cross',
        ORACLE_STRATEGY_PARAMS=params,
    ) as base:
        yield base


async def chart_page(browser_or_context, url: str):
    """The dashboard, drawn and live, in a new page of a browser (1440 x 900) or of a context."""
    is_browser = hasattr(browser_or_context, 'new_context')
    viewport = {'viewport': {'width': 1440, 'height': 900}} if is_browser else {}
    page = await browser_or_context.new_page(**viewport)
    await page.goto(url + '/')
    # the price chart comes first; while a fresh start stores its history it waits for candles (no plot yet)
    await page.wait_for_function(
        f"() => document.querySelector('{CHART}')?.data?.[0]?.type === 'candlestick'", timeout=60_000
    )
    await page.get_by_text('link: live').wait_for(timeout=20_000)
    return page


Y_FITS_THE_VIEW = f"""() => {{ const gd = document.querySelector('{CHART}');
    const [start, end] = gd._fullLayout.xaxis.range;
    const values = [];
    for (const trace of gd.data) {{
        if ((trace.yaxis || 'y') !== 'y' || trace.name === 'forming' || trace.visible === false || !trace.x) continue;
        const columns = trace.type === 'candlestick' ? [trace.low, trace.high] : [trace.y];
        trace.x.forEach((x, i) => {{ if (x >= start && x <= end) for (const c of columns)
            if (c && c[i] !== null && c[i] !== undefined && !Number.isNaN(c[i])) values.push(c[i]); }});
    }}
    const low = Math.min(...values), high = Math.max(...values);
    const [bottom, top] = gd._fullLayout.yaxis.range;
    return bottom <= low && top >= high && top - bottom <= (high - low) * 1.2; }}"""
"""The price axis spans what the price pane shows in view (candles and overlay lines), padded — not all the
candles held."""


async def test_panning_back_loads_older_candles_until_the_first_stored_one(browser, app_url) -> None:
    page = await chart_page(browser, app_url)
    first, count = await page.evaluate(FIRST_AND_COUNT)
    assert 300 <= count <= 303, 'the newest 300 candles (and any closed since the page opened)'
    await pan_back(page)
    await page.wait_for_function(f'(before) => ({FIRST_AND_COUNT})()[0] < before', arg=first, timeout=10_000)
    older = await page.evaluate(
        f"(first) => document.querySelector('{CHART}').data[0].x.filter(t => t < first).length", first
    )
    assert older >= 500 and older % 500 == 0, 'whole pages of older candles (a page and the prefetched next)'
    times = await page.evaluate(f"() => document.querySelector('{CHART}').data[0].x")
    assert len(times) == len(set(times)) and times == sorted(times), 'nothing sent twice, in order'
    await page.wait_for_function(Y_FITS_THE_VIEW, timeout=5_000)  # fitted in the redraw that added the last page
    stored = httpx.get(app_url + '/dashboard/api/candles', params={'symbol': 'BTC/USDT', 'limit': 5000}).json()
    offset = await page.evaluate('() => new Date().getTimezoneOffset() * 60')
    oldest = stored['candles'][0]['time']
    shown_first = '(t) => new Date(t.replace(" ", "T") + "Z").getTime() / 1000'
    for _drag in range(30):  # two days of minutes: a few more pages, each once less than a screen is left
        before = (await page.evaluate(FIRST_AND_COUNT))[0]
        if await page.evaluate(shown_first, before) + offset == oldest:
            break
        await pan_back(page)
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_function(f'(b) => ({FIRST_AND_COUNT})()[0] < b', arg=before, timeout=8_000)
    times = await page.evaluate(f"() => document.querySelector('{CHART}').data[0].x")
    assert await page.evaluate(shown_first, times[0]) + offset == oldest, 'panned back to the first stored candle'
    assert len(times) == len(set(times)), 'no candle twice'
    assert len(times) <= WINDOW_CANDLES < len(stored['candles']), 'the newest were dropped to stay within the window'
    newest = httpx.get(app_url + '/dashboard/api/candles', params={'symbol': 'BTC/USDT', 'limit': 1}).json()
    for _drag in range(30):  # forward again: the dropped candles come back, up to the newest stored
        last = await page.evaluate(f"() => document.querySelector('{CHART}').data[0].x.at(-1)")
        if await page.evaluate(shown_first, last) + offset >= newest['candles'][-1]['time']:
            break
        await pan_forward(page)
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_function(
                f"(l) => document.querySelector('{CHART}').data[0].x.at(-1) > l", arg=last, timeout=8_000
            )
    times = await page.evaluate(f"() => document.querySelector('{CHART}').data[0].x")
    assert await page.evaluate(shown_first, times[-1]) + offset >= newest['candles'][-1]['time'], 'back to the newest'
    assert len(times) == len(set(times)) <= WINDOW_CANDLES and times == sorted(times)


async def test_every_timeframe_reaches_back_to_its_first_candle(browser, app_url) -> None:
    page = await chart_page(browser, app_url)
    for timeframe in ('5m', '15m', '1h', '4h'):
        await page.get_by_label('Timeframe').click()
        await page.get_by_role('option', name=timeframe, exact=True).click()
        stored = httpx.get(
            app_url + '/dashboard/api/candles', params={'symbol': 'BTC/USDT', 'timeframe': timeframe, 'limit': 5000}
        ).json()['candles']
        await page.wait_for_function(
            f'(n) => ({FIRST_AND_COUNT})() && ({FIRST_AND_COUNT})()[1] >= n', arg=min(len(stored), 300), timeout=10_000
        )
        if len(stored) > 300:
            await pan_back(page)
        await page.wait_for_function(f'(n) => ({FIRST_AND_COUNT})()[1] >= n', arg=len(stored), timeout=10_000)


LEVELS = f"""() => document.querySelector('{CHART}').layout.shapes.slice(2).map(s => s.label && s.label.text)"""
EXITS = f"""() => document.querySelector('{CHART}').data.find(t => t.name === 'exits').text"""


async def stopped_with_a_position(page, api: str, symbol: str) -> dict:
    """Wait for the bot to open a position on ``symbol`` and stop it (no new position while we look); a position
    the strategy closed just before the stop took effect is waited out with the bot started again."""
    for _ in range(120):
        positions = {p['symbol']: p for p in httpx.get(api + '/dashboard-data').json()['positions']}
        if symbol in positions:
            httpx.post(api + '/bot-control/stop').raise_for_status()
            positions = {p['symbol']: p for p in httpx.get(api + '/dashboard-data').json()['positions']}
            if symbol in positions:
                return positions[symbol]
            httpx.post(api + '/bot-control/start').raise_for_status()
        await page.wait_for_timeout(500)
    raise AssertionError(f'no position on {symbol} within a minute')


async def test_levels_follow_the_position_and_its_exit_is_marked_at_once(browser, app_url) -> None:
    page = await chart_page(browser, app_url)
    position = await stopped_with_a_position(page, app_url + '/dashboard/api', 'BTC/USDT')
    await page.wait_for_function(f'() => ({LEVELS})().some(t => t && t.startsWith("entry"))', timeout=10_000)
    row = page.locator('tr', has_text='BTC/USDT').filter(has=page.get_by_role('button', name='Close', exact=True))
    await row.get_by_role('button', name='Close', exact=True).click()
    await page.get_by_role('dialog').get_by_role('button', name='Close', exact=True).click()
    await page.wait_for_function(f'() => ({LEVELS})().length === 0', timeout=2_000)
    await page.wait_for_function(
        f'(id) => ({EXITS})().some(t => t.startsWith("#" + id + " "))', arg=position['id'], timeout=2_000
    )


async def test_chosen_indicators_survive_a_reload_and_another_browser(browser, app_url) -> None:
    page = await chart_page(browser, app_url)
    await page.get_by_role('button', name='Indicators').click()
    await page.get_by_label('Indicator').click()
    ema_period = await page.get_by_label('period').evaluate('(input) => input.closest("[id^=c]").id')
    await page.get_by_role('option', name='SMA', exact=True).click()
    # the server redraws the parameters for the new kind: typing before that would go to the field it replaces
    await page.wait_for_function(
        '(old) => { const input = [...document.querySelectorAll("label")].find(l => l.innerText.includes("period"));'
        ' return input && input.closest("[id^=c]").id !== old; }',
        arg=ema_period,
    )
    await page.get_by_label('period').fill('33')
    await page.get_by_role('button', name='Add').click()
    names = f"() => document.querySelector('{CHART}').data.map(t => t.name)"
    await page.wait_for_function(f'() => ({names})().includes("SMA 33")', timeout=10_000)
    await page.reload()
    await page.wait_for_function(
        f'() => document.querySelector("{CHART}") && ({names})().includes("SMA 33")', timeout=20_000
    )
    other = await browser.new_context(viewport={'width': 1440, 'height': 900})  # another device: only the server
    elsewhere = await chart_page(other, app_url)
    await elsewhere.wait_for_function(f'() => ({names})().includes("SMA 33")', timeout=10_000)
    await other.close()
