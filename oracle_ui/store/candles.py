"""Stored candles per symbol and timeframe: saved (a candle stored again replaces the old one), read by page, pruned."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from ..engine.models import Candle
from .dialect import upsert
from .schema import candles_table


class CandleStore:
    """:class:`~.database.Store`'s candle methods."""

    engine: Engine

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
        with self.engine.begin() as conn:
            statement = upsert(conn, candles_table)
            statement = statement.on_conflict_do_update(
                index_elements=['symbol', 'timeframe', 'time'],
                set_={k: statement.excluded[k] for k in ('open', 'high', 'low', 'close', 'volume')},
            )
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
