"""The account's records: balance, orders, positions opened and closed (each fill written in the same transaction
as its trade row and the balance), the equity curve."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from ..engine.models import EquityPoint, Fill, OrderRequest, Position, Side, Trade, TradeStatus
from .dialect import upsert
from .schema import account_table, equity_table, fills_table, orders_table, trades_table


class AccountRecords:
    """:class:`~.database.Store`'s account, order, position and equity methods."""

    engine: Engine

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

    def record_equity(self, point: EquityPoint) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                upsert(conn, equity_table)
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
        upsert(conn, orders_table)
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
