"""Market data and trading records shared by the engine, store, backtester and API."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    LONG = 'long'
    SHORT = 'short'

    @property
    def sign(self) -> int:
        """+1 for long, -1 for short: PnL = (exit - entry) * quantity * sign."""
        return 1 if self is Side.LONG else -1


class SignalKind(StrEnum):
    LONG = 'long'
    SHORT = 'short'
    FLAT = 'flat'
    """Close any open position on the symbol."""


class TradeStatus(StrEnum):
    OPEN = 'OPEN'
    CLOSED_TP = 'CLOSED_TP'
    CLOSED_SL = 'CLOSED_SL'
    CLOSED_MANUAL = 'CLOSED_MANUAL'
    CLOSED_BOT_EXIT = 'CLOSED_BOT_EXIT'
    CLOSED_LIQUIDATION = 'CLOSED_LIQUIDATION'


class Regime(StrEnum):
    TRENDING_UP = 'trending_up'
    TRENDING_DOWN = 'trending_down'
    SIDEWAYS = 'sideways'
    VOLATILE = 'volatile'
    """Sideways but high volatility: no trade."""
    UNKNOWN = 'unknown'
    """Not enough history yet."""


@dataclass(slots=True, frozen=True)
class Candle:
    """One OHLCV bar; ``time`` is its open time in Unix seconds."""

    symbol: str
    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(slots=True, frozen=True)
class Tick:
    """One traded/mark price of a symbol at ``time`` (Unix seconds)."""

    symbol: str
    time: float
    price: float


@dataclass(slots=True, frozen=True)
class OrderBook:
    """Top of the book: (price, size) levels, best first."""

    symbol: str
    time: float
    bids: tuple[tuple[float, float], ...]
    asks: tuple[tuple[float, float], ...]


@dataclass(slots=True, frozen=True, kw_only=True)
class Signal:
    """What a strategy wants on a closed candle."""

    symbol: str
    kind: SignalKind
    strength: float = 1.0
    """0..1 confidence score."""
    stop_loss: float | None = None
    take_profit: float | None = None
    leverage: float = 1.0
    reason: str = ''
    regime: Regime | None = None


@dataclass(slots=True, kw_only=True)
class OrderRequest:
    """A market order to open a position; sized by exactly one of ``quantity``, ``margin`` or ``all_in``."""

    symbol: str
    side: Side
    leverage: float = 1.0
    quantity: float | None = None
    margin: float | None = None
    all_in: bool = False
    """Use all free balance, in whole units, commission included (resolved at the fill price)."""
    stop_loss: float | None = None
    take_profit: float | None = None
    strategy: str = ''
    regime: str = ''
    reason: str = ''
    id: int = 0
    created_time: float = 0.0


@dataclass(slots=True, kw_only=True)
class Position:
    """An open isolated-margin position."""

    id: int
    symbol: str
    side: Side
    quantity: float
    entry_price: float
    entry_time: float
    leverage: float
    margin: float
    entry_fee: float
    liquidation_price: float
    stop_loss: float | None = None
    take_profit: float | None = None
    initial_stop_loss: float | None = None
    initial_take_profit: float | None = None
    strategy: str = ''
    regime: str = ''
    mark_price: float = 0.0

    @property
    def notional(self) -> float:
        return self.quantity * self.mark_price

    @property
    def unrealized_pnl(self) -> float:
        """Gross PnL at the mark price, before fees."""
        return (self.mark_price - self.entry_price) * self.quantity * self.side.sign

    def net_pnl(self, commission: float) -> float:
        """PnL if closed at the mark now: gross minus the paid entry fee and the exit fee it would cost."""
        return self.unrealized_pnl - self.entry_fee - commission * self.quantity * self.mark_price


@dataclass(slots=True, kw_only=True)
class Trade:
    """A position's whole life: the original bot's trade record."""

    id: int
    symbol: str
    side: Side
    quantity: float
    leverage: float
    margin: float
    entry_price: float
    entry_time: float
    exit_price: float | None
    exit_time: float | None
    entry_fee: float
    exit_fee: float
    pnl: float
    """(exit - entry) * quantity * sign - entry_fee - exit_fee; 0 while open."""
    status: TradeStatus
    exit_reason: str = ''
    stop_loss: float | None = None
    take_profit: float | None = None
    strategy: str = ''
    regime: str = ''

    @property
    def fees(self) -> float:
        return self.entry_fee + self.exit_fee

    @property
    def pnl_pct(self) -> float:
        """PnL as % of the margin put up."""
        return 100.0 * self.pnl / self.margin if self.margin else 0.0


@dataclass(slots=True, frozen=True, kw_only=True)
class Fill:
    """One execution: an entry or an exit of a position."""

    order_id: int
    position_id: int
    symbol: str
    side: Side
    """Side of the position this fill opens or closes."""
    is_entry: bool
    quantity: float
    price: float
    fee: float
    time: float


@dataclass(slots=True, frozen=True)
class EquityPoint:
    """The account at the end of a candle period: the equity curve's points."""

    time: float
    balance: float
    equity: float
    unrealized_pnl: float
