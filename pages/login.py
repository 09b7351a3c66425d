"""``/login`` and ``POST /logout``: password sign-in with a per-client lock after repeated failures."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from components.language_menu import language_menu
from oracle_ui.i18n import _
from oracle_ui.security import audit
from oracle_ui.web import language, session, user_storage
from oracle_ui.web.context import AppContext

COMPLETE_PATH = '/login/complete'
LOGOUT_PATH = '/logout'

SAME_SITE_PATH = re.compile(r'/(?![/\\])[!-~]{0,2000}')
"""An absolute path of printable ASCII: no whitespace or control characters (browsers drop tabs and newlines from
URLs, so ``/\\t/host`` would become ``//host``), no second ``/`` or ``\\`` right after the first (another host)."""


def safe_target(redirect_to: str) -> str:
    """``redirect_to`` if it is a path on this server, else ``/``: a login link cannot send people elsewhere."""
    if SAME_SITE_PATH.fullmatch(redirect_to) and '\\' not in redirect_to:
        parts = urlsplit(redirect_to)
        if not parts.scheme and not parts.netloc:
            return redirect_to
    return '/'


def register(context: AppContext) -> None:
    register_login_page(context)
    register_login_completion(context)
    register_logout(context)


def register_login_page(context: AppContext) -> None:
    @ui.page('/login')
    def login(redirect_to: str = '/') -> RedirectResponse | None:
        target = safe_target(redirect_to)
        if session.current_principal(context.system) is not None:
            return RedirectResponse(target)
        viewing = language.use(context.system, None)
        ui.page_title(_('Log in · Oracle Trader'))
        LoginForm(context, target, ui.context.client.ip or 'unknown')
        with ui.element().classes('absolute-top-right q-pa-sm'):
            language_menu(viewing, language.choose, color='primary')
        return None


class LoginForm:
    """The sign-in card; a good password sends the browser on to ``target`` (via :data:`COMPLETE_PATH`)."""

    def __init__(self, context: AppContext, target: str, client_ip: str) -> None:
        self.context, self.target, self.client_ip = context, target, client_ip
        with ui.card().classes('absolute-center w-80 max-w-full'):
            ui.label('Oracle Trader').classes('text-xl font-bold')
            ui.badge(_('PAPER TRADING'), color='amber').props('text-color=black')
            self.username = (
                ui.input(_('Username'))
                .props('autocomplete=username autofocus maxlength=64')
                .classes('w-full')
                .mark('login-username')
            )
            self.password = (
                ui.input(_('Password'), password=True, password_toggle_button=True)
                .props('autocomplete=current-password maxlength=1024')
                .classes('w-full')
                .mark('login-password')
                .on('keydown.enter', self.try_login)
            )
            self.button = ui.button(_('Log in'), on_click=self.try_login).classes('w-full').mark('login-button')
            self.message = ui.label().classes('text-negative text-sm').mark('login-message')

    async def try_login(self) -> None:
        system, username, client_ip = self.context.system, self.username.value or '', self.client_ip
        self.button.disable()
        try:
            attempt = await system.access.login(username, self.password.value or '', client_ip)
        finally:
            self.button.enable()
        if attempt.refused:  # locked out or another attempt in flight: the password was not checked
            self.message.set_text(attempt.refused)
            return
        who = attempt.principal
        audit.record(
            system.bus,
            who=who or username[:64],
            action='login',
            origin=f'ui {client_ip}',
            result='ok' if who else 'denied',
        )
        if who is None:
            self.password.set_value('')
            self.message.set_text(_('invalid username or password'))
            return
        # the socket cannot change the cookie: an HTTP request picks the login up under a new session id
        ticket = self.context.tickets.issue(who.name, session.browser_session() or '', self.target)
        ui.navigate.to(f'{COMPLETE_PATH}?ticket={ticket}')


def register_login_completion(context: AppContext) -> None:
    @app.get(COMPLETE_PATH, include_in_schema=False)
    async def complete_login(request: Request, ticket: str = '') -> RedirectResponse:
        grant = context.tickets.redeem(ticket, user_storage.session_id(request))
        who = context.system.access.accounts.user(grant.name) if grant else None
        if grant is None or who is None:
            return RedirectResponse('/login', status_code=303)
        await session.sign_in(request, who)
        return RedirectResponse(safe_target(grant.target), status_code=303)


def register_logout(context: AppContext) -> None:
    @app.post(LOGOUT_PATH, include_in_schema=False)
    async def logout(request: Request) -> RedirectResponse:
        """A POST, so a link or an image cannot log anyone out; the guard refuses it from another site."""
        who = session.request_principal(context.system, request)
        if who is not None and who.kind == 'user':
            client = request.client.host if request.client else 'unknown'
            audit.record(context.system.bus, who=who, action='logout', origin=f'ui {client}', result='ok')
        ended = user_storage.session_id(request)
        await session.sign_out(request)
        context.pages.end(ended, 'logged out')  # every tab of the session, not only this one
        return RedirectResponse('/login', status_code=303)
