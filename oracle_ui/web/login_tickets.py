"""One-time tickets that carry a checked login from the login page's socket to an HTTP request.

A password is checked in a socket.io event handler, which cannot change the browser's cookie; the page then sends
the browser to ``/login/complete?ticket=...``, whose response gives it a new session id. A ticket is random,
single-use, short-lived and bound to the session that asked for it, so a ticket seen in a log or a browser's
history is worth nothing to anyone else.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Grant:
    """What a redeemed ticket grants: a login of ``name``, then a visit to ``target``."""

    name: str
    target: str


class LoginTickets:
    """Tickets issued but not yet redeemed.

    :param ttl_s: how long a ticket stays valid (default: 30 s)
    :param clock: monotonic seconds
    """

    MAX_PENDING = 10_000

    def __init__(self, ttl_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._pending: dict[str, tuple[str, Grant, float]] = {}

    def issue(self, name: str, session: str, target: str) -> str:
        """A ticket for the browser session ``session`` to log in as ``name`` and go on to ``target``."""
        now = self.clock()
        if len(self._pending) >= self.MAX_PENDING:
            self._pending = {t: p for t, p in self._pending.items() if p[2] > now}
        ticket = secrets.token_urlsafe(32)
        self._pending[ticket] = (session, Grant(name, target), now + self.ttl_s)
        return ticket

    def redeem(self, ticket: str, session: str | None) -> Grant | None:
        """The grant of ``ticket`` if it is pending, unexpired and was issued to ``session``; used up either way."""
        pending = self._pending.pop(ticket, None)
        if pending is None or session is None:
            return None
        owner, grant, expires = pending
        if owner != session or self.clock() > expires:
            return None
        return grant
