"""Logins, roles and sessions on the NiceGUI pages, through the simulated user (checks happen on the server)."""

from urllib.parse import quote

import httpx
import pytest
from nicegui import app
from nicegui.testing import User

from oracle_ui.security.accounts import Role
from oracle_ui.web.login_tickets import Grant, LoginTickets

from .helpers import FakeClock, eventually
from .liveapp import live_app
from .sessions import PASSWORD, log_in, log_out, login_attempts, system


async def test_pages_need_a_login_and_wrong_passwords_lock_the_client(accounts, user: User) -> None:
    for path in ('/', '/trades', '/events', '/backtest', '/settings'):
        await user.open(path)
        await user.should_see('Log in')
        await user.should_not_see('Bot control')
    await log_in(user, 'alice', 'wrong password!')
    await user.should_see('invalid username or password')
    for _ in range(4):
        await log_in(user, 'alice', 'wrong password!')
    assert [a['result'] for a in login_attempts()] == ['denied'] * 5 and login_attempts()[0]['actor'] == 'alice'
    user.find(marker='login-password').clear().type(PASSWORD)  # the right password, but the client is locked now
    user.find(marker='login-button').click()
    await user.should_see('too many failed attempts: try again in 60 s')
    await user.should_not_see('Live events')
    assert len(login_attempts()) == 5, 'a locked client does not get its password checked'


async def test_operator_logs_in_controls_the_bot_and_logs_out(accounts, user: User) -> None:
    await user.open('/settings')
    await log_in(user, 'alice')
    await user.should_see('Risk')  # back where the login started
    await user.open('/')
    await user.should_see('alice · operator')
    await eventually(lambda: system().controller.state.value == 'running')
    user.find(marker='stop-button').click()
    await user.should_see(marker='confirm-stop')
    user.find(marker='confirm-stop').click()
    await eventually(lambda: system().controller.state.value == 'stopped')
    audit = [e.data for e in system().bus.recent(type_='user_action') if e.data['action'] == 'stop'][-1]
    assert audit['actor'] == 'alice' and audit['result'] == 'ok' and audit['origin'].startswith('ui ')
    await log_out(user)
    await user.open('/')
    await user.should_see('Log in')
    assert [e.data['action'] for e in system().bus.recent(type_='user_action')][-1] == 'logout'


async def test_api_docs_and_schema_need_a_session_or_a_token(accounts, user: User) -> None:
    http = user.http_client
    assert (await http.get('/openapi.json')).status_code == 401
    for path in ('/docs', '/redoc'):
        response = await http.get(path, follow_redirects=False)
        assert response.status_code == 307 and response.headers['location'] == f'/login?redirect_to={path}'
    token = system().access.accounts.add_token('script', Role.VIEWER)
    schema = await http.get('/openapi.json', headers={'Authorization': f'Bearer {token}'})
    assert schema.status_code == 200 and '/dashboard/api/dashboard-data' in schema.json()['paths']
    await user.open('/login')
    await log_in(user, 'victor')
    await user.should_see('victor · viewer')
    assert (await http.get('/openapi.json')).status_code == 200  # this browser's session
    docs = await http.get('/docs')
    assert docs.status_code == 200 and 'swagger-ui' in docs.text and '/openapi.json' in docs.text


async def test_a_viewer_sees_the_dashboard_without_controls(accounts, user: User) -> None:
    await user.open('/')
    await log_in(user, 'victor')
    await user.should_see('read-only view: controls need an operator login')
    await user.should_see('READ-ONLY')
    await user.should_see('Process RSS')
    await user.should_not_see('Close all')
    await user.should_not_see(marker='stop-button')
    await user.open('/settings')
    assert not user.find(marker='settings-save').elements.pop().enabled


async def test_a_demoted_users_open_page_cannot_stop_the_bot(accounts, user: User) -> None:
    await user.open('/')
    await log_in(user, 'alice')
    await user.should_see('alice · operator')
    await eventually(lambda: system().controller.state.value == 'running')
    system().access.accounts.add_user('alice', PASSWORD, Role.VIEWER)  # demoted while the tab is open
    user.find(marker='stop-button').click()
    await user.should_see(marker='confirm-stop')
    user.find(marker='confirm-stop').click()
    await user.should_see('forbidden: alice has the viewer role; this needs an operator')
    assert system().controller.state.value == 'running'
    denied = [e.data for e in system().bus.recent(type_='user_action') if e.data['result'] == 'denied']
    assert denied[-1]['actor'] == 'alice' and denied[-1]['action'] == 'stop'


@pytest.mark.slow
def test_over_https_cookies_are_secure_and_socketio_refuses_foreign_origins(tmp_path) -> None:
    with live_app(tmp_path / 'data', ORACLE_HTTPS='true') as base:
        page = httpx.get(base + '/login')
        cookie = page.headers['set-cookie'].lower()
        assert 'httponly' in cookie and 'samesite=lax' in cookie and 'secure' in cookie
        assert page.headers['strict-transport-security'] == 'max-age=31536000'
        handshake = base + '/_nicegui_ws/socket.io/?EIO=4&transport=polling'
        assert httpx.get(handshake, headers={'Origin': 'https://evil.example'}).status_code in (400, 403)
        assert httpx.get(handshake, headers={'Origin': base}).status_code == 200


OFF_SITE = (
    '/\t/other-host/x',  # the link's /%09/other-host/x: browsers drop the tab, leaving //other-host/x
    '/\n/other-host',
    '/\r\n/other-host',
    '/ /other-host',
    '/\x00/other-host',
    '/\x0b/other-host',
    '/\u3000/other-host',
    '/\u2028/other-host',
    '/\u00a0/other-host',
    '//other-host/x',
    '///other-host',
    '/\\other-host',
    '\\\\other-host',
    '/\\/other-host',
    '/x\\..\\..\\\\other-host',
    'https://other-host/x',
    'HTTPS:other-host',
    '//other-host:443@evil',
    'javascript:alert(1)',
    'data:text/html,hi',
    'other-host/x',
    ' /settings',
    '',
    '/' + 'a' * 3000,
)


async def test_a_login_link_cannot_send_the_browser_to_another_site(user: User) -> None:
    http = user.http_client  # no login configured: /login sends everyone straight on to the target
    for target in OFF_SITE:
        response = await http.get(f'/login?redirect_to={quote(target, safe="")}', follow_redirects=False)
        assert response.status_code == 307 and response.headers['location'] == '/', repr(target)
    for target in ('/settings', '/events?topic=audit&page=2', '/trades#recent', '/%2F%2Fnot-a-host'):
        response = await http.get(f'/login?redirect_to={quote(target, safe="")}', follow_redirects=False)
        assert response.headers['location'] == target


async def test_logging_in_from_a_crafted_link_stays_on_this_site(accounts, user: User) -> None:
    await user.open('/login?redirect_to=/%09/other-host/x')
    await log_in(user, 'alice')
    await user.should_see('alice · operator')  # the dashboard, not another site


async def test_thirty_login_pages_clicked_at_once_get_one_password_checked(accounts, user: User) -> None:
    pages = []
    for i in range(30):  # one address, thirty tabs; only the last one has the right password
        pages.append(await user.open('/login'))
        user.find(marker='login-username').type('alice')
        user.find(marker='login-password').type(PASSWORD if i == 29 else f'wrong password {i}')
    for page in pages:
        user.client = page
        user.find(marker='login-button').click()

    def messages() -> list[str]:
        shown = []
        for page in pages:
            user.client = page
            shown.append(next(iter(user.find(marker='login-message').elements)).text)
        return shown

    await eventually(lambda: all(messages()))
    assert messages()[0] == 'invalid username or password'
    assert set(messages()[1:]) == {'another login attempt is being checked: try again in a moment'}
    assert [a['result'] for a in login_attempts()] == ['denied']
    await user.open('/')
    await user.should_see('Log in')  # the right password, sent in parallel, did not log in


async def test_a_session_id_planted_before_login_is_not_the_one_logged_in(accounts, user: User) -> None:
    await user.open('/login')
    planted = user.http_client.cookies['session']  # e.g. set into the victim's browser by an attacker who keeps it
    await log_in(user, 'alice')
    await user.should_see('alice · operator')
    logged_in = user.http_client.cookies['session']
    assert logged_in != planted
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url='http://test', cookies={'session': planted}
    ) as attacker:
        assert (await attacker.get('/', follow_redirects=False)).headers['location'] == '/login?redirect_to=/'
        assert (await attacker.get('/openapi.json')).status_code == 401
    await log_out(user)
    assert user.http_client.cookies['session'] not in (planted, logged_in)  # and a new one after logout
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url='http://test', cookies={'session': logged_in}
    ) as stale:
        assert (await stale.get('/', follow_redirects=False)).headers['location'] == '/login?redirect_to=/'


async def test_a_login_ticket_is_used_up(accounts, user: User) -> None:
    await user.open('/login')
    await log_in(user, 'alice')
    await user.should_see('alice · operator')
    ticket_url = next(path for path in user.back_history if path.startswith('/login/complete?ticket='))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as other_browser:
        replayed = await other_browser.get(ticket_url, follow_redirects=False)
        assert replayed.headers['location'] == '/login'
        assert (await other_browser.get('/', follow_redirects=False)).headers['location'] == '/login?redirect_to=/'


def test_a_login_ticket_is_good_once_for_its_own_browser_session_only() -> None:
    clock = FakeClock(100.0)
    tickets = LoginTickets(ttl_s=30, clock=clock.time)
    ticket = tickets.issue('alice', 'session-a', '/settings')
    assert tickets.redeem(ticket, 'session-b') is None
    assert tickets.redeem(ticket, 'session-a') is None  # the wrong browser's try used it up
    ticket = tickets.issue('alice', 'session-a', '/settings')
    assert tickets.redeem(ticket, 'session-a') == Grant('alice', '/settings')
    assert tickets.redeem(ticket, 'session-a') is None
    late = tickets.issue('alice', 'session-a', '/')
    clock.now += 31
    assert tickets.redeem(late, 'session-a') is None


async def test_logging_out_takes_a_same_site_post(accounts, user: User) -> None:
    await user.open('/')
    await log_in(user, 'alice')
    await user.should_see('alice · operator')
    http = user.http_client
    assert (await http.get('/logout')).status_code == 405  # what <img src=".../logout"> on any page would send
    foreign = await http.post('/logout', headers={'Origin': 'https://evil.example'})
    assert foreign.status_code == 403 and foreign.json()['detail'] == 'cross-site request refused'
    assert (await http.get('/', follow_redirects=False)).status_code == 200  # still logged in
    await log_out(user)
    assert (await http.get('/', follow_redirects=False)).headers['location'] == '/login?redirect_to=/'
