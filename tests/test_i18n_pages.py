"""Choosing the language on the pages: the browser's Accept-Language first, then the menu; the choice kept per
browser and, for a logged-in user, on the server (so it follows them and is theirs alone); Persian right to left."""

from __future__ import annotations

from pathlib import Path

import nicegui
from nicegui import app
from nicegui.testing import User

from oracle_ui import preferences
from oracle_ui.i18n import Language

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
