"""Every page in every language in a real Chromium, as an operator: nothing wider than the window (German's long
words, Persian right to left), Persian's navigation mirrored, Quasar's own strings translated, and no visible text
that skipped the catalog (the pseudo-locale walk) or stayed English (each shipped locale)."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.async_api import Browser, Page

from oracle_ui import i18n
from oracle_ui.events.types import EventType
from oracle_ui.i18n.catalog import LOCALE_DIR, translations
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from ..liveapp import live_app

OPERATOR, PASSWORD = 'alice', 'correct horse battery staple'
PAGES = ('/', '/events', '/trades', '/alerts', '/analytics', '/backtest', '/settings')
"""Every page behind the login (the login page itself is walked before logging in)."""
BROWSER_LOCALES = {'de': 'de-DE', 'es': 'es-ES', 'fr': 'fr-FR', 'zh_CN': 'zh-CN', 'ja': 'ja-JP', 'fa': 'fa-IR'}

OVERFLOW = """() => { const over = (e) => (e ? e.scrollWidth - e.clientWidth : 0);
    return Math.max(over(document.documentElement), over(document.querySelector('.q-header'))); }"""
"""How far the page, or its fixed header (which clips instead of scrolling), is wider than the window."""
VISIBLE_TEXT = """() => {
    const texts = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const element = node.parentElement;
        if (!text || !element || element.closest('script, style, noscript, .q-icon, .material-icons')) continue;
        if (!element.getClientRects().length || !element.checkVisibility({ visibilityProperty: true })) continue;
        texts.add(text);
    }
    for (const field of document.querySelectorAll('input[placeholder], textarea[placeholder]'))
        if (field.getClientRects().length && field.placeholder.trim()) texts.add(field.placeholder.trim());
    return [...texts];
}"""
"""The text a person sees on the page now: text nodes of rendered elements (charts' SVG text too) and the
placeholders of fields; icon ligatures (``dashboard``, ``translate``) are glyphs, not text."""

PSEUDO_SPAN = re.compile(r'\[[^\[\]]*\]')
"""A message that went through the pseudo-locale's catalog: accented and bracketed."""
WORD = re.compile(r'[A-Za-z]{2,}')
DATA_WORDS = frozenset({'Oracle', 'Trader', OPERATOR, 'BTC', 'ETH', 'SOL', 'USDT', 'USD', 'UTC'})
"""Words on the pages that are data, not UI text: the product's name, the operator's name, the simulated market's
tickers and the timezone shown."""
TERMS = frozenset({'SMA', 'EMA', 'MACD', 'RSI', 'ATR', 'ADX', 'HTML', 'PDF', 'CSV', 'JSON'})
"""Indicator abbreviations and file formats (a report's download buttons), the same in every language."""
CLDR_MONTHS = frozenset({'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'})
"""Month names from Babel's CLDR data (the monthly returns' grid), not from the catalog: the pseudo-locale formats
like English."""
MACHINE_TEXTS = frozenset(EventType)
"""Event types, shown as they are: machine-facing names that stay English (issue 15)."""
CHART_DATE = re.compile(r'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}')
"""A date on a chart's time axis in the pseudo-locale's formats (English's: plotly has no pseudo-locale)."""
STRATEGY_REASON = re.compile(r'(trend|range) (long|short) score \d+\.\d+$')
"""The reason a signal of the running strategy (regime_rules) carries: event data, shown as it is (summaries.py)."""
QUASAR_TEXTS = frozenset({'No data available', 'No matching records found', 'Loading...', 'Rows per page:'})
"""Quasar's own component strings: its language packs translate them, not the catalog
(test_quasar_strings_follow_the_page_language); in the pseudo-locale they are Quasar's English."""


@pytest.fixture
def operator_data(tmp_path):
    """A data directory with one operator account (so the login page is there and every page is reachable)."""
    store = Store(tmp_path / 'data' / 'oracle.db')
    Accounts(store.engine).add_user(OPERATOR, PASSWORD, Role.OPERATOR)
    store.close()
    return tmp_path / 'data'


async def log_in(page: Page, base: str) -> None:
    """Log in from the login page whatever its language (by the fields' types, not their labels)."""
    await page.locator('input[type=text]').first.fill(OPERATOR)
    await page.locator('input[type=password]').fill(PASSWORD)
    await page.locator('.q-card button.w-full').click()
    await page.wait_for_url(re.compile(r'^(?!.*/login)'), timeout=20_000)
    await page.wait_for_selector('.q-header', timeout=20_000)


async def settle(page: Page) -> None:
    """Until the page's live parts (prices, feed, charts) have drawn."""
    await page.wait_for_selector('.q-header, .q-card', timeout=20_000)
    await page.wait_for_load_state('networkidle')
    await page.wait_for_timeout(800)


async def walk(browser: Browser, base: str, locale: str, width: int = 1440) -> dict[str, tuple[list[str], int]]:
    """The login page and then every page as the operator, in a browser preferring ``locale`` at ``width`` px: per
    path, its visible texts and how far it overflows the window."""
    context = await browser.new_context(viewport={'width': width, 'height': 900}, locale=locale)
    page = await context.new_page()
    seen = {}
    await page.goto(base + '/login')
    await page.wait_for_selector('.q-card button', timeout=20_000)
    seen['/login'] = (await page.evaluate(VISIBLE_TEXT), await page.evaluate(OVERFLOW))
    await log_in(page, base)
    for path in PAGES:
        await page.goto(base + path)
        await settle(page)
        seen[path] = (await page.evaluate(VISIBLE_TEXT), await page.evaluate(OVERFLOW))
    await context.close()
    return seen


@pytest.fixture
def app_url(operator_data):
    with live_app(operator_data, ORACLE_SPEED='60') as base:
        yield base


@pytest.fixture
def pseudo_url(operator_data):
    """The app with the pseudo-locale as its default (what a browser preferring no shipped language gets)."""
    with live_app(operator_data, ORACLE_SPEED='60', ORACLE_LOCALE=i18n.PSEUDO) as base:
        yield base


async def test_every_page_fits_phones_tablets_and_desktops_in_german_and_persian(browser, app_url) -> None:
    overflowing = []
    for locale in ('de-DE', 'fa-IR'):
        for width in (375, 768, 1440):
            for path, (_, extra) in (await walk(browser, app_url, locale, width)).items():
                if extra > 0:
                    overflowing.append((locale, width, path, extra))
    assert overflowing == [], 'pages wider than the window (locale, width, path, px)'


def _english_left(texts: list[str]) -> list[str]:
    """What of ``texts`` has English words outside the pseudo-locale's brackets (data words excepted)."""
    left = []
    for text in texts:
        if text in MACHINE_TEXTS or text in QUASAR_TEXTS or text in CLDR_MONTHS or CHART_DATE.fullmatch(text):
            continue
        outside = STRATEGY_REASON.sub(' ', text)
        while PSEUDO_SPAN.search(outside):
            outside = PSEUDO_SPAN.sub(' ', outside)
        if any(word not in DATA_WORDS | TERMS for word in WORD.findall(outside)):
            left.append(text)
    return left


async def test_every_visible_text_went_through_the_catalog(browser, pseudo_url) -> None:
    """The pseudo-locale walk: every UI text of every page is bracketed and accented; plain English left over is
    text that skipped the catalog (reported per page)."""
    skipped = {
        path: left
        for path, (texts, _) in (await walk(browser, pseudo_url, 'it-IT')).items()
        if (left := _english_left(texts))
    }
    assert skipped == {}, 'text not from the catalog, per page:\n' + '\n'.join(f'{p}: {t}' for p, t in skipped.items())


PLACEHOLDER = r'(?![A-Z]?[a-z]+(?:\\s|$))\\S+'
"""What a message's placeholder shows (a number, a symbol, a time: one token and no plain word), as a replacement
for re.sub."""


@cache
def _untranslated_patterns(code: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each English message of the catalog that ``code`` translates differently, as a pattern of a whole visible
    text (its placeholders match anything)."""
    with (LOCALE_DIR / 'messages.pot').open('rb') as pot:
        catalog = read_po(pot)
    catalog_of = translations(code)
    patterns = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        if message.context:
            translated = catalog_of.pgettext(message.context, english)
        elif isinstance(message.id, tuple):
            translated = catalog_of.ngettext(message.id[0], message.id[1], 1)
        else:
            translated = catalog_of.gettext(english)
        if translated != english and WORD.search(english):
            pattern = re.escape(english.strip())
            patterns.append((english, re.compile(re.sub(r'\\\{[^}]*\\\}', PLACEHOLDER, pattern))))
    return patterns


@pytest.mark.parametrize('code', list(BROWSER_LOCALES))
async def test_no_english_ui_words_are_left_on_any_page(browser, app_url, code) -> None:
    """Every page in each shipped language: no visible text is an English message its catalog translates."""
    patterns = _untranslated_patterns(code)
    english = {}
    for path, (texts, _) in (await walk(browser, app_url, BROWSER_LOCALES[code])).items():
        found = sorted(
            {f'{text!r} ({message!r})' for text in texts for message, pattern in patterns if pattern.fullmatch(text)}
        )
        if found:
            english[path] = found
    assert english == {}, f'English left in {code}, per page:\n' + '\n'.join(f'{p}: {m}' for p, m in english.items())


async def test_quasar_strings_follow_the_page_language(browser, app_url) -> None:
    """Quasar's language pack of the page's language: an empty table's text on a German page."""
    context = await browser.new_context(viewport={'width': 1440, 'height': 900}, locale='de-DE')
    page = await context.new_page()
    await page.goto(app_url + '/login')
    await log_in(page, app_url)
    await page.goto(app_url + '/backtest')
    await page.get_by_text('Keine Daten vorhanden.').first.wait_for(timeout=20_000)
    await context.close()


MIRRORED = """() => { const centre = (e) => { const box = e.getBoundingClientRect(); return box.left + box.width / 2; };
    const title = [...document.querySelectorAll('.q-header div')].find((e) => e.textContent === 'Oracle Trader');
    const nav = (icon) => [...document.querySelectorAll('.q-header button')].find((b) => b.innerText.includes(icon));
    return { width: document.querySelector('.q-header').clientWidth, title: centre(title),
             dashboard: centre(nav('dashboard')), trades: centre(nav('receipt_long')) }; }"""
"""Where the header's title and its first two navigation buttons (Dashboard, Trades) are, across the window."""


async def test_persian_navigation_is_mirrored(browser, app_url) -> None:
    """Persian puts the header's title on the right and runs the navigation from right to left; English the other
    way round."""
    places = {}
    for locale in ('en-US', 'fa-IR'):
        context = await browser.new_context(viewport={'width': 1440, 'height': 900}, locale=locale)
        page = await context.new_page()
        await page.goto(app_url + '/login')
        await log_in(page, app_url)
        places[locale] = await page.evaluate(MIRRORED)
        await context.close()
    english, persian = places['en-US'], places['fa-IR']
    assert english['title'] < english['width'] / 2 and english['dashboard'] < english['trades']
    assert persian['title'] > persian['width'] / 2 and persian['dashboard'] > persian['trades'], 'Persian: mirrored'
