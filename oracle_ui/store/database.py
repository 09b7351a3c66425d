"""SQLite persistence (SQLAlchemy 2 Core, WAL): the :class:`Store` over account, orders, fills, trades, equity,
candles, events, meta values and preferences.

The tables are defined in :mod:`.schema`; opening a :class:`Store` migrates its file to them (:mod:`.migrate`).

A trade row with status ``OPEN`` is an open position; fills are written in the same transaction as the trade
row and the balance, so a restart resumes with a consistent account. ``synchronous=NORMAL`` in WAL mode keeps
every committed transaction across a process crash (power loss may drop the last few).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from .account import AccountRecords
from .analytics_queries import AnalyticsQueries
from .backtest_runs import BacktestRuns
from .candles import CandleStore
from .event_log import EventLog
from .lock_wait import LockWait
from .migrate import MIGRATIONS_DIR, Migration, migrate
from .schema import meta_table, preferences_table
from .trade_history import TradeHistory

BUSY_TIMEOUT_MS = 1000
"""How long a write waits for another process's lock before failing. Writes run on the event loop, so this
bounds how long an external lock (a stuck backup, a CLI) can stall it; a failed write is reported, not hidden.
While a lock is known to be held, writes do not wait at all (:class:`~oracle_ui.lock_wait.LockWait`)."""


class Store(AccountRecords, TradeHistory, CandleStore, EventLog):
    """The bot's SQLite database: its meta values and preferences here, the rest by job in the classes it is made of
    (:mod:`.account`, :mod:`.trade_history`, :mod:`.candles`, :mod:`.event_log`) and in :attr:`backtest_runs` and
    :attr:`analytics`.

    Opening it brings its schema to this version's (:func:`~oracle_ui.store.migrate.migrate`).

    :param path: database file (its directory is created), or ``:memory:``
    :param migrations: the Alembic script directory (default: the package's own)
    :raises MigrationError: the schema could not be brought up to date (the message says what to do)
    """

    def __init__(self, path: Path | str, *, migrations: Path = MIGRATIONS_DIR) -> None:
        if str(path) != ':memory:':
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.engine: Engine = create_engine(f'sqlite:///{path}')
        event.listen(self.engine, 'connect', _configure_connection)
        self.lock_wait = LockWait(self.engine, BUSY_TIMEOUT_MS)
        try:
            self.migration: Migration = migrate(self.engine, migrations)
            """What opening did to the schema (the migrations applied, the copy made before)."""
        except BaseException:
            self.engine.dispose()
            raise
        self.backtest_runs = BacktestRuns(self.engine)
        """Saved backtests."""
        self.analytics = AnalyticsQueries(self.engine)
        """Bulk reads for the analytics."""

    def close(self) -> None:
        self.engine.dispose()

    @property
    def size_bytes(self) -> int:
        """Database size on disk including its write-ahead log."""
        if str(self.path) == ':memory:':
            return 0
        return sum(p.stat().st_size for p in (Path(self.path), Path(f'{self.path}-wal')) if p.exists())

    # ---- meta --------------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).scalar()
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            _upsert_meta(conn, key, value)

    # ---- preferences -------------------------------------------------------------------------------------
    def get_preference(self, owner: str, key: str) -> str | None:
        """The JSON document ``owner`` saved under ``key``, or None."""
        query = select(preferences_table.c.value).where(
            preferences_table.c.owner == owner, preferences_table.c.key == key
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def set_preference(self, owner: str, key: str, value: str) -> None:
        """Save the JSON document ``value`` for ``owner`` under ``key``; raises ValueError if it is not JSON."""
        orjson.loads(value)
        row = {'value': value, 'updated_time': time.time()}
        with self.engine.begin() as conn:
            conn.execute(
                sqlite_insert(preferences_table)
                .values(owner=owner, key=key, **row)
                .on_conflict_do_update(index_elements=['owner', 'key'], set_=row)
            )


def _configure_connection(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
    cursor.close()
    record.info['busy_timeout_ms'] = BUSY_TIMEOUT_MS


def _upsert_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        sqlite_insert(meta_table)
        .values(key=key, value=value)
        .on_conflict_do_update(index_elements=['key'], set_={'value': value})
    )
