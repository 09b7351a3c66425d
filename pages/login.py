"""``/login`` and ``POST /logout``: password sign-in with a per-client lock after repeated failures."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from oracle_ui.security import audit
from oracle_ui.web import session, user_storage
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
    system = context.system
    access = system.access

    @ui.page('/login')
    def login(redirect_to: str = '/') -> RedirectResponse | None:
        target = safe_target(redirect_to)
        if session.current_principal(system) is not None:
            return RedirectResponse(target)
        ui.page_title('Log in · Oracle Trader')
        client_ip = ui.context.client.ip or 'unknown'

        async def try_login() -> None:
            button.disable()
            try:
                attempt = await access.login(username.value or '', password.value or '', client_ip)
            finally:
                button.enable()
            if attempt.refused:  # locked out or another attempt in flight: the password was not checked
                message.set_text(attempt.refused)
                return
            who = attempt.principal
            audit.record(
                system.bus,
                who=who or (username.value or '')[:64],
                action='login',
                origin=f'ui {client_ip}',
                result='ok' if who else 'denied',
            )
            if who is None:
                password.set_value('')
                message.set_text('invalid username or password')
                return
            # the socket cannot change the cookie: an HTTP request picks the login up under a new session id
            ticket = context.tickets.issue(who.name, session.browser_session() or '', target)
            ui.navigate.to(f'{COMPLETE_PATH}?ticket={ticket}')

        with ui.card().classes('absolute-center w-80 max-w-full'):
            ui.label('Oracle Trader').classes('text-xl font-bold')
            ui.badge('PAPER TRADING', color='amber').props('text-color=black')
            username = (
                ui.input('Username')
                .props('autocomplete=username autofocus maxlength=64')
                .classes('w-full')
                .mark('login-username')
            )
            password = (
                ui.input('Password', password=True, password_toggle_button=True)
                .props('autocomplete=current-password maxlength=1024')
                .classes('w-full')
                .mark('login-password')
                .on('keydown.enter', try_login)
            )
            button = ui.button('Log in', on_click=try_login).classes('w-full').mark('login-button')
            message = ui.label().classes('text-negative text-sm').mark('login-message')
        return None

    @app.get(COMPLETE_PATH, include_in_schema=False)
    async def complete_login(request: Request, ticket: str = '') -> RedirectResponse:
        grant = context.tickets.redeem(ticket, user_storage.session_id(request))
        who = access.accounts.user(grant.name) if grant else None
        if grant is None or who is None:
            return RedirectResponse('/login', status_code=303)
        await session.sign_in(request, who)
        return RedirectResponse(safe_target(grant.target), status_code=303)

    @app.post(LOGOUT_PATH, include_in_schema=False)
    async def logout(request: Request) -> RedirectResponse:
        """A POST, so a link or an image cannot log anyone out; the guard refuses it from another site."""
        who = session.request_principal(system, request)
        if who is not None and who.kind == 'user':
            client = request.client.host if request.client else 'unknown'
            audit.record(system.bus, who=who, action='logout', origin=f'ui {client}', result='ok')
        ended = user_storage.session_id(request)
        await session.sign_out(request)
        context.pages.end(ended, 'logged out')  # every tab of the session, not only this one
        return RedirectResponse('/login', status_code=303)
