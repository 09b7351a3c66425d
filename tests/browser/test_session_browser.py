"""Sessions in a real Chromium against the real app: logging out, and what happens to tabs left open."""

import re
import subprocess
import sys

import pytest

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from ..liveapp import live_app
from .conftest import log_in

PASSWORD = 'correct horse battery staple'


@pytest.fixture
def app_url(tmp_path):
    store = Store(tmp_path / 'data' / 'oracle.db')
    Accounts(store.engine).add_user('alice', PASSWORD, Role.OPERATOR)
    Accounts(store.engine).add_user('victor', PASSWORD, Role.VIEWER)  # logins stay on when alice is removed
    store.close()
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:
        yield base


async def test_the_header_logout_button_logs_out_and_a_planted_image_does_not(browser, app_url) -> None:
    page = await browser.new_page()
    await log_in(page, app_url, 'alice', PASSWORD, '/trades')
    await page.get_by_text('Export CSV').wait_for()
    async with page.expect_response(lambda r: r.url.endswith('/logout')) as loaded:  # an image on one of our pages
        await page.evaluate('src => { const i = new Image(); i.src = src; document.body.appendChild(i); }', '/logout')
    assert (await loaded.value).status == 405
    await page.goto(app_url + '/trades')
    await page.get_by_text('alice · operator').wait_for()
    await page.locator('button', has_text='logout').click()
    await page.wait_for_url(re.compile(re.escape(app_url) + r'/login(\?.*)?$'), timeout=10_000)
    await page.goto(app_url + '/trades')
    await page.get_by_role('button', name='Log in').wait_for()


async def test_every_open_tab_goes_to_login_when_the_session_ends(browser, app_url, tmp_path) -> None:
    context = await browser.new_context()
    dashboard, events = await context.new_page(), await context.new_page()
    await log_in(dashboard, app_url, 'alice', PASSWORD)
    await events.goto(app_url + '/events')
    await events.get_by_text('Every stored event').wait_for()
    await dashboard.locator('button', has_text='logout').click()  # logging out in one tab ...
    await events.wait_for_url(f'{app_url}/login?redirect_to=/events', wait_until='commit', timeout=2_000)  # ... all
    await log_in(dashboard, app_url, 'alice', PASSWORD)
    await events.goto(app_url + '/events')
    await events.get_by_text('Every stored event').wait_for()
    removed = subprocess.run(
        [sys.executable, '-m', 'oracle_ui.cli', 'users', 'remove', 'alice', '--data-dir', str(tmp_path / 'data')],
        capture_output=True,
        text=True,
        check=True,
    )
    assert 'user alice removed' in removed.stdout
    for page, path in ((dashboard, '/'), (events, '/events')):
        await page.wait_for_url(f'{app_url}/login?redirect_to={path}', wait_until='commit', timeout=2_000)


async def test_an_idle_session_sends_its_tab_to_login(browser, tmp_path) -> None:
    store = Store(tmp_path / 'data' / 'oracle.db')
    Accounts(store.engine).add_user('alice', PASSWORD, Role.OPERATOR)
    store.close()
    with live_app(tmp_path / 'data', ORACLE_SESSION_IDLE_MINUTES='0.05') as base:  # 3 s
        page = await browser.new_page()
        await log_in(page, base, 'alice', PASSWORD, '/trades')
        await page.wait_for_url(f'{base}/login?redirect_to=/trades', timeout=5_000)
