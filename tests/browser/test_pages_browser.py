"""Pages in a real Chromium: the phone layout, where toasts go, coloured PnL, sorting by a header click, readable
axes, trade markers in both themes, and a search that waits for typing to pause."""

import re
import time

import httpx
import pytest

from ..helpers import GOOG_SAMPLE
from ..liveapp import live_app

PHONE = {'width': 375, 'height': 800}
GREEN, RED = 'rgb(22, 163, 74)', 'rgb(220, 38, 38)'


@pytest.fixture
def app_url(tmp_path):
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:
        yield base


@pytest.fixture
def replayed_url(tmp_path):
    """600 GOOG days replayed at full speed by a fast SMA cross: ~40 trades with PnL of both signs."""
    csv_path = tmp_path / 'goog.csv'
    csv_path.write_text(''.join(GOOG_SAMPLE.read_text().splitlines(keepends=True)[:601]))
    env = {'FEED': f'replay:{csv_path}', 'SPEED': 'max', 'SYMBOLS': 'GOOG/USD', 'TIMEFRAME': '1d'}
    env |= {'STRATEGY': 'sma_cross', 'STRATEGY_PARAMS': '{"fast": 3, "slow": 8}'}
    with live_app(tmp_path / 'data', **{f'ORACLE_{k}': v for k, v in env.items()}) as base:
        for _ in range(300):  # the replay ends within seconds
            if 'replayed to the end' in httpx.get(base + '/dashboard/api/dashboard-data').json()['bot']['feed_message']:
                break
            time.sleep(0.1)
        yield base


TOAST_BOXES = """() => {
    const toasts = [...document.querySelectorAll('.q-notification')];
    const account = [...document.querySelectorAll('.q-card')].find((card) => card.innerText.includes('Balance'));
    const header = document.querySelector('.q-header');
    if (!toasts.some((toast) => toast.innerText.includes('toast drill')) || !account || !header) return null;
    const rect = (element) => {
        const r = element.getBoundingClientRect();
        return {x: r.x, y: r.y, width: r.width, height: r.height};
    };
    return {toasts: toasts.map(rect), header: rect(header), account: rect(account)};
}"""
"""Every toast's, the header's and the account card's boxes in one frame, or null until the drill's toast is shown
(the simulated market may raise toasts of its own at the same time)."""


async def box(page, selector: str) -> dict:
    element = page.locator(selector).first
    await element.wait_for(timeout=20_000)
    return await element.bounding_box()


async def test_on_a_phone_the_account_comes_first_and_a_position_card_has_a_reachable_close(browser, app_url) -> None:
    page = await browser.new_page(viewport=PHONE)
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
    balance, cpu = await box(page, '.q-card:has-text("Balance")'), await box(page, '.q-card:has-text("CPU")')
    assert balance['y'] + balance['height'] <= PHONE['height'], 'balance on the first screen'
    assert balance['y'] < cpu['y'], 'the account before the machine health'
    card = page.locator('[data-position]').first
    await card.wait_for(timeout=90_000)  # the first position of the simulated market
    assert not await page.locator('.q-table:has(th:has-text("Mark"))').first.is_visible(), 'cards, not a table'
    close = card.get_by_role('button', name='Close')
    found = await close.bounding_box()
    assert found and found['x'] >= 0 and found['x'] + found['width'] <= PHONE['width'], 'Close within the screen'
    await close.click()
    await page.get_by_text('Close the').first.wait_for()
    await page.get_by_role('button', name='Close').last.click()
    await page.get_by_text(re.compile(r'closed 1 position|no open position')).first.wait_for(timeout=10_000)
    overflow = await page.evaluate('() => document.documentElement.scrollWidth - window.innerWidth')
    assert overflow <= 1


@pytest.mark.parametrize('width', [375, 768, 1440])
async def test_toasts_cover_neither_the_header_nor_the_account(browser, app_url, width) -> None:
    page = await browser.new_page(viewport={'width': width, 'height': 800})
    await page.goto(app_url + '/')
    await page.get_by_text('link: live').wait_for(timeout=20_000)
    for n in range(3):
        event = {'type': 'notification', 'data': {'message': f'toast drill {n}', 'level': 'warning'}}
        httpx.post(app_url + '/dashboard/api/emit-test-event', json=event).raise_for_status()
    await page.locator('.q-notification__badge', has_text='3').first.wait_for(timeout=10_000)  # one, counting
    # measured in the same frame the single toast is seen in (a toast leaves after a few seconds)
    boxes = await (await page.wait_for_function(TOAST_BOXES, timeout=10_000)).json_value()
    header, account = boxes['header'], boxes['account']
    for toast in boxes['toasts']:
        assert toast['y'] >= header['y'] + header['height'], 'below the header (bot state, navigation)'
        assert toast['y'] >= account['y'] + account['height'] or toast['x'] >= account['x'] + account['width'] / 2


async def test_trades_sort_by_a_header_click_as_numbers_and_colour_pnl(browser, replayed_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(replayed_url + '/trades')
    await page.get_by_text('page 1 of 2').wait_for(timeout=20_000)
    await page.locator('th', has_text='PnL').click()
    await page.locator('.q-select', has_text='PnL, worst first').wait_for()  # the menu follows the header
    await page.locator('th.sorted', has_text='PnL').wait_for()
    cells = page.locator('tbody td:nth-child(8)')
    texts = await cells.all_inner_texts()
    values = [float(t.replace(',', '')) for t in texts if t != '—']
    assert values == sorted(values) and values[0] < 0, 'numbers in order, losses first'
    colours = await cells.evaluate_all('cells => cells.map(c => [c.innerText, getComputedStyle(c).color])')
    assert {colour for text, colour in colours if text.startswith('-')} == {RED}
    assert {colour for text, colour in colours if text.startswith('+') and text != '+0.00'} <= {GREEN}
    await page.locator('th', has_text='PnL').click()
    await page.locator('.q-select', has_text='PnL, best first').wait_for()
    texts = await cells.all_inner_texts()
    values = [float(t.replace(',', '')) for t in texts if t != '—']
    assert values == sorted(values, reverse=True) and values[0] > 0


MARKER_STROKES = """() => [...document.querySelectorAll('.js-plotly-plot .scatterlayer .trace .points path')]
    .map(p => p.style.stroke).filter(s => s)"""


async def test_axes_read_as_numbers_and_trade_markers_stand_out_in_both_themes(browser, replayed_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(replayed_url + '/')
    equity = page.locator('.js-plotly-plot').nth(1)
    await equity.locator('.ytick text').first.wait_for(timeout=20_000)
    ticks = await equity.locator('.ytick text').evaluate_all('texts => texts.map(t => t.textContent)')
    assert ticks and all(re.fullmatch(r'-?[\d,]+\.\d\d', t) for t in ticks), ticks  # 9,999.80, not 9.9998k
    await page.wait_for_function(f'() => ({MARKER_STROKES})().length > 0', timeout=20_000)
    assert set(await page.evaluate(MARKER_STROKES)) == {'rgb(248, 250, 252)'}  # light outlines on the dark page
    await page.locator('button', has_text='contrast').click()
    await page.wait_for_function(
        f"() => document.body.classList.contains('body--light') && "
        f"({MARKER_STROKES})().every(s => s === 'rgb(15, 23, 42)')",
        timeout=10_000,
    )


COUNT_EMITS = """() => { window.emits = 0; const emit = window.socket.emit.bind(window.socket);
    window.socket.emit = (...args) => { if (args[0] === 'event') window.emits += 1; return emit(...args); }; }"""


async def test_the_events_search_runs_once_typing_pauses(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    httpx.post(app_url + '/dashboard/api/bot-control/stop').raise_for_status()  # a stored event to find
    await page.goto(app_url + '/events')
    await page.locator('tbody tr').first.wait_for(timeout=20_000)
    await page.get_by_text('link: live').wait_for(timeout=20_000)
    await page.evaluate(COUNT_EMITS)
    await page.get_by_label('Search (as you type)').press_sequentially('stopped', delay=40)
    await page.wait_for_function(
        "() => [...document.querySelectorAll('tbody tr')].every(r => r.innerText.includes('stop'))", timeout=10_000
    )
    assert await page.evaluate('() => window.emits') == 1, 'one search after the last key, none per key'
