"""SQLite persistence (SQLAlchemy 2 Core, WAL): account, orders, fills, trades, equity, candles, events, preferences.

The tables are defined in :mod:`.schema`; opening a :class:`Store` migrates its file to them (:mod:`.migrate`).

A trade row with status ``OPEN`` is an open position; fills are written in the same transaction as the trade
row and the balance, so a restart resumes with a consistent account. ``synchronous=NORMAL`` in WAL mode keeps
every committed transaction across a process crash (power loss may drop the last few).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Integer,
    String,
    and_,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from ..engine.models import Candle, EquityPoint, Fill, OrderRequest, Position, Side, Trade, TradeStatus
from ..events import Event, EventType
from .analytics_queries import AnalyticsQueries
from .backtest_runs import BacktestRuns
from .lock_wait import LockWait
from .migrate import MIGRATIONS_DIR, Migration, migrate
from .schema import (
    account_table,
    candles_table,
    equity_table,
    events_table,
    fills_table,
    meta_table,
    orders_table,
    preferences_table,
    trades_table,
)

BUSY_TIMEOUT_MS = 1000
"""How long a write waits for another process's lock before failing. Writes run on the event loop, so this
bounds how long an external lock (a stuck backup, a CLI) can stall it; a failed write is reported, not hidden.
While a lock is known to be held, writes do not wait at all (:class:`~oracle_ui.lock_wait.LockWait`)."""

ID_LIMIT_KEY = 'event_id_limit'


class Store:
    """The bot's SQLite database.

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

    def reserve_ids(self, count: int, floor: int = 1) -> tuple[int, int]:
        """Durably reserve ``count`` event ids, none below ``floor`` nor below any id stored or reserved before
        (by this or another process); returns ``(first, limit)``: ids ``first .. limit - 1`` are the caller's."""
        with self.engine.begin() as conn:
            conn.execute(sqlite_insert(meta_table).values(key=ID_LIMIT_KEY, value='1').on_conflict_do_nothing())
            highest = select(func.coalesce(func.max(events_table.c.id), 0) + 1).scalar_subquery()
            reserved = func.max(cast(meta_table.c.value, Integer), highest, floor)
            limit = conn.execute(
                update(meta_table)
                .where(meta_table.c.key == ID_LIMIT_KEY)
                .values(value=cast(reserved + count, String))
                .returning(meta_table.c.value)
            ).scalar_one()
        return int(limit) - count, int(limit)

    def first_event_id(self) -> int:
        """Where ids continue after a restart: past every id that may have been handed out."""
        with self.engine.connect() as conn:
            stored = conn.execute(select(func.max(events_table.c.id))).scalar() or 0
        return max(stored + 1, int(self.get_meta(ID_LIMIT_KEY, '1') or 1))

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

    # ---- account and trading -----------------------------------------------------------------------------
    def load_account(self, starting_balance: float) -> tuple[float, float]:
        """(balance, starting balance); creates the account with ``starting_balance`` on first use."""
        with self.engine.begin() as conn:
            row = conn.execute(select(account_table).where(account_table.c.id == 1)).first()
            if row is None:
                conn.execute(
                    insert(account_table).values(
                        id=1, balance=starting_balance, starting_balance=starting_balance, updated_time=0.0
                    )
                )
                return starting_balance, starting_balance
            return row.balance, row.starting_balance

    def record_order(self, order: OrderRequest, status: str, status_reason: str = '') -> None:
        with self.engine.begin() as conn:
            _upsert_order(conn, order, status, status_reason)

    def set_order_status(self, order_ids: Iterable[int], status: str, reason: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(orders_table)
                .where(orders_table.c.id.in_(list(order_ids)))
                .values(status=status, status_reason=reason)
            )

    def record_open(self, position: Position, fill: Fill, balance: float) -> None:
        """Entry fill, open trade row, filled order and new balance in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(insert(fills_table).values(**_fill_row(fill)))
            conn.execute(insert(trades_table).values(**_open_trade_row(position)))
            conn.execute(
                update(orders_table).where(orders_table.c.id == fill.order_id).values(status='filled', status_reason='')
            )
            _set_balance(conn, balance, fill.time)

    def record_close(self, trade: Trade, fill: Fill, balance: float) -> None:
        """Exit fill, closed trade row and new balance in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(insert(fills_table).values(**_fill_row(fill)))
            conn.execute(
                update(trades_table)
                .where(trades_table.c.id == trade.id)
                .values(
                    exit_price=trade.exit_price,
                    exit_time=trade.exit_time,
                    exit_fee=trade.exit_fee,
                    pnl=trade.pnl,
                    status=trade.status.value,
                    exit_reason=trade.exit_reason,
                )
            )
            _set_balance(conn, balance, fill.time)

    def open_positions(self) -> list[Position]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(trades_table).where(trades_table.c.status == TradeStatus.OPEN.value).order_by(trades_table.c.id)
            ).all()
        return [
            Position(
                id=r.id,
                symbol=r.symbol,
                side=Side(r.side),
                quantity=r.quantity,
                entry_price=r.entry_price,
                entry_time=r.entry_time,
                leverage=r.leverage,
                margin=r.margin,
                entry_fee=r.entry_fee,
                liquidation_price=r.liquidation_price,
                stop_loss=r.stop_loss,
                take_profit=r.take_profit,
                initial_stop_loss=r.initial_stop_loss,
                initial_take_profit=r.initial_take_profit,
                strategy=r.strategy,
                regime=r.regime,
                mark_price=r.entry_price,
            )
            for r in rows
        ]

    def next_order_id(self) -> int:
        with self.engine.connect() as conn:
            ids = [conn.execute(select(func.max(t.c.id))).scalar() or 0 for t in (orders_table, trades_table)]
            ids.append(conn.execute(select(func.max(fills_table.c.order_id))).scalar() or 0)
        return max(ids) + 1

    def trades(
        self,
        *,
        symbol: str | None = None,
        side: str | None = None,
        status: str | None = None,
        since: float | None = None,
        until: float | None = None,
        closed_only: bool = False,
        newest_first: bool = True,
        limit: int | None = None,
        offset: int = 0,
        order_by: str = 'id',
    ) -> list[Trade]:
        """Trades matching every given filter; ``order_by`` is a column name (id, symbol, entry_time, pnl ...)."""
        conditions = self._trade_conditions(
            symbol=symbol, side=side, status=status, since=since, until=until, closed_only=closed_only
        )
        column, ids = trades_table.c.get(order_by, trades_table.c.id), trades_table.c.id
        order = (column.desc(), ids.desc()) if newest_first else (column.asc(), ids.asc())  # ties: by id, same way
        query = select(trades_table).where(and_(True, *conditions)).order_by(*order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_trade_from_row(r) for r in conn.execute(query)]

    def count_trades(self, **filters: Any) -> int:
        conditions = self._trade_conditions(**filters)
        with self.engine.connect() as conn:
            return (
                conn.execute(select(func.count()).select_from(trades_table).where(and_(True, *conditions))).scalar()
                or 0
            )

    @staticmethod
    def _trade_conditions(
        *,
        symbol: str | None = None,
        side: str | None = None,
        status: str | None = None,
        since: float | None = None,
        until: float | None = None,
        closed_only: bool = False,
    ) -> list[Any]:
        conditions = []
        if symbol:
            conditions.append(trades_table.c.symbol == symbol)
        if side:
            conditions.append(trades_table.c.side == side)
        if status:
            conditions.append(trades_table.c.status == status)
        if closed_only:
            conditions.append(trades_table.c.status != TradeStatus.OPEN.value)
        if since is not None:
            conditions.append(trades_table.c.entry_time >= since)
        if until is not None:
            conditions.append(trades_table.c.entry_time < until)
        return conditions

    def fills(self, position_id: int | None = None) -> list[Fill]:
        query = select(fills_table).order_by(fills_table.c.id)
        if position_id is not None:
            query = query.where(fills_table.c.position_id == position_id)
        with self.engine.connect() as conn:
            return [
                Fill(
                    order_id=r.order_id,
                    position_id=r.position_id,
                    symbol=r.symbol,
                    side=Side(r.side),
                    is_entry=r.is_entry,
                    quantity=r.quantity,
                    price=r.price,
                    fee=r.fee,
                    time=r.time,
                )
                for r in conn.execute(query)
            ]

    def record_equity(self, point: EquityPoint) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sqlite_insert(equity_table)
                .values(
                    time=point.time, balance=point.balance, equity=point.equity, unrealized_pnl=point.unrealized_pnl
                )
                .on_conflict_do_update(
                    index_elements=['time'],
                    set_={'balance': point.balance, 'equity': point.equity, 'unrealized_pnl': point.unrealized_pnl},
                )
            )

    def equity_curve(self, limit: int = 5000) -> list[EquityPoint]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(equity_table).order_by(equity_table.c.time.desc()).limit(limit)).all()
        return [EquityPoint(r.time, r.balance, r.equity, r.unrealized_pnl) for r in reversed(rows)]

    # ---- candles -----------------------------------------------------------------------------------------
    def save_candles(self, candles: Sequence[Candle], timeframe: str) -> None:
        if not candles:
            return
        rows = [
            {
                'symbol': c.symbol,
                'timeframe': timeframe,
                'time': c.time,
                'open': c.open,
                'high': c.high,
                'low': c.low,
                'close': c.close,
                'volume': c.volume,
            }
            for c in candles
        ]
        statement = sqlite_insert(candles_table)
        statement = statement.on_conflict_do_update(
            index_elements=['symbol', 'timeframe', 'time'],
            set_={k: statement.excluded[k] for k in ('open', 'high', 'low', 'close', 'volume')},
        )
        with self.engine.begin() as conn:
            conn.execute(statement, rows)

    def candles(
        self, symbol: str, timeframe: str, limit: int = 500, *, before: int | None = None, since: int | None = None
    ) -> list[Candle]:
        """The newest ``limit`` candles opening before ``before`` (default: all) and at or after ``since``
        (default: any), oldest first."""
        c = candles_table.c
        query = select(candles_table).where(c.symbol == symbol, c.timeframe == timeframe)
        if before is not None:
            query = query.where(c.time < before)
        if since is not None:
            query = query.where(c.time >= since)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(c.time.desc()).limit(limit)).all()
        return [Candle(r.symbol, r.time, r.open, r.high, r.low, r.close, r.volume) for r in reversed(rows)]

    def candle_span(self, symbol: str, timeframe: str) -> tuple[int, int] | None:
        """Open times of the first and the last stored candle, or None if there is none."""
        c = candles_table.c
        query = select(func.min(c.time), func.max(c.time)).where(c.symbol == symbol, c.timeframe == timeframe)
        with self.engine.connect() as conn:
            first, last = conn.execute(query).one()
        return None if first is None else (int(first), int(last))

    def prune_candles(self, timeframe: str, before: int) -> int:
        """Delete ``timeframe``'s candles that opened before ``before``; returns how many."""
        c = candles_table.c
        with self.engine.begin() as conn:
            return conn.execute(delete(candles_table).where(c.timeframe == timeframe, c.time < before)).rowcount

    # ---- events ------------------------------------------------------------------------------------------
    def append_event(self, event_: Event) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(events_table).values(
                    id=event_.id,
                    type=event_.type.value,
                    topic=event_.topic.value,
                    timestamp=event_.timestamp,
                    source=event_.source,
                    client_id=event_.client_id,
                    data=orjson.dumps(event_.data).decode(),
                )
            )

    def events(
        self,
        *,
        topic: str | None = None,
        type_: str | None = None,
        since_id: int = 0,
        until_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        search: str | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Event]:
        """Stored events matching every given filter, by id."""
        conditions = [
            events_table.c.id > since_id,
            *_event_conditions(topic=topic, type_=type_, since=since, until=until, search=search),
        ]
        if until_id is not None:
            conditions.append(events_table.c.id <= until_id)
        order = events_table.c.id.desc() if newest_first else events_table.c.id.asc()
        query = select(events_table).where(*conditions).order_by(order).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [
                Event(
                    id=r.id,
                    type=EventType(r.type),
                    data=orjson.loads(r.data),
                    timestamp=r.timestamp,
                    source=r.source,
                    client_id=r.client_id,
                )
                for r in conn.execute(query)
            ]

    def count_events(
        self,
        *,
        topic: str | None = None,
        type_: str | None = None,
        since: float | None = None,
        until: float | None = None,
        search: str | None = None,
    ) -> int:
        conditions = _event_conditions(topic=topic, type_=type_, since=since, until=until, search=search)
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(events_table).where(*conditions)).scalar() or 0

    def oldest_event_id(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.min(events_table.c.id))).scalar()


def _event_conditions(
    *, topic: str | None, type_: str | None, since: float | None, until: float | None, search: str | None
) -> list[Any]:
    conditions: list[Any] = []
    if topic:
        conditions.append(events_table.c.topic == topic)
    if type_:
        conditions.append(events_table.c.type == type_)
    if since is not None:
        conditions.append(events_table.c.timestamp >= since)
    if until is not None:
        conditions.append(events_table.c.timestamp < until)
    if search:
        pattern = '%' + search.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        conditions.append(
            events_table.c.data.like(pattern, escape='\\') | events_table.c.type.like(pattern, escape='\\')
        )
    return conditions


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


def _set_balance(conn: Connection, balance: float, time: float) -> None:
    conn.execute(update(account_table).where(account_table.c.id == 1).values(balance=balance, updated_time=time))


def _upsert_order(conn: Connection, order: OrderRequest, status: str, status_reason: str) -> None:
    values = {
        'symbol': order.symbol,
        'side': order.side.value,
        'leverage': order.leverage,
        'quantity': order.quantity,
        'margin': order.margin,
        'all_in': order.all_in,
        'stop_loss': order.stop_loss,
        'take_profit': order.take_profit,
        'strategy': order.strategy,
        'reason': order.reason,
        'status': status,
        'status_reason': status_reason,
        'created_time': order.created_time,
    }
    conn.execute(
        sqlite_insert(orders_table)
        .values(id=order.id, **values)
        .on_conflict_do_update(index_elements=['id'], set_=values)
    )


def _fill_row(fill: Fill) -> dict[str, Any]:
    return {
        'order_id': fill.order_id,
        'position_id': fill.position_id,
        'symbol': fill.symbol,
        'side': fill.side.value,
        'is_entry': fill.is_entry,
        'quantity': fill.quantity,
        'price': fill.price,
        'fee': fill.fee,
        'time': fill.time,
    }


def _open_trade_row(p: Position) -> dict[str, Any]:
    return {
        'id': p.id,
        'symbol': p.symbol,
        'side': p.side.value,
        'quantity': p.quantity,
        'leverage': p.leverage,
        'margin': p.margin,
        'entry_price': p.entry_price,
        'entry_time': p.entry_time,
        'exit_price': None,
        'exit_time': None,
        'entry_fee': p.entry_fee,
        'exit_fee': 0.0,
        'pnl': 0.0,
        'status': TradeStatus.OPEN.value,
        'exit_reason': '',
        'stop_loss': p.stop_loss,
        'take_profit': p.take_profit,
        'initial_stop_loss': p.initial_stop_loss,
        'initial_take_profit': p.initial_take_profit,
        'liquidation_price': p.liquidation_price,
        'strategy': p.strategy,
        'regime': p.regime,
    }


def _trade_from_row(r: Any) -> Trade:
    return Trade(
        id=r.id,
        symbol=r.symbol,
        side=Side(r.side),
        quantity=r.quantity,
        leverage=r.leverage,
        margin=r.margin,
        entry_price=r.entry_price,
        entry_time=r.entry_time,
        exit_price=r.exit_price,
        exit_time=r.exit_time,
        entry_fee=r.entry_fee,
        exit_fee=r.exit_fee,
        pnl=r.pnl,
        status=TradeStatus(r.status),
        exit_reason=r.exit_reason,
        stop_loss=r.initial_stop_loss,
        take_profit=r.initial_take_profit,
        strategy=r.strategy,
        regime=r.regime,
    )
