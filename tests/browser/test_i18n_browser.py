"""Languages in a real Chromium: Persian right to left with the chart left to right, German amounts and charts, and
the header's language menu (every page in every language: test_i18n_pages_browser.py)."""

import re

import pytest

from ..liveapp import live_app
from ..sessions import PASSWORD
from .conftest import log_in

GERMAN_MONEY = re.compile(r'^\d{1,3}(\.\d{3})*,\d{2} USDT$')
GERMAN_PRICE = re.compile(r'^\d{1,3}(\.\d{3})*,\d+$')
PRICE_TICKS = (
    "() => [...document.querySelectorAll('.js-plotly-plot .yaxislayer-above .ytick text')].map(t => t.textContent)"
)
MODEBAR = "() => [...document.querySelectorAll('.js-plotly-plot .modebar-btn')].map(b => b.dataset.title)"


@pytest.fixture
def app_url(tmp_path):
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:
        yield base


async def test_persian_is_right_to_left_and_the_chart_left_to_right(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='fa-IR')
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
    await page.get_by_text('معامله آزمایشی', exact=True).wait_for(timeout=20_000)
    document = await page.evaluate('() => [document.documentElement.dir, document.documentElement.lang]')
    assert document == ['rtl', 'fa']
    chart = await page.evaluate("() => getComputedStyle(document.querySelector('.js-plotly-plot')).direction")
    assert chart == 'ltr', 'time runs left to right on the chart in every language'
    header = await page.evaluate("() => getComputedStyle(document.querySelector('.q-header')).direction")
    assert header == 'rtl'


async def test_german_amounts_and_switching_from_the_menu(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='en-US')
    await page.goto(app_url + '/')
    await page.get_by_text('PAPER TRADING', exact=True).wait_for(timeout=20_000)
    await page.locator('.q-header').get_by_role('button').filter(has_text='translate').click()
    await page.get_by_text('Deutsch', exact=True).click()
    await page.get_by_text('PAPER-TRADING', exact=True).wait_for(timeout=20_000)
    await page.get_by_text('Kontostand', exact=True).wait_for()
    await page.get_by_text(GERMAN_MONEY).first.wait_for(timeout=20_000)
    assert await page.evaluate('() => document.documentElement.lang') == 'de'


async def test_a_german_chart_writes_german_numbers_and_plotly_strings(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='de-DE')
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .ytick text', timeout=20_000)
    ticks = await page.evaluate(PRICE_TICKS)
    assert ticks and all(GERMAN_PRICE.match(t) for t in ticks), f'German decimal marks on the price axis: {ticks}'
    assert 'Achsen zurücksetzen' in await page.evaluate(MODEBAR), "plotly's German strings"
    assert await page.evaluate("() => document.querySelector('.js-plotly-plot')._context.locale") == 'de'


async def test_a_persian_chart_has_persian_plotly_strings(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='fa-IR')
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .modebar-btn', state='attached', timeout=20_000)
    titles = await page.evaluate(MODEBAR)
    assert 'بازنشانی محورها' in titles and 'دانلود نمودار به صورت PNG' in titles, titles  # from our catalog
    assert 'Reset axes' not in titles and 'Zoom' not in titles, titles
    assert await page.evaluate("() => document.querySelector('.js-plotly-plot')._context.locale") == 'fa'


async def test_the_chart_symbol_picked_is_kept_when_switching_language(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='en-US')
    await page.goto(app_url + '/')
    await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
    await page.get_by_label('Symbol').click()
    await page.get_by_role('option', name='ETH/USDT').click()
    await page.wait_for_url(re.compile(r'symbol=ETH%2FUSDT'), timeout=10_000)  # the page keeps it in its URL
    await page.locator('.q-header').get_by_role('button').filter(has_text='translate').click()
    await page.get_by_text('Français', exact=True).click()
    await page.get_by_text('TRADING FICTIF', exact=True).wait_for(timeout=20_000)
    field = page.locator('.q-select').filter(has_text='Symbole')
    assert 'ETH/USDT' in await field.inner_text(), 'the French page shows the symbol that was picked'


async def test_the_trades_filters_are_kept_when_switching_language(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='en-US')
    await page.goto(app_url + '/trades')
    await page.get_by_label('Side').click()
    await page.get_by_role('option', name='short').click()
    await page.get_by_label('From (YYYY-MM-DD)').fill('2026-01-02')
    await page.wait_for_url(re.compile(r'side=short.*since=2026-01-02'), timeout=10_000)  # kept in its URL
    await page.locator('.q-header').get_by_role('button').filter(has_text='translate').click()
    await page.get_by_text('Français', exact=True).click()
    await page.get_by_text('TRADING FICTIF', exact=True).wait_for(timeout=20_000)
    assert 'short' in await page.locator('.q-select').filter(has_text='Sens').inner_text()
    typed = await page.locator('input').evaluate_all('inputs => inputs.map(i => i.value)')
    assert '2026-01-02' in typed, 'the French page has the day that was typed'


async def test_what_was_typed_is_kept_when_switching_language(browser, app_url) -> None:
    page = await browser.new_page(viewport={'width': 1440, 'height': 900}, locale='en-US')
    await page.goto(app_url + '/backtest')
    await page.get_by_label('Cash').fill('25000')
    await page.get_by_label('Commission').fill('0.002')
    await page.locator('.q-header').get_by_role('button').filter(has_text='translate').click()
    await page.get_by_text('Deutsch', exact=True).click()
    await page.get_by_text('PAPER-TRADING', exact=True).wait_for(timeout=20_000)
    cash = page.get_by_label('Kapital')
    await cash.wait_for()
    await page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === '25000')")
    assert await cash.input_value() == '25000', 'the German page has what was typed'
    assert await page.get_by_label('Kommission').input_value() == '0.002'


@pytest.fixture
def users_url(tmp_path, accounts):
    """An app with the operator alice and the viewer victor (tests.sessions.PASSWORD)."""
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:
        yield base


async def choose_language(page, name: str) -> None:
    await page.locator('.q-header').get_by_role('button').filter(has_text='translate').click()
    await page.get_by_text(name, exact=True).click()


async def test_a_viewers_and_an_operators_choices_are_their_own_and_follow_them(browser, users_url) -> None:
    english = {'viewport': {'width': 1440, 'height': 900}, 'locale': 'en-US'}
    alice_here, victor, alice_elsewhere = [await browser.new_context(**english) for _ in range(3)]
    operator = await alice_here.new_page()
    await log_in(operator, users_url, 'alice', PASSWORD)
    await choose_language(operator, 'Deutsch')
    await operator.get_by_text('PAPER-TRADING', exact=True).wait_for(timeout=20_000)
    viewer = await victor.new_page()
    await log_in(viewer, users_url, 'victor', PASSWORD)  # an English page: alice's choice is hers
    await viewer.get_by_text('PAPER TRADING', exact=True).wait_for(timeout=20_000)
    await choose_language(viewer, '日本語')
    await viewer.get_by_text('victor · 閲覧者').wait_for(timeout=20_000)
    await operator.reload()
    await operator.get_by_text('PAPER-TRADING', exact=True).wait_for(timeout=20_000)  # not Japanese
    other_device = await alice_elsewhere.new_page()  # an English browser: the choice is kept on the server
    await log_in(other_device, users_url, 'alice', PASSWORD)
    await other_device.get_by_text('PAPER-TRADING', exact=True).wait_for(timeout=20_000)
    assert await other_device.evaluate('() => document.documentElement.lang') == 'de'
    for context in (alice_here, victor, alice_elsewhere):
        await context.close()
