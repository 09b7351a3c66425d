"""Choosing the language on the pages: the browser's Accept-Language first, then the menu; the choice kept per
browser and, for a logged-in user, on the server (so it follows them and is theirs alone); Persian right to left."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nicegui
import pytest
from nicegui import Client, app, ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.testing import User

from components.events_feed import FeedRows
from oracle_ui import preferences, views
from oracle_ui.events import EventType
from oracle_ui.i18n import LOCALES, Language, using
from oracle_ui.web import kept_input
from oracle_ui.web.session import page_principal

from .helpers import eventually
from .sessions import log_in, log_out


async def choose(user: User, marker: str) -> None:
    """Pick ``marker``'s entry of the header's language menu; the page comes back in that language."""
    page = user.client
    user.find(marker=marker).click()
    await eventually(lambda: user.client is not page, what='the page shown again in the chosen language')


async def test_a_first_visit_follows_the_browsers_accept_language(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'de-CH,de;q=0.9,en;q=0.5'
    await user.open('/')
    await user.should_see('PAPER-TRADING')
    await user.should_see('Bot: läuft')
    assert user.client.page.resolve_language() == 'de'  # Quasar's German language pack too


async def test_the_menu_switches_the_language_and_the_browser_keeps_it(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'de'
    await user.open('/')
    await choose(user, 'language-fr')
    await user.should_see('TRADING FICTIF')
    await user.open('/')  # a later visit, whatever the browser asks for
    await user.should_see('bot : en marche')


async def test_persian_pages_are_right_to_left(user: User) -> None:
    await user.open('/')
    await choose(user, 'language-fa')
    await user.should_see('معامله آزمایشی')
    assert user.client.page.resolve_language() == 'fa'
    html = (await user.http_client.get('/')).text
    assert 'lang="fa"' in html and '/static/lang/fa.umd.prod.js' in html
    # Quasar's Persian pack is right to left: on load it sets dir="rtl" on the document
    pack = Path(nicegui.__file__).parent / 'static' / 'lang' / 'fa.umd.prod.js'
    assert 'rtl:!0' in pack.read_text(encoding='utf-8')
    # and Latin digits are one click away
    await choose(user, 'language-digits')
    assert user.client.page.resolve_language() == 'fa'
    await user.should_see('ارقام فارسی')  # the menu offers them back


async def test_a_viewers_and_an_operators_choices_are_their_own(accounts, user: User) -> None:
    system = app.state.system
    await user.open('/')
    await log_in(user, 'alice')
    await choose(user, 'language-de')
    await user.should_see('alice · Operator')
    await log_out(user)
    await user.open('/login')
    await user.should_see('Anmelden')  # the browser keeps its language past the logout
    await log_in(user, 'victor')
    await choose(user, 'language-ja')
    await user.should_see('victor · 閲覧者')
    await log_out(user)
    await user.open('/login')
    await log_in(user, 'alice')
    await user.should_see('alice · Operator')  # hers, from the server, not the browser's last choice
    assert preferences.language(system, 'alice') == Language('de')
    assert preferences.language(system, 'victor') == Language('ja')


PSEUDO_TEXT = re.compile(r'\[[^\[\]]*\]')
"""A message through the en_XA catalog: bracketed (its formatted values may be messages too: innermost first)."""
DATA = re.compile(
    r'[A-Z0-9]{2,10}/[A-Z0-9]{2,10}'  # symbols
    r'|\bUSDT\b|\bOracle Trader\b|\bUTC\b'  # the quote currency, the product's name
    r'|\b(?:SMA|EMA|RSI|MACD|ATR|ADX)\b'  # indicator abbreviations, the same in every language
    r'|\b(?:HTML|PDF|CSV|JSON)\b'  # file formats
    r'|\b[a-z]+(?:[._][a-z]+)*_[a-z_]+(?:\.[a-z_]+)*\b'  # the names the API and the CLI take (risk.max_positions)
    r'|\b\d+[smhdw]\b'  # timeframes
)
"""What a page shows as it is in every language: data, not UI text."""


EVENT_TYPES = frozenset(t.value for t in EventType)


@pytest.fixture
def pseudo_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages in en_XA unless a viewer chose otherwise (before the ``user`` fixture reads the settings)."""
    monkeypatch.setenv('ORACLE_LOCALE', 'en_XA')


def shown_texts(client: Client) -> Iterator[tuple[ui.element, str]]:
    """Every text a person reads on the page's elements: texts, labels, tooltips, placeholders, column headers and
    choices (language names excepted: each is written in its own language on purpose)."""
    for element in client.elements.values():
        if isinstance(element, TextElement) and element.text not in LOCALES.values():
            yield element, element.text
        for prop in ('label', 'placeholder', 'title', 'hint'):
            if isinstance(value := element.props.get(prop), str):
                yield element, value
        if isinstance(element, ui.table):
            yield from ((element, column['label']) for column in element.columns)
        if isinstance(element, ui.select) and isinstance(element.options, dict):  # event types are names
            yield from ((element, str(label)) for label in element.options.values() if label not in EVENT_TYPES)
        if isinstance(element, FeedRows):  # the live feed draws its rows in the browser, from these
            yield from ((element, row['summary']) for row in element.rows)


def untranslated(client: Client) -> list[tuple[str, str]]:
    """Texts with a word left once the pseudo-locale's messages and the data are taken out."""
    left = []
    for element, text in shown_texts(client):
        rest = text
        while (shorter := PSEUDO_TEXT.sub(' ', rest)) != rest:
            rest = shorter
        if re.search(r'[A-Za-z]{2,}', DATA.sub(' ', rest)):
            left.append((type(element).__name__, text))
    return left


async def test_the_login_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, accounts, user: User) -> None:
    await user.open('/login')
    await user.should_see(marker='login-button')
    assert untranslated(user.client) == []
    await log_in(user, 'alice', 'wrong password!')
    await user.should_see(marker='login-message')
    assert untranslated(user.client) == [], 'the refusal too'


async def test_the_dashboard_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/')
    await user.should_see(marker='account-balance')
    assert untranslated(user.client) == []
    user.find(marker='stop-button').click()  # a dialog
    await user.should_see(marker='confirm-stop')
    user.find(marker='indicator-add').click()  # and another, with the indicator form
    await user.should_see(marker='indicator-kind')
    assert untranslated(user.client) == []


async def test_a_german_page_shows_the_balance_with_german_marks(monkeypatch: pytest.MonkeyPatch, user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'de-DE'
    await user.open('/')
    await user.should_see('10.000,00 USDT')  # starting balance 10000, grouping dot, decimal comma
    await user.should_see('Kontostand')


async def test_the_events_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/events')
    await user.should_see(marker='events-table')
    assert untranslated(user.client) == []
    user.find(marker='filter-since').type('soon')  # a mistake, said under the field and in the summary
    await user.should_see('soon')
    assert untranslated(user.client) == []


async def test_the_trades_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/trades')
    await user.should_see(marker='history-table')
    assert untranslated(user.client) == []
    user.find(marker='filter-from').type('garbage')
    await user.should_see('garbage')
    assert untranslated(user.client) == []


async def test_switching_the_language_keeps_the_charts_symbol_and_timeframe(user: User) -> None:
    timeframe = views.chart_timeframes(app.state.system)[-1]
    await user.open(f'/?symbol=ETH/USDT&timeframe={timeframe}')  # where picking them puts them (the URL)
    await choose(user, 'language-de')
    await user.should_see('Kontostand')
    symbol, chosen = (user.find(marker=m).elements.pop().value for m in ('chart-symbol', 'chart-timeframe'))
    assert (symbol, chosen) == ('ETH/USDT', timeframe)


async def test_the_settings_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/settings')
    await user.should_see(marker='settings-save')
    assert untranslated(user.client) == []
    user.find(marker='settings-strategy').elements.pop().value = 'regime'  # nested parameter sections
    await user.should_see(marker='param-trend.ema_fast')
    assert untranslated(user.client) == []


async def test_a_refused_setting_is_said_in_the_viewers_language(pseudo_locale: None, user: User) -> None:
    await user.open('/settings')
    user.find(marker='risk-max_positions').elements.pop().value = 0
    user.find(marker='settings-save').click()
    await user.should_see(marker='settings-error')
    await eventually(lambda: user.find(marker='settings-error').elements.pop().text, what='the refusal')
    assert untranslated(user.client) == [], 'pydantic validation messages too'
    user.find(marker='settings-symbols').elements.pop().value = 'not a symbol'
    user.find(marker='symbols-save').click()
    await eventually(lambda: user.find(marker='symbols-note').elements.pop().text, what='the refusal')
    assert untranslated(user.client) == []


async def test_the_alerts_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/alerts')
    await user.should_see(marker='inbox-table')
    assert untranslated(user.client) == []
    user.find(marker='new-alert').click()  # the editor, with its live preview
    await user.should_see(marker='alert-preview')
    assert untranslated(user.client) == []
    user.find(marker='alert-kind').elements.pop().value = 'summary'
    await user.should_see(marker='alert-every')
    assert untranslated(user.client) == []


async def test_the_backtest_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/backtest')
    await user.should_see(marker='bt-run')
    assert untranslated(user.client) == []
    user.find(marker='bt-commission').elements.pop().value = -0.1  # a field's own check, and the summary
    user.find(marker='bt-run').click()
    await user.should_see(marker='bt-message')
    await eventually(lambda: user.find(marker='bt-message').elements.pop().text, what='the refusal')
    assert untranslated(user.client) == []


@pytest.mark.slow
async def test_a_backtests_results_show_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/backtest')
    user.find(marker='bt-data').elements.pop().value = 'sample: GOOG_daily.csv'
    user.find(marker='bt-run').click()
    await user.should_see(marker='bt-stats', retries=100)
    assert untranslated(user.client) == []
    user.find(marker='bt-save').click()
    await eventually(lambda: user.find(marker='bt-runs').elements.pop().rows, what='the saved run')
    runs = user.find(marker='bt-runs').elements.pop()
    runs.selected = list(runs.rows)
    user.find(marker='bt-compare').click()  # one run: a warning toast
    assert untranslated(user.client) == []


@pytest.mark.slow
async def test_the_analytics_page_shows_no_text_that_skipped_the_catalog(pseudo_locale: None, user: User) -> None:
    await user.open('/analytics')
    await user.should_see(marker='an-metrics')
    assert untranslated(user.client) == []
    user.find(marker='an-period').elements.pop().value = 'custom'
    user.find(marker='an-from').elements.pop().value = 'yesterday'  # a bad date, said in the summary
    await eventually(lambda: 'yesterday' in user.find(marker='an-summary').elements.pop().text, what='the refusal')
    assert untranslated(user.client) == []


def test_indicator_names_in_chart_legends_follow_the_language() -> None:
    (stochastic,) = views.parse_indicators('stoch:14:3:3')
    assert stochastic.label == 'Stochastic 14 3 3' and stochastic.key == 'stoch_14_3_3'
    with using('de'):
        assert stochastic.label == 'Stochastik 14 3 3' and stochastic.key == 'stoch_14_3_3', 'names: as they were'


async def test_switching_the_language_keeps_what_was_typed_into_a_form(user: User) -> None:
    await user.open('/backtest')
    field = lambda marker: user.find(marker=marker).elements.pop()  # noqa: E731
    field('bt-cash').value = 25_000
    field('bt-sizing').value = 'percent'
    field('bt-strategy').value = 'regime'  # its parameters replace sma_cross's
    await user.should_see(marker='param-adx_period')
    field('param-adx_period').value = 21
    await choose(user, 'language-de')
    await user.should_see('Daten')  # the labels in German
    assert field('bt-cash').value == 25_000 and field('bt-cash').props['label'] == 'Kapital'
    assert (field('bt-sizing').value, field('bt-strategy').value) == ('percent', 'regime')
    assert field('param-adx_period').value == 21, 'a field of a choice made before it comes back too'
    assert field('bt-commission').value == 0.001, 'an untouched field keeps its default'
    await user.open('/backtest')  # kept for the switch only
    assert (field('bt-cash').value, field('bt-strategy').value) == (10_000, 'sma_cross')


async def test_a_switch_keeps_a_channel_name_but_never_its_secret_url(user: User) -> None:
    await user.open('/alerts')
    user.find(marker='channel-name').type('team')
    user.find(marker='channel-url').type('json://example.com/hook?-X-Key=abcdef123456')
    await choose(user, 'language-fr')
    await user.should_see('Boîte de réception')
    assert user.find(marker='channel-name').elements.pop().value == 'team'
    assert user.find(marker='channel-url').elements.pop().value == '', 'a password field is not kept'


async def test_kept_input_goes_back_only_into_the_same_page_for_the_same_user(user: User) -> None:
    await user.open('/alerts')
    user.find(marker='channel-name').type('team')
    with user.client:
        kept_input.keep('someone else')  # as the language menu keeps it, but for another user
    await user.open('/alerts')
    assert user.find(marker='channel-name').elements.pop().value == ''
    await user.open('/backtest')
    user.find(marker='bt-strategy').elements.pop().value = 'regime'
    await user.should_see(marker='param-adx_period')
    user.find(marker='param-adx_period').elements.pop().value = 21
    with user.client:
        kept_input.keep(page_principal(app.state.system).name)
    await user.open('/settings')  # another page with a field of the same mark
    assert user.find(marker='param-adx_period').elements.pop().value == 14
    await user.open('/backtest')  # and it is gone
    assert user.find(marker='bt-strategy').elements.pop().value == 'sma_cross'
