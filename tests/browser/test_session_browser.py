"""Sessions in a real Chromium against the real app: logging out, and what happens to tabs left open."""

import pytest

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from ..liveapp import live_app
from .conftest import CHROMIUM, log_in

pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason='no chromium on this machine'),
    pytest.mark.slow,
    pytest.mark.browser,
]
PASSWORD = 'correct horse battery staple'


@pytest.fixture
def app_url(tmp_path):
    store = Store(tmp_path / 'data' / 'oracle.db')
    Accounts(store.engine).add_user('alice', PASSWORD, Role.OPERATOR)
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
    await page.wait_for_url(app_url + '/login', timeout=10_000)
    await page.goto(app_url + '/trades')
    await page.get_by_role('button', name='Log in').wait_for()
