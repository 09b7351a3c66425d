"""What the analytics read from the database in bulk, as columns: trades overlapping a period, the equity curve
in it, the first and last close of a symbol in it, and the values the filters offer."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.engine import Engine

from .dialect import bytewise
from .schema import candles_table, equity_table, trades_table

TRADE_COLUMNS = (
    'id',
    'symbol',
    'side',
    'strategy',
    'status',
    'entry_time',
    'exit_time',
    'entry_price',
    'exit_price',
    'quantity',
    'margin',
    'pnl',
    'entry_fee',
    'exit_fee',
    'initial_stop_loss',
)


class AnalyticsQueries:
    """Bulk reads for the analytics, on a store's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def trades_overlapping(
        self,
        start: float,
        end: float,
        *,
        symbol: str | None = None,
        side: str | None = None,
        strategy: str | None = None,
    ) -> dict[str, list[Any]]:
        """Columns of every trade open at some time in ``[start, end)`` (open ones included, exit_time None)."""
        t = trades_table.c
        conditions = [t.entry_time < end, or_(t.exit_time.is_(None), t.exit_time >= start)]
        for column, value in ((t.symbol, symbol), (t.side, side), (t.strategy, strategy)):
            if value:
                conditions.append(column == value)
        query = select(*(t[name] for name in TRADE_COLUMNS)).where(and_(*conditions)).order_by(t.id)
        rows = self._tuples(query)
        columns: list[list[Any]] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in TRADE_COLUMNS]
        return dict(zip(TRADE_COLUMNS, columns, strict=True))

    def _tuples(self, query: Select[Any]) -> list[tuple[Any, ...]]:
        """The rows of ``query`` as plain tuples straight from the driver (sqlite3, psycopg): building SQLAlchemy rows
        would take several times as long for the tens of thousands an analysis reads."""
        compiled = query.compile(self.engine, compile_kwargs={'render_postcompile': True})
        parameters: tuple[Any, ...] | dict[str, Any] = (
            tuple(compiled.params[name] for name in compiled.positiontup or ())
            if compiled.positional  # sqlite3: qmark
            else compiled.params  # psycopg: pyformat
        )
        with self.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                rows: list[tuple[Any, ...]] = cursor.execute(str(compiled), parameters).fetchall()
                return rows
            finally:
                cursor.close()

    def equity_between(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """(times, equity) of the stored equity points in ``(start, end]``, in time order: a point is stamped at the
        close of its bar, so these are the bars that opened in ``[start, end)``."""
        e = equity_table.c
        query = select(e.time, e.equity).where(e.time > start, e.time <= end).order_by(e.time)
        rows = self._tuples(query)
        pairs = np.fromiter(itertools.chain.from_iterable(rows), float, 2 * len(rows)).reshape(-1, 2)
        return pairs[:, 0].copy(), pairs[:, 1].copy()

    def equity_before(self, time: float) -> float | None:
        """The equity at ``time``: the last point stored at or before it, or None."""
        e = equity_table.c
        with self.engine.connect() as conn:
            return conn.execute(select(e.equity).where(e.time <= time).order_by(e.time.desc()).limit(1)).scalar()

    def first_and_last_close(self, symbol: str, timeframe: str, start: float, end: float) -> tuple[float, float] | None:
        """Closes of the first and the last ``timeframe`` candle of ``symbol`` opening in ``[start, end)``."""
        c = candles_table.c
        base = select(c.close).where(c.symbol == symbol, c.timeframe == timeframe, c.time >= start, c.time < end)
        with self.engine.connect() as conn:
            first = conn.execute(base.order_by(c.time).limit(1)).scalar()
            last = conn.execute(base.order_by(c.time.desc()).limit(1)).scalar()
        return None if first is None or last is None else (float(first), float(last))

    def trade_values(self) -> dict[str, list[str]]:
        """The symbols and strategies that stored trades have (for filter choices)."""
        t = trades_table.c
        symbol, strategy = bytewise(self.engine, t.symbol), bytewise(self.engine, t.strategy)
        with self.engine.connect() as conn:
            symbols = conn.execute(select(t.symbol).group_by(t.symbol).order_by(symbol)).scalars().all()
            strategies = conn.execute(select(t.strategy).group_by(t.strategy).order_by(strategy)).scalars().all()
        return {'symbols': list(symbols), 'strategies': [s for s in strategies if s]}

    def first_trade_time(self) -> float | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.min(trades_table.c.entry_time))).scalar()

    def last_equity_time(self) -> float | None:
        """When the newest equity point was recorded (the market time the account was last marked at)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(equity_table.c.time))).scalar()
