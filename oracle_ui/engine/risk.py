"""Position sizing and risk limits between a strategy's signal and the broker."""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import RiskSettings
from . import refusals
from .broker import PaperBroker
from .models import OrderRequest, Side, Signal, SignalKind

DAY_S = 86_400


@dataclass(slots=True, frozen=True)
class DailyLossHit:
    """Equity fell ``loss_pct`` below the day's starting equity: no new trades until the next UTC day."""

    day: int
    loss_pct: float
    threshold_pct: float


class RiskManager:
    """Turns signals into sized orders and enforces max positions and the daily loss limit.

    :param settings: sizing mode and limits
    """

    def __init__(self, settings: RiskSettings) -> None:
        self.settings = settings
        self.day = -1
        self.day_start_equity = 0.0
        self.is_blocked = False

    def size(self, signal: Signal, broker: PaperBroker, price: float, *, strategy: str = '') -> OrderRequest | str:
        """A sized order for an entry signal at reference ``price``, or the reason it may not be placed."""
        if signal.kind is SignalKind.FLAT:
            return refusals.FLAT_NOT_SIZED
        if self.is_blocked:
            return refusals.DAILY_LOSS.format(limit=f'{self.settings.max_daily_loss_pct:g}%')
        busy = len(broker.positions) + sum(
            1 for s in broker.symbols if s not in broker.positions and broker.has_pending(s)
        )
        if busy >= self.settings.max_positions:
            return refusals.MAX_POSITIONS.format(count=self.settings.max_positions)
        side = Side(signal.kind.value)
        free = broker.free_balance
        s = self.settings
        quantity: float | None = None
        margin: float | None = None
        if s.sizing == 'fixed':
            margin = s.fixed_margin
        elif s.sizing == 'percent':
            margin = free * s.margin_pct / 100.0
        else:
            if signal.stop_loss is None:
                return refusals.NEEDS_STOP
            distance = abs(price - signal.stop_loss)
            if distance <= 0:
                return refusals.STOP_AT_PRICE
            quantity = broker.equity * s.risk_pct / 100.0 / distance
            margin = quantity * price / signal.leverage
        fee = (margin * signal.leverage) * broker.commission
        if margin <= 0 or margin + fee > free:
            return refusals.COST_OVER_FREE.format(margin=f'{margin:.2f}', fee=f'{fee:.2f}', free=f'{free:.2f}')
        return OrderRequest(
            symbol=signal.symbol,
            side=side,
            leverage=signal.leverage,
            quantity=quantity,
            margin=None if quantity is not None else margin,
            stop_loss=signal.stop_loss,
            take_profit=signal.take_profit,
            strategy=strategy,
            regime=signal.regime.value if signal.regime else '',
            reason=signal.reason,
        )

    def roll_day(self, time: float, equity: float) -> bool:
        """Start the UTC day of ``time`` at ``equity`` if it is a later day than the current one; True if it did."""
        day = int(time // DAY_S)
        if day == self.day:
            return False
        self.day, self.day_start_equity, self.is_blocked = day, equity, False
        return True

    def restore_day(self, day: int, start_equity: float, *, is_blocked: bool) -> None:
        """Resume a day already under way (after a restart): its starting equity and whether it is blocked."""
        self.day, self.day_start_equity, self.is_blocked = day, start_equity, is_blocked

    def check_daily_loss(self, time: float, equity: float) -> DailyLossHit | None:
        """Track the day's starting equity; returns the hit the first time the limit is crossed that day."""
        self.roll_day(time, equity)
        if self.is_blocked or self.day_start_equity <= 0:
            return None
        loss_pct = 100.0 * (self.day_start_equity - equity) / self.day_start_equity
        if loss_pct >= self.settings.max_daily_loss_pct:
            self.is_blocked = True
            return DailyLossHit(self.day, loss_pct, self.settings.max_daily_loss_pct)
        return None
