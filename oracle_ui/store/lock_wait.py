"""How long the store's statements wait for another process's SQLite lock.

The store runs on the event loop, so a statement that waits out SQLite's busy timeout freezes the whole app for
that long. The first statement that meets a lock waits the full timeout (a short lock, e.g. the CLI adding a
user, passes unnoticed); once one has failed on a lock, the following ones fail at once instead of each waiting
again — they would fail as well, and their callers report it — until a write commits again.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext


class LockWait:
    """Applies the policy above to ``engine`` (SQLite through the standard ``sqlite3`` driver)."""

    def __init__(self, engine: Engine, busy_timeout_ms: int) -> None:
        self.busy_timeout_ms = busy_timeout_ms
        self.locked_out = False
        """A statement failed on a lock and no write has committed since."""
        event.listen(engine, 'begin', self._on_begin)
        event.listen(engine, 'commit', self._on_commit)
        event.listen(engine, 'handle_error', self._on_error)

    def _on_begin(self, conn: Connection) -> None:
        wanted = 0 if self.locked_out else self.busy_timeout_ms
        info: dict[str, Any] = conn.connection.info  # per database connection
        if info.get('busy_timeout_ms') != wanted:
            conn.connection.dbapi_connection.execute(f'PRAGMA busy_timeout={wanted}')  # type: ignore[union-attr]
            info['busy_timeout_ms'] = wanted

    def _on_commit(self, _conn: Connection) -> None:
        self.locked_out = False

    def _on_error(self, context: ExceptionContext) -> None:
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and 'locked' in str(error):
            self.locked_out = True
