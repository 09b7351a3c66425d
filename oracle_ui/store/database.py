"""Persistence (SQLAlchemy 2 Core): the :class:`Store` over account, orders, fills, trades, equity, candles,
events, meta values and preferences, in a SQLite file (the default, WAL) or a PostgreSQL database.

The tables are defined in :mod:`.schema`; opening a :class:`Store` migrates its database to them (:mod:`.migrate`).

A trade row with status ``OPEN`` is an open position; fills are written in the same transaction as the trade
row and the balance, so a restart resumes with a consistent account. On SQLite, ``synchronous=NORMAL`` in WAL
mode keeps every committed transaction across a process crash (power loss may drop the last few); PostgreSQL
keeps every committed transaction across both (with its default ``synchronous_commit=on``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ..engine.models import Candle, EquityPoint, Fill, OrderRequest, Position, Trade
from .account import AccountRecords
from .analytics_queries import AnalyticsQueries
from .backtest_runs import BacktestRuns
from .candles import CandleStore
from .dialect import shown, upsert
from .event_log import EventLog
from .lock_wait import LockWait
from .migrate import MIGRATIONS_DIR, Migration, migrate
from .schema import meta_table, preferences_table
from .trade_history import TradeHistory
from .writer import StoreWriter

BUSY_TIMEOUT_MS = 1000
"""How long a write waits for another process's lock before failing. Writes run on the event loop, so this
bounds how long an external lock (a stuck backup, a CLI) can stall it; a failed write is reported, not hidden.
While a lock is known to be held, writes do not wait at all (:class:`~oracle_ui.lock_wait.LockWait`). SQLite only."""


DIALECTS = ('sqlite', 'postgresql')
"""The databases the store's SQL is written and tested for."""


class DatabaseUnavailable(ValueError):
    """The database cannot be opened (no such driver, a URL that is not one, a server that does not answer or
    refuses the login); the message names it without its password and says what to check."""


class Store(AccountRecords, TradeHistory, CandleStore, EventLog):
    """The bot's database: its meta values and preferences here, the rest by job in the classes it is made of
    (:mod:`.account`, :mod:`.trade_history`, :mod:`.candles`, :mod:`.event_log`) and in :attr:`backtest_runs` and
    :attr:`analytics`.

    Opening it brings its schema to this version's (:func:`~oracle_ui.store.migrate.migrate`).

    :param location: a SQLite file (its directory is created), ``:memory:``, or any SQLAlchemy URL, e.g.
        ``postgresql+psycopg://user:password@host/database``
    :param migrations: the Alembic script directory (default: the package's own)
    :raises DatabaseUnavailable: the database cannot be reached (the message says what to check)
    :raises MigrationError: the schema could not be brought up to date (the message says what to do)
    """

    def __init__(self, location: Path | str, *, migrations: Path = MIGRATIONS_DIR) -> None:
        url = _url(location)
        self.is_sqlite = url.get_backend_name() == 'sqlite'
        is_file = self.is_sqlite and url.database not in (None, '', ':memory:')
        self.path: Path | None = Path(url.database) if is_file and url.database else None
        """The SQLite file (None: in memory, or another database)."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.name = shown(url)
        """The database as messages name it (no password)."""
        self.engine: Engine = _engine(url, self.name)
        if self.is_sqlite:
            event.listen(self.engine, 'connect', _configure_connection)
            self.lock_wait = LockWait(self.engine, BUSY_TIMEOUT_MS)
        try:
            _check_connection(self.engine, self.name, url)
            self.migration: Migration = migrate(self.engine, migrations)
            """What opening did to the schema (the migrations applied, the copy made before)."""
        except BaseException:
            self.engine.dispose()
            raise
        self.backtest_runs = BacktestRuns(self.engine)
        """Saved backtests."""
        self.analytics = AnalyticsQueries(self.engine)
        """Bulk reads for the analytics."""
        self.writer: StoreWriter | None = None if self.is_sqlite else StoreWriter(self.name)
        """Runs the engine's writes off the event loop (:mod:`.writer`); None on SQLite, which writes on the loop."""
        if self.writer is not None:
            event.listen(self.engine, 'engine_connect', self._after_writes)

    def close(self) -> None:
        """Finish the queued writes and close the database's connections."""
        if self.writer is not None:
            self.writer.close()
        self.engine.dispose()

    def _after_writes(self, _conn: Connection) -> None:
        """Every statement outside the writer waits for the writes handed to it before (read your own writes)."""
        if self.writer is not None:
            self.writer.wait_idle()

    def _behind(self, write: Callable[..., object], *args: Any) -> None:
        """``write(*args)`` on the writer if there is one (the arguments copied now: the engine changes its
        positions and orders in place), else here and now."""
        if self.writer is None:
            write(*args)
        else:
            self.writer.submit(partial(write, *(copy(a) for a in args)))

    # ---- the engine's writes: behind on PostgreSQL --------------------------------------------------------
    def record_order(self, order: OrderRequest, status: str, status_reason: str = '') -> None:
        self._behind(super().record_order, order, status, status_reason)

    def set_order_status(self, order_ids: Iterable[int], status: str, reason: str) -> None:
        self._behind(super().set_order_status, list(order_ids), status, reason)

    def record_open(self, position: Position, fill: Fill, balance: float) -> None:
        self._behind(super().record_open, position, fill, balance)

    def record_close(self, trade: Trade, fill: Fill, balance: float) -> None:
        self._behind(super().record_close, trade, fill, balance)

    def record_equity(self, point: EquityPoint) -> None:
        self._behind(super().record_equity, point)

    def save_candles(self, candles: Sequence[Candle], timeframe: str) -> None:
        self._behind(super().save_candles, list(candles), timeframe)

    @property
    def size_bytes(self) -> int:
        """Database size on disk: a SQLite file's including its write-ahead log, a PostgreSQL database's as the
        server counts it (``pg_database_size``)."""
        if self.is_sqlite:
            files = (self.path, self.path.with_name(f'{self.path.name}-wal')) if self.path else ()
            return sum(p.stat().st_size for p in files if p.exists())
        with self.engine.connect() as conn:
            return int(conn.execute(text('SELECT pg_database_size(current_database())')).scalar_one())

    # ---- meta --------------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).scalar()
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        self._behind(self._set_meta, key, value)

    def _set_meta(self, key: str, value: str) -> None:
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
                upsert(conn, preferences_table)
                .values(owner=owner, key=key, **row)
                .on_conflict_do_update(index_elements=['owner', 'key'], set_=row)
            )


def _url(location: Path | str) -> URL:
    """``location`` as a URL: a path is a SQLite file; a URL's text is never repeated (it may hold a password)."""
    if isinstance(location, Path) or '://' not in location:
        return URL.create('sqlite', database=str(location))
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):
        raise DatabaseUnavailable(
            'the database URL is not one SQLAlchemy reads: use dialect+driver://user:password@host:port/database, '
            'e.g. postgresql+psycopg://oracle:PASSWORD@localhost/oracle'
        ) from None
    if url.get_backend_name() not in DIALECTS:
        raise DatabaseUnavailable(
            f'database {shown(url)}: Oracle Trader stores its data in SQLite or PostgreSQL '
            '(postgresql+psycopg://user:password@host/database), not in this database'
        )
    return url


def _engine(url: URL, name: str) -> Engine:
    try:
        if url.get_backend_name() == 'sqlite':
            return create_engine(url)
        return create_engine(url, pool_pre_ping=True)  # a connection the server dropped is replaced, not used
    except (NoSuchModuleError, ImportError) as error:
        hint = ' (pip install "oracle-trader[postgres]")' if url.get_backend_name() == 'postgresql' else ''
        raise DatabaseUnavailable(f'database {name}: its driver is not installed{hint}: {error}') from None


def _check_connection(engine: Engine, name: str, url: URL) -> None:
    """Connect once, so that an unreachable server or a refused login is reported as that, in one line."""
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        cause = ' '.join(str(error.orig or error).split())
        if url.password:
            cause = cause.replace(str(url.password), '***')
        raise DatabaseUnavailable(
            f'database {name}: cannot connect ({type(error.orig or error).__name__}: {cause}): check '
            'ORACLE_DATABASE_URL and that the server is running and accepts this user'
        ) from None


def _configure_connection(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
    cursor.close()
    record.info['busy_timeout_ms'] = BUSY_TIMEOUT_MS


def _upsert_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        upsert(conn, meta_table)
        .values(key=key, value=value)
        .on_conflict_do_update(index_elements=['key'], set_={'value': value})
    )
