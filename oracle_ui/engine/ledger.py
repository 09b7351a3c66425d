"""The paper account's books: balance and positions restored from the store, fills and trades written before
they are announced, realized PnL and fees, the equity curve, the daily loss limit (its day, starting equity and
block survive a restart) and the account events."""

from __future__ import annotations

import orjson

from ..bus import EventBus
from ..clock import Clock
from ..events import BalanceUpdate, EventType, PnlUpdate, PortfolioUpdate, RiskLimitHit
from ..settings import Settings
from .broker import PaperBroker, PositionClosed, PositionOpened
from .models import EquityPoint
from .risk import RiskManager
from .storage import AccountStorage

DAILY_LOSS_KEY = 'daily_loss'
PNL_INTERVAL_S = 1.0
"""``pnl_update`` at most this often (it is stored)."""


class Ledger:
    """Keeps the store and the account's running totals in step with the broker.

    :param clock: paces ``pnl_update``
    """

    def __init__(
        self,
        *,
        settings: Settings,
        broker: PaperBroker,
        risk: RiskManager,
        store: AccountStorage,
        bus: EventBus,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.broker = broker
        self.risk = risk
        self.store = store
        self.bus = bus
        self.clock = clock
        self.realized_pnl = 0.0
        self.total_fees = 0.0
        self._last_pnl_publish = -PNL_INTERVAL_S
        self._last_equity_time = -1

    def restore(self) -> None:
        """Balance, open positions, totals and the daily loss state from the store."""
        balance, _start = self.store.load_account(self.settings.starting_balance)
        self.broker.restore(balance=balance, positions=self.store.open_positions(), next_id=self.store.next_order_id())
        closed = self.store.trades(closed_only=True)
        self.realized_pnl = sum(t.pnl for t in closed)
        self.total_fees = sum(t.fees for t in closed) + sum(p.entry_fee for p in self.broker.positions.values())
        if stored := self.store.get_meta(DAILY_LOSS_KEY):
            day = orjson.loads(stored)
            self.risk.restore_day(day['day'], day['start_equity'], is_blocked=day['blocked'])

    # ---- fills -------------------------------------------------------------------------------------------
    def opened(self, update: PositionOpened) -> None:
        """Entry fill, open trade and new balance in one transaction."""
        self.store.record_open(update.position, update.fill, self.broker.balance)
        self.total_fees += update.fill.fee

    def closed(self, update: PositionClosed) -> None:
        """Exit fill, closed trade and new balance in one transaction."""
        self.store.record_close(update.trade, update.fill, self.broker.balance)
        self.realized_pnl += update.trade.pnl
        self.total_fees += update.fill.fee

    # ---- daily loss --------------------------------------------------------------------------------------
    @property
    def daily_pnl(self) -> float:
        """Equity change since the start of the current (market-time UTC) day."""
        return self.broker.equity - self.risk.day_start_equity if self.risk.day >= 0 else 0.0

    def start_day(self, time: float) -> None:
        """Before the first price of a new UTC day moves anything: the equity now is the day's starting one."""
        if self.risk.roll_day(time, self.broker.equity):
            self._save_day()

    def check_daily_loss(self, time: float) -> None:
        hit = self.risk.check_daily_loss(time, self.broker.equity)
        if hit is None:
            return
        self._save_day()
        message = (
            f'daily loss limit hit: equity is {hit.loss_pct:.2f}% below the day start '
            f'(limit {hit.threshold_pct:g}%); no new trades until the next UTC day'
        )
        self.bus.publish(
            EventType.RISK_LIMIT_HIT,
            RiskLimitHit(
                limit='max_daily_loss_pct', message=message, value=hit.loss_pct, threshold=hit.threshold_pct, time=time
            ),
            source='risk',
        )

    def _save_day(self) -> None:
        risk = self.risk
        day = {'day': risk.day, 'start_equity': risk.day_start_equity, 'blocked': risk.is_blocked}
        self.store.set_meta(DAILY_LOSS_KEY, orjson.dumps(day).decode())

    # ---- account events ----------------------------------------------------------------------------------
    def publish_pnl(self, when: float) -> None:
        """``pnl_update`` marked at market time ``when``, at most once per ``PNL_INTERVAL_S`` of the clock."""
        now = self.clock.monotonic()
        if now - self._last_pnl_publish < PNL_INTERVAL_S:
            return
        self._last_pnl_publish = now
        b = self.broker
        self.bus.publish(
            EventType.PNL_UPDATE,
            PnlUpdate(
                unrealized_pnl=b.unrealized_pnl,
                realized_pnl=self.realized_pnl,
                equity=b.equity,
                daily_pnl=self.daily_pnl,
                time=when,
            ),
            source='broker',
        )

    def publish_account(self, when: float) -> None:
        """``balance_update`` and ``portfolio_update`` after a fill."""
        b = self.broker
        used = b.locked_margin
        self.bus.publish(
            EventType.BALANCE_UPDATE,
            BalanceUpdate(balance=b.balance, free=b.balance - used, used=used, equity=b.equity, time=when),
            source='broker',
        )
        self.bus.publish(
            EventType.PORTFOLIO_UPDATE,
            PortfolioUpdate(
                balance=b.balance,
                equity=b.equity,
                free=b.balance - used,
                used=used,
                unrealized_pnl=b.unrealized_pnl,
                realized_pnl=self.realized_pnl,
                fees=self.total_fees,
                open_positions=len(b.positions),
                time=when,
            ),
            source='broker',
        )

    def record_equity(self, when: int) -> None:
        """One point of the equity curve per candle period."""
        if when == self._last_equity_time:
            return
        self._last_equity_time = when
        b = self.broker
        self.store.record_equity(EquityPoint(float(when), b.balance, b.equity, b.unrealized_pnl))
