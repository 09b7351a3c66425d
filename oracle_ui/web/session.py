"""Browser sessions: who is logged in (NiceGUI's per-browser ``app.storage.user``), idle expiry, guarded pages.

Every check happens on the server: pages redirect to ``/login`` without a session, and each control handler
asks :func:`acting_principal` for the caller, whose role the core checks again before acting.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from ..security.accounts import LOCAL, Principal
from ..system import System

USER_KEY = 'user'
ACTIVE_KEY = 'last_active'


def current_principal(system: System) -> Principal | None:
    """The logged-in principal of this browser (the local operator while no credential exists), or None."""
    if not system.access.is_enabled:
        return LOCAL
    storage = app.storage.user
    name = storage.get(USER_KEY)
    if not name:
        return None
    if time.time() - storage.get(ACTIVE_KEY, 0.0) > system.settings.session_idle_minutes * 60:
        storage.pop(USER_KEY, None)
        return None
    who = system.access.accounts.user(name)  # a removed user or a changed role counts at once
    if who is None:
        storage.pop(USER_KEY, None)
        return None
    storage[ACTIVE_KEY] = time.time()
    return who


def page_principal(system: System) -> Principal:
    """The viewer of a :func:`guarded_page` (which has already sent anyone without a session to log in)."""
    who = current_principal(system)
    if who is None:
        raise PermissionError('no session')
    return who


def acting_principal(system: System) -> Principal | None:
    """The caller of a control handler; without a live session, says so and sends the browser to log in."""
    who = current_principal(system)
    if who is None:
        ui.notify('your session has expired: log in again', type='warning')
        ui.navigate.to(f'/login?redirect_to={quote(_path())}')
    return who


def origin() -> str:
    """Where a UI action comes from, for audit events."""
    return f'ui {ui.context.client.ip or "unknown"}'


def sign_in(who: Principal) -> None:
    app.storage.user.update({USER_KEY: who.name, ACTIVE_KEY: time.time()})


def sign_out() -> None:
    app.storage.user.pop(USER_KEY, None)


def guarded_page(system: System, path: str, **page_args: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like ``@ui.page(path)``, but a browser without a session is redirected to ``/login`` first."""

    def decorator(build: Callable[..., Any]) -> Any:
        @functools.wraps(build)
        async def page(*args: Any, **kwargs: Any) -> Any:
            if current_principal(system) is None:
                return RedirectResponse(f'/login?redirect_to={quote(path)}')
            result = build(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return ui.page(path, **page_args)(page)

    return decorator


def _path() -> str:
    return ui.context.client.page.path if ui.context.client.page else '/'
