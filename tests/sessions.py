"""Logging in and out through the pages of the simulated user (the ``accounts`` fixture is in conftest.py)."""

from nicegui import app
from nicegui.testing import User

from oracle_ui.system import System

from .helpers import eventually

PASSWORD = 'correct horse battery staple'


def system() -> System:
    return app.state.system


def login_attempts() -> list[dict]:
    return [e.data for e in system().bus.recent(type_='user_action') if e.data['action'] == 'login']


async def log_out(user: User) -> None:
    """What the header's logout button does: a same-site form POST."""
    response = await user.http_client.post('/logout', headers={'Origin': 'http://test'}, follow_redirects=False)
    assert response.status_code == 303 and response.headers['location'] == '/login'


async def log_in(user: User, name: str, password: str = PASSWORD) -> None:
    """Submit the login form and wait until the server has judged the attempt (and a login has been picked up)."""
    before = len(login_attempts())
    login_page = user.client
    user.find(marker='login-username').clear().type(name)
    user.find(marker='login-password').clear().type(password)
    user.find(marker='login-button').click()
    await eventually(lambda: len(login_attempts()) > before)
    if login_attempts()[-1]['result'] == 'ok':  # then the browser picks the login up on another page
        await eventually(lambda: user.client is not login_page)
