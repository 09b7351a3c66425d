"""Browser sessions: who is logged in (NiceGUI's per-browser ``app.storage.user``), idle expiry, guarded pages.

Every check happens on the server: pages redirect to ``/login`` without a session, each handler asks
:func:`acting_principal` for the caller before it reads or changes anything (the core checks the role again
before acting), and the pages of a session that ends are closed (:mod:`oracle_ui.web.open_pages`).
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import ui
from starlette.requests import HTTPConnection

from ..security.accounts import LOCAL, Principal
from ..system import System
from . import language, user_storage

if TYPE_CHECKING:
    from .context import AppContext

USER_KEY = 'user'
ACTIVE_KEY = 'last_active'
KEPT_KEYS = ('dark', 'language')
"""What a browser keeps when its session id is replaced (at login and logout): preferences, never the login."""


def session_principal(system: System, session: str | None, *, touch: bool = True) -> Principal | None:
    """Who is logged in under the browser session ``session`` (the local operator while no credential exists), or
    None: not logged in, idle for too long, or no longer a user. ``touch`` counts this as activity."""
    if not system.access.is_enabled:
        return LOCAL
    storage = user_storage.storage_of(session)
    name = storage.get(USER_KEY) if storage is not None else None
    if storage is None or not name:
        return None
    if time.time() - storage.get(ACTIVE_KEY, 0.0) > system.settings.session_idle_minutes * 60:
        storage.pop(USER_KEY, None)
        return None
    who = system.access.accounts.user(name)  # a removed user or a changed role counts at once
    if who is None:
        storage.pop(USER_KEY, None)
        return None
    if touch:
        storage[ACTIVE_KEY] = time.time()
    return who


def current_principal(system: System) -> Principal | None:
    """The logged-in principal of the current page's browser session (see :func:`session_principal`)."""
    return session_principal(system, browser_session())


def request_principal(system: System, connection: HTTPConnection) -> Principal | None:
    """The logged-in principal of the browser session of a plain (non-page) request."""
    return session_principal(system, user_storage.session_id(connection))


def page_principal(system: System) -> Principal:
    """The viewer of a :func:`guarded_page` (which has already sent anyone without a session to log in)."""
    who = current_principal(system)
    if who is None:
        raise PermissionError('no session')
    return who


def acting_principal(context: AppContext) -> Principal | None:
    """The caller of a handler, checked before it reads or changes anything; without a live session, says so and
    ends every page of the session (sent to log in)."""
    who = current_principal(context.system)
    if who is None:
        ui.notify('your session has expired: log in again', type='warning')
        context.pages.end(browser_session(), 'a handler found the session ended')
    return who


def origin() -> str:
    """Where a UI action comes from, for audit events."""
    return f'ui {ui.context.client.ip or "unknown"}'


def browser_session() -> str | None:
    """The browser session of the current page (the id its session cookie carried when the page loaded)."""
    return user_storage.session_id(ui.context.client.request)


async def sign_in(connection: HTTPConnection, who: Principal) -> None:
    """Log the browser of ``connection`` in as ``who`` under a new session id: a session id planted in the
    browser before (session fixation) is not the one that gets logged in."""
    storage = await user_storage.renew(connection, keep=KEPT_KEYS)
    storage.update({USER_KEY: who.name, ACTIVE_KEY: time.time()})


async def sign_out(connection: HTTPConnection) -> None:
    """Log the browser of ``connection`` out; it goes on under a new session id."""
    await user_storage.renew(connection, keep=KEPT_KEYS)


def guarded_page(context: AppContext, path: str, **page_args: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like ``@ui.page(path)``, but a browser without a session is redirected to ``/login`` first, the page is
    followed (:class:`~oracle_ui.web.open_pages.OpenPages`) so that it ends with its session, and it is shown in its
    viewer's language (:mod:`oracle_ui.web.language`)."""

    def decorator(build: Callable[..., Any]) -> Any:
        @functools.wraps(build)
        async def page(*args: Any, **kwargs: Any) -> Any:
            session = browser_session()
            if session is None or session_principal(context.system, session) is None:
                return RedirectResponse(f'/login?redirect_to={quote(path)}')
            context.pages.add(ui.context.client, session)
            language.use(context.system, session_principal(context.system, session, touch=False))
            result = build(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return ui.page(path, **page_args)(page)

    return decorator
