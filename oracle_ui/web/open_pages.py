"""Every open page of each browser session, so that when a session ends, all of its pages end with it.

A session ends at logout, when its user is removed or it idles out (found by :meth:`OpenPages.check`, every
``CHECK_S``), or when logins start to apply to an anonymous local session. Its pages are then sent to ``/login``
and their NiceGUI clients deleted: their timers, bindings and bus subscriptions stop, and anything the browser
still sends them is dropped. Handlers do not wait for this: they check the session themselves first
(:func:`oracle_ui.web.session.acting_principal`).
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

from nicegui import Client, background_tasks, ui

from ..system import System
from .session import session_principal

log = logging.getLogger(__name__)

CHECK_S = 0.5
"""How often every open session is checked: a page of an ended session is gone within this (plus a send)."""
FLUSH_S = 1.0
"""How long an ended page's message to go to ``/login`` may take to leave before its client is deleted."""


class OpenPages:
    """The NiceGUI clients of the guarded pages, by browser session.

    :param system: whose accounts and settings decide whether a session is still valid
    """

    def __init__(self, system: System) -> None:
        self.system = system
        self._clients: dict[str, dict[str, Client]] = {}
        self._ended: set[str] = set()
        """Clients on their way out: no more live updates, whatever still reaches them."""

    def add(self, client: Client, session: str) -> None:
        """Follow ``client``, a page of the browser session ``session``, until it is deleted."""
        self._clients.setdefault(session, {})[client.id] = client
        client.on_delete(lambda: self._forget(client, session))

    def session_of(self, client: Client) -> str | None:
        """The browser session of an open page (None: not a followed page, or on its way out)."""
        for session, clients in self._clients.items():
            if client.id in clients and self.is_open(client):
                return session
        return None

    def is_open(self, client: Client) -> bool:
        """False once the page's session has ended (its client is being deleted)."""
        return client.id not in self._ended and not client.is_deleted

    def sessions(self) -> list[str]:
        """The sessions with open pages."""
        return list(self._clients)

    def check(self) -> None:
        """End every session that is no longer valid (checked without counting as activity)."""
        for session in self.sessions():
            try:
                valid = session_principal(self.system, session, touch=False) is not None
            except Exception as error:  # e.g. the database locked by another process: try again next round
                log.warning('could not check a browser session: %s', error)
                continue
            if not valid:
                self.end(session, 'session no longer valid')

    def end(self, session: str | None, reason: str) -> None:
        """Send every page of ``session`` to ``/login`` and delete its client."""
        clients = self._clients.pop(session or '', {})
        if clients:
            log.info('closing %d page(s) of an ended browser session: %s', len(clients), reason)
        for client in clients.values():
            if client.id not in self._ended and not client.is_deleted:
                self._ended.add(client.id)
                background_tasks.create(self._close(client), name=f'close page {client.id}')

    async def _close(self, client: Client) -> None:
        path = client.page.path if client.page else '/'
        with client:
            ui.navigate.to(f'/login?redirect_to={quote(path)}')
        for _ in range(int(FLUSH_S / 0.05)):  # the message leaves with the client's next send
            if not client.outbox.messages:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)
        if not client.is_deleted:
            client.delete()

    def _forget(self, client: Client, session: str) -> None:
        self._ended.discard(client.id)
        pages = self._clients.get(session)
        if pages is not None:
            pages.pop(client.id, None)
            if not pages:
                self._clients.pop(session, None)
