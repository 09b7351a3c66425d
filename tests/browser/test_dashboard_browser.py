"""The dashboard in a real Chromium (Debian's, driven by Playwright; no browser download)."""

import httpx
import pytest

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from ..liveapp import live_app
from .conftest import CHROMIUM

pytestmark = pytest.mark.skipif(not CHROMIUM, reason='no chromium on this machine')


@pytest.fixture
def app_url(tmp_path):
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:
        yield base


async def test_live_prices_stop_and_the_api_agrees(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
    await page.get_by_text('link: live').wait_for(timeout=20_000)
    price = page.locator('[data-price="BTC/USDT"]')
    first = await price.text_content()
    assert first and float(first.replace(',', '')) > 1000
    await page.wait_for_function(
        '(before) => document.querySelector(\'[data-price="BTC/USDT"]\').textContent !== before',
        arg=first,
        timeout=20_000,
    )
    await page.get_by_role('button', name='Stop').click()
    await page.get_by_text('Stop the bot?').wait_for()
    await page.get_by_role('button', name='Stop').last.click()
    await page.get_by_text('bot: stopped').wait_for(timeout=20_000)
    data = httpx.get(app_url + '/dashboard/api/dashboard-data').json()
    assert data['bot_status'] == 'stopped'


CANDLES_SHOWN = """() => { const plot = document.querySelector('.js-plotly-plot');
    return plot && plot.data ? plot.data[0].x.length + '|' + plot.data[0].x.at(-1) : null; }"""


async def test_the_chart_draws_history_then_grows_with_live_candles(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
    assert await page.locator('.js-plotly-plot .boxlayer .trace path').count() > 0
    before = await page.evaluate(CANDLES_SHOWN)
    assert int(before.split('|')[0]) >= 100
    await page.wait_for_function(f'(before) => ({CANDLES_SHOWN})() !== before', arg=before, timeout=20_000)
    assert (await page.evaluate(CANDLES_SHOWN)).split('|')[1] > before.split('|')[1]  # a later candle
    forming_in_view = """() => { const plot = document.querySelector('.js-plotly-plot');
        const [body, wick] = plot.layout.shapes; const [start, end] = plot._fullLayout.xaxis.range;
        return body.visible !== false && wick.x0 > plot.data[0].x.at(-1) && start <= wick.x0 && wick.x0 <= end; }"""
    await page.wait_for_function(forming_in_view, timeout=10_000)  # the candle still forming, right of the rest


TICK_FILL = "() => getComputedStyle(document.querySelector('.js-plotly-plot .ytick text')).fill"


async def test_chart_text_follows_the_light_and_dark_theme(browser, app_url) -> None:
    page = await browser.new_page()
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .ytick text', timeout=20_000)
    assert await page.evaluate(TICK_FILL) == 'rgb(203, 213, 225)'  # light axis labels on the dark page
    await page.locator('button', has_text='contrast').click()
    await page.wait_for_function(
        f"() => document.body.classList.contains('body--light') && ({TICK_FILL})() === 'rgb(51, 65, 85)'",
        timeout=10_000,
    )


async def test_a_backtest_chart_appears_after_the_page_has_loaded(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(app_url + '/backtest')
    await page.get_by_text('Run backtest').click()
    await page.get_by_text('47 trades (46 closed)').wait_for(timeout=30_000)
    assert await page.locator('.js-plotly-plot .main-svg').count() >= 2  # equity and price
    assert await page.locator('.js-plotly-plot .boxlayer .trace path').count() > 0


async def test_the_events_feed_shows_text_filters_and_pauses(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900})
    await page.goto(app_url + '/')
    await page.get_by_text('link: live').wait_for(timeout=20_000)

    def emit(message: str) -> None:
        httpx.post(
            app_url + '/dashboard/api/emit-test-event',
            json={'type': 'notification', 'data': {'message': message, 'level': 'info'}},
        ).raise_for_status()

    def row(text: str):
        return page.locator('[data-topic="notifications"]', has_text=text)

    emit(HOSTILE + ' drill-1')
    await row('drill-1').wait_for(timeout=10_000)
    assert HOSTILE in await row('drill-1').inner_text()
    assert await page.evaluate('() => window.pwned === undefined && !document.querySelector("img[src=x]")')
    chip = page.locator('.q-chip', has_text='notifications')
    await chip.click()
    await row('drill-1').wait_for(state='detached')
    await chip.click()
    await row('drill-1').wait_for()
    await page.get_by_role('button', name='Pause').click()
    emit('drill-2')
    await page.get_by_text('notification: drill-2').first.wait_for()  # the toast comes; the feed holds the row
    assert await row('drill-2').count() == 0
    await page.get_by_role('button', name='Resume').click()
    await row('drill-2').wait_for()


async def test_trades_and_events_pages_open(browser, app_url) -> None:
    page = await browser.new_page()
    await page.goto(app_url + '/trades')
    await page.get_by_text('Export CSV').wait_for()
    await page.get_by_text('page 1 of').wait_for()
    await page.goto(app_url + '/events')
    await page.get_by_text('Every stored event').wait_for()
    await page.locator('tbody tr').first.wait_for()
    assert await page.locator('tbody tr').count() > 0


# What each page shows once it is drawn. ('networkidle' is no signal: a live dashboard may never go quiet.)
DRAWN = {
    '/': '.js-plotly-plot .main-svg',
    '/trades': 'text=page 1 of',
    '/events': 'tbody tr',
    '/backtest': 'text=Run backtest',
    '/settings': 'text=Symbols (from the next start)',
}


@pytest.mark.parametrize('width', [375, 768, 1440])
async def test_no_horizontal_overflow(browser, app_url, width) -> None:
    page = await browser.new_page(viewport={'width': width, 'height': 800})
    for path, drawn in DRAWN.items():
        await page.goto(app_url + path)
        await page.locator(drawn).first.wait_for(timeout=20_000)
        await page.evaluate('() => document.fonts.ready.then(() => new Promise(requestAnimationFrame))')
        overflow = await page.evaluate('() => document.documentElement.scrollWidth - window.innerWidth')
        assert overflow <= 1, f'{path} at {width} px overflows by {overflow} px'


HOSTILE = '<img src=x onerror="window.pwned=1">'


async def test_login_hostile_names_render_as_text_and_the_policy_blocks_nothing(browser, tmp_path) -> None:
    store = Store(tmp_path / 'data' / 'oracle.db')
    Accounts(store.engine).add_user('alice', 'correct horse battery staple', Role.OPERATOR)
    store.close()
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:
        page = await browser.new_page()
        violations: list[str] = []
        page.on('console', lambda m: violations.append(m.text) if 'Content Security Policy' in m.text else None)
        response = await page.goto(base + '/')
        assert page.url.startswith(base + '/login')
        assert "frame-ancestors 'none'" in response.headers['content-security-policy']
        await page.get_by_label('Username').fill(HOSTILE)
        await page.get_by_label('Password').fill('whatever it is')
        await page.get_by_role('button', name='Log in').click()
        await page.get_by_text('invalid username or password').wait_for()
        await page.get_by_label('Username').fill('alice')
        await page.get_by_label('Password').fill('correct horse battery staple')
        await page.get_by_role('button', name='Log in').click()
        await page.get_by_text('alice · operator').wait_for(timeout=20_000)
        await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
        cookies = {c['name']: c for c in await page.context.cookies()}
        assert cookies['session']['httpOnly'] and cookies['session']['sameSite'] == 'Lax'
        await page.goto(base + '/events')
        await page.get_by_text(f'{HOSTILE[:40]}').first.wait_for(timeout=20_000)  # the failed login, as text
        assert await page.evaluate('() => window.pwned === undefined && !document.querySelector("img[src=x]")')
        await page.goto(base + '/settings')
        await page.get_by_label('Symbols').fill(HOSTILE)
        await page.get_by_role('button', name='Save symbols').click()
        await page.get_by_text(f"invalid symbol '{HOSTILE}'", exact=False).wait_for()
        assert await page.evaluate('() => window.pwned === undefined && !document.querySelector("img[src=x]")')
        for path in ('/trades', '/backtest'):
            await page.goto(base + path)
            await page.locator(DRAWN[path]).first.wait_for(timeout=20_000)
        assert violations == []
