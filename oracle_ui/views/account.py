"""The paper account as pages and the API show it: open positions, recent trades, performance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..engine.execution import position_info
from ..engine.models import Position, Trade
from .models import EquitySummary, OpenPosition, RecentTrade, TradingMetrics

if TYPE_CHECKING:
    from ..system import System


def open_position(p: Position, commission: float) -> OpenPosition:
    return OpenPosition(**position_info(p).model_dump(), net_pnl=p.net_pnl(commission))


def open_positions(system: System) -> list[OpenPosition]:
    """Every open position, marked now, with its fee-inclusive PnL if closed now."""
    broker = system.engine.broker
    return [open_position(p, broker.commission) for p in broker.positions.values()]


def position_of(system: System, symbol: str) -> OpenPosition | None:
    """``symbol``'s open position, or None."""
    broker = system.engine.broker
    position = broker.positions.get(symbol)
    return open_position(position, broker.commission) if position else None


def recent_trade(t: Trade) -> RecentTrade:
    return RecentTrade(
        id=t.id,
        symbol=t.symbol,
        side=t.side.value,
        quantity=t.quantity,
        price=t.exit_price or t.entry_price,
        pnl=t.pnl,
        timestamp=t.exit_time or t.entry_time,
        entry_price=t.entry_price,
        exit_price=t.exit_price,
        fees=t.fees,
        status=t.status.value,
        exit_reason=t.exit_reason,
    )


def recent_trades(system: System, limit: int = 20) -> list[Trade]:
    """The newest closed trades."""
    return system.store.trades(closed_only=True, limit=limit)


def trading_metrics(system: System) -> TradingMetrics:
    engine, broker = system.engine, system.engine.broker
    closed = system.store.trades(closed_only=True, newest_first=False)
    pnls = [t.pnl for t in closed]
    wins, losses = [p for p in pnls if p > 0], [p for p in pnls if p < 0]
    curve = system.store.equity_curve(limit=100_000)
    equities = np.array([p.equity for p in curve] + [broker.equity])
    peaks = np.maximum.accumulate(equities)
    drawdowns = peaks - equities
    worst = int(np.argmax(drawdowns)) if len(drawdowns) else 0
    notional = sum(p.quantity * p.mark_price for p in broker.positions.values())
    return TradingMetrics(
        total_trades=len(closed),
        profitable_trades=len(wins),
        losing_trades=len(losses),
        win_rate=100.0 * len(wins) / len(closed) if closed else 0.0,
        total_pnl=sum(pnls),
        average_pnl_per_trade=sum(pnls) / len(pnls) if pnls else 0.0,
        max_profit=max(pnls, default=0.0),
        max_loss=min(pnls, default=0.0),
        max_drawdown=float(drawdowns[worst]) if len(drawdowns) else 0.0,
        max_drawdown_pct=-100.0 * float(drawdowns[worst] / peaks[worst]) if len(drawdowns) and peaks[worst] else 0.0,
        realized_pnl=engine.realized_pnl,
        unrealized_pnl=broker.unrealized_pnl,
        fees=engine.total_fees,
        profit_factor=sum(wins) / -sum(losses) if losses else None,
        exposure=notional / broker.equity if broker.equity > 0 else 0.0,
        todays_pnl=engine.daily_pnl,
        open_positions=len(broker.positions),
        equity=broker.equity,
        equity_curve=EquitySummary(
            start=float(equities[0]),
            end=float(equities[-1]),
            peak=float(equities.max()),
            trough=float(equities.min()),
            points=len(curve),
            recent=[(p.time, p.equity) for p in curve[-100:]],
        ),
    )
