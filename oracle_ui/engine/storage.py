"""What the engine needs from persistence, as protocols: the store implements them, the engine never imports it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from .models import Candle, EquityPoint, Fill, OrderRequest, Position, Trade


class CandleStorage(Protocol):
    """Closed candles of each symbol and timeframe."""

    def save_candles(self, candles: Sequence[Candle], timeframe: str) -> None: ...

    def candles(
        self, symbol: str, timeframe: str, limit: int = 500, *, before: int | None = None, since: int | None = None
    ) -> list[Candle]:
        """The newest ``limit`` candles opening before ``before`` and at or after ``since``, oldest first."""
        ...

    def candle_span(self, symbol: str, timeframe: str) -> tuple[int, int] | None:
        """Open times of the first and the last stored candle, or None."""
        ...

    def prune_candles(self, timeframe: str, before: int) -> int:
        """Delete ``timeframe``'s candles that opened before ``before``; returns how many."""
        ...


class AccountStorage(Protocol):
    """The paper account: balance, orders, fills, trades (an open trade is a position), equity curve, and small
    named values (the daily loss state)."""

    def load_account(self, starting_balance: float) -> tuple[float, float]:
        """(balance, starting balance); creates the account with ``starting_balance`` on first use."""
        ...

    def open_positions(self) -> list[Position]: ...

    def next_order_id(self) -> int: ...

    def trades(self, *, closed_only: bool = False) -> list[Trade]: ...

    def record_order(self, order: OrderRequest, status: str, status_reason: str = '') -> None: ...

    def set_order_status(self, order_ids: Iterable[int], status: str, reason: str) -> None: ...

    def record_open(self, position: Position, fill: Fill, balance: float) -> None:
        """Entry fill, open trade and new balance in one transaction."""
        ...

    def record_close(self, trade: Trade, fill: Fill, balance: float) -> None:
        """Exit fill, closed trade and new balance in one transaction."""
        ...

    def record_equity(self, point: EquityPoint) -> None: ...

    def get_meta(self, key: str, default: str | None = None) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


class EngineStorage(CandleStorage, AccountStorage, Protocol):
    """Everything the trading engine stores and reads back."""
