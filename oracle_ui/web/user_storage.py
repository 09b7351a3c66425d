"""NiceGUI's per-browser user storage looked up by session id, for what its public API does not offer: reading
the storage of a browser session other than the current request's, and giving a browser a new session id.

NiceGUI keys ``app.storage.user`` by ``request.session['id']``, a random id in the signed session cookie; this is
the one module that reaches into its storage internals (``Storage._users``, ``_create_user_storage``), so a
NiceGUI upgrade that moves them breaks here, and the session tests say so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, MutableMapping
from typing import Any

from nicegui import app
from starlette.requests import HTTPConnection


def session_id(connection: HTTPConnection) -> str | None:
    """The browser session a request (or a page's request) belongs to."""
    value = connection.session.get('id') if 'session' in connection.scope else None
    return value if isinstance(value, str) else None


def storage_of(session: str | None) -> MutableMapping[str, Any] | None:
    """The user storage of ``session``, if NiceGUI holds it (it does while a request or a page of it is open)."""
    if not session:
        return None
    storage: MutableMapping[str, Any] | None = app.storage._users.get(session)
    return storage


async def renew(connection: HTTPConnection, keep: Iterable[str] = ()) -> MutableMapping[str, Any]:
    """Give the browser of ``connection`` a new session id (its cookie changes with this response) and a new user
    storage holding only the ``keep`` keys of the old one, which is emptied: whoever holds a copy of the old
    cookie holds nothing. Returns the new storage (``app.storage.user`` for the rest of this request)."""
    old = storage_of(session_id(connection))
    carried = {key: old[key] for key in keep if old is not None and key in old}
    if old is not None:
        old.clear()
    new_id = str(uuid.uuid4())
    await app.storage._create_user_storage(new_id)
    connection.session['id'] = new_id
    storage = app.storage._users[new_id]
    storage.update(carried)
    return storage
