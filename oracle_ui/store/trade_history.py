"""Trade history: trades (open and closed) by filter, page and sort order, and their fills."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from ..engine.models import Fill, Side, Trade, TradeStatus
from .dialect import bytewise
from .schema import fills_table, trades_table


class TradeHistory:
    """:class:`~.database.Store`'s trade and fill queries."""

    engine: Engine

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
        column, ids = bytewise(self.engine, trades_table.c.get(order_by, trades_table.c.id)), trades_table.c.id
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
