"""What the web package hands every page: the running system, the shared state its pages bind to, the open
pages of each session and the login tickets."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..system import System
from .login_tickets import LoginTickets
from .open_pages import OpenPages
from .state import SharedState


@dataclass(frozen=True, slots=True)
class AppContext:
    """Built once by :func:`oracle_ui.web.app.build_app`; each page module's ``register`` receives it."""

    system: System
    state: SharedState
    pages: OpenPages
    """The open pages of each browser session, closed when it ends."""
    tickets: LoginTickets = field(default_factory=LoginTickets)
    """Logins checked on the login page, waiting for the browser to pick them up (and a new session id)."""
