"""Backtests: the live strategy and broker code over a CSV of bars.

Semantics: a signal is taken on a bar's close and filled at the next bar's open; commission is charged per
side on notional; ``all-in`` buys as many whole units as the free cash allows with commission included (at the
signal's leverage, 1x for ``sma_cross``); ``risk`` sizes so that the stop-loss loses ``risk_pct`` of equity;
``fixed`` puts up ``fixed_margin`` per trade. ``risk`` and ``fixed`` size through the live engine's
:class:`RiskManager`, so a replay with the same risk settings trades the same.
Stops and targets are followed along the bar's path (:mod:`.engine.intrabar`, the path the CSV replay ticks
through): a level crossed fills at its price, dated at the path point after it; a bar opening beyond one fills at
the open (checked before anything else). A position still open at the end is reported open and marked at the
last close without an exit fee.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .engine.bars import Bars, format_time
from .engine.broker import PaperBroker, PositionClosed, PositionOpened
from .engine.indicators import compute
from .engine.models import Candle, OrderRequest, Side, SignalKind
from .engine.risk import RiskManager
from .engine.strategies import Strategy
from .settings import RiskSettings

SYMBOL = 'ASSET'
SAMPLES_DIR = Path(__file__).parent / 'samples'
"""CSV files shipped with the package: daily GOOG bars and simulated 1-minute BTC/USDT bars."""
Sizing = Literal['all-in', 'risk', 'fixed']


@dataclass(slots=True, frozen=True, kw_only=True)
class BacktestConfig:
    cash: float = 10_000.0
    commission: float = 0.001
    sizing: Sizing = 'all-in'
    risk_pct: float = 1.0
    fixed_margin: float = 10.0
    """Margin per trade with ``sizing='fixed'`` (the live default's sizing)."""
    slippage: float = 0.0

    def __post_init__(self) -> None:
        if not (self.cash > 0 and math.isfinite(self.cash)):
            raise ValueError(f'cash must be positive, got {self.cash}')
        if not 0 <= self.commission < 0.5:
            raise ValueError(f'commission must be a fraction in [0, 0.5), got {self.commission}')
        if self.sizing not in ('all-in', 'risk', 'fixed'):
            raise ValueError(f'sizing must be all-in, risk or fixed, got {self.sizing!r}')
        if not (0 < self.fixed_margin <= 1e9):
            raise ValueError(f'fixed margin must be positive, got {self.fixed_margin}')


@dataclass(slots=True, kw_only=True)
class BacktestTrade:
    entry_bar: int
    exit_bar: int | None
    entry_time: str
    exit_time: str | None
    side: str
    size: float
    entry_price: float
    exit_price: float | None
    fees: float
    pnl: float | None
    """Fee-inclusive; for an open trade, marked at the last close net of the entry fee only."""


@dataclass(slots=True, kw_only=True)
class BacktestResult:
    stats: dict[str, float | int | None]
    trades: list[BacktestTrade]
    equity: np.ndarray = field(repr=False)
    rejections: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {'stats': self.stats, 'trades': [asdict(t) for t in self.trades]}


def sample_files() -> dict[str, Path]:
    """The shipped samples by their file name."""
    return {p.name: p for p in sorted(SAMPLES_DIR.glob('*.csv'))}


def _compact(values: np.ndarray) -> array[float]:
    """Float64 values with fast scalar indexing at 8 bytes each (a list of floats takes 32)."""
    return array('d', np.ascontiguousarray(values, dtype=np.float64).tobytes())


class _ArrayView:
    """Indicator values at bar ``i`` from precomputed arrays (the backtest side of ``IndicatorView``)."""

    __slots__ = ('arrays', 'i')

    def __init__(self, arrays: dict[str, array[float]]) -> None:
        self.arrays, self.i = arrays, 0

    def __getitem__(self, name: str) -> float:
        return self.arrays[name][self.i]

    def prev(self, name: str) -> float:
        return self.arrays[name][self.i - 1] if self.i > 0 else math.nan


def run_backtest(
    bars: Bars,
    strategy: Strategy,
    config: BacktestConfig = BacktestConfig(),
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Run ``strategy`` over ``bars``; ``progress(done, total)`` is called about 100 times."""
    n = len(bars)
    arrays = {
        k: _compact(v)
        for k, v in compute(strategy.indicators(), bars.open, bars.high, bars.low, bars.close, bars.volume).items()
    }
    view = _ArrayView(arrays)
    broker = PaperBroker([SYMBOL], balance=config.cash, commission=config.commission, slippage=config.slippage)
    risk = RiskManager(
        RiskSettings(
            sizing='fixed' if config.sizing == 'fixed' else 'risk',
            risk_pct=config.risk_pct,
            fixed_margin=config.fixed_margin,
            max_positions=1,
            max_daily_loss_pct=100,
        )
    )
    times, opens, highs, lows = (_compact(a) for a in (bars.time, bars.open, bars.high, bars.low))
    closes, volumes = _compact(bars.close), _compact(bars.volume)
    equity = np.empty(n)
    entry_bars: dict[int, int] = {}
    trades: list[BacktestTrade] = []
    rejections: list[str] = []
    exposed_bars = 0
    interval_s = bars.interval_s
    step = max(1, n // 100)
    positions = broker.positions
    for i in range(n):
        close = closes[i]
        for update in broker.on_bar(SYMBOL, times[i], opens[i], highs[i], lows[i], close, interval_s=interval_s):
            if isinstance(update, PositionOpened):
                entry_bars[update.position.id] = i
            elif isinstance(update, PositionClosed):
                t = update.trade
                trades.append(
                    BacktestTrade(
                        entry_bar=entry_bars.pop(t.id),
                        exit_bar=i,
                        entry_time=format_time(t.entry_time),
                        exit_time=format_time(t.exit_time if t.exit_time is not None else times[i]),
                        side=t.side.value,
                        size=t.quantity,
                        entry_price=t.entry_price,
                        exit_price=t.exit_price,
                        fees=t.fees,
                        pnl=t.pnl,
                    )
                )
            else:
                rejections.append(f'bar {i}: {update.reason}')
        view.i = i
        position = positions.get(SYMBOL)
        candle = Candle(SYMBOL, int(times[i]), opens[i], highs[i], lows[i], close, volumes[i])
        signal = strategy.evaluate(candle, view, position.side if position else None)
        if signal is not None:
            if signal.kind is SignalKind.FLAT:
                broker.request_close(SYMBOL, signal.reason or 'strategy exit')
            elif config.sizing == 'all-in':
                order = OrderRequest(
                    symbol=SYMBOL,
                    side=Side(signal.kind.value),
                    leverage=signal.leverage,
                    all_in=True,
                    stop_loss=signal.stop_loss,
                    take_profit=signal.take_profit,
                    strategy=strategy.name,
                    reason=signal.reason,
                )
                rejected = broker.submit(order, times[i])
                if rejected:
                    rejections.append(f'bar {i}: {rejected.reason}')
            else:
                sized = risk.size(signal, broker, close, strategy=strategy.name)
                rejected = broker.submit(sized, times[i]) if isinstance(sized, OrderRequest) else sized
                if rejected:
                    rejections.append(f'bar {i}: {rejected if isinstance(rejected, str) else rejected.reason}')
        if positions:
            exposed_bars += 1
            equity[i] = broker.balance + sum(p.unrealized_pnl for p in positions.values())
        else:
            equity[i] = broker.balance
        if progress is not None and (i % step == 0 or i == n - 1):
            progress(i + 1, n)
    for p in positions.values():
        trades.append(
            BacktestTrade(
                entry_bar=entry_bars[p.id],
                exit_bar=None,
                entry_time=format_time(p.entry_time),
                exit_time=None,
                side=p.side.value,
                size=p.quantity,
                entry_price=p.entry_price,
                exit_price=None,
                fees=p.entry_fee,
                pnl=p.unrealized_pnl - p.entry_fee,
            )
        )
    trades.sort(key=lambda t: t.entry_bar)
    return BacktestResult(
        stats=_stats(config.cash, equity, trades, exposed_bars, n), trades=trades, equity=equity, rejections=rejections
    )


def _stats(
    cash: float, equity: np.ndarray, trades: list[BacktestTrade], exposed_bars: int, n: int
) -> dict[str, float | int | None]:
    closed = [t for t in trades if t.exit_bar is not None]
    wins = [t.pnl for t in closed if t.pnl is not None and t.pnl > 0]
    losses = [t.pnl for t in closed if t.pnl is not None and t.pnl < 0]
    end = float(equity[-1]) if len(equity) else cash
    peaks = np.maximum.accumulate(np.concatenate([[cash], equity]))[1:] if len(equity) else np.array([cash])
    drawdown = float(np.min(equity / peaks - 1.0)) * 100.0 if len(equity) else 0.0
    return {
        'start_equity': cash,
        'end_equity': end,
        'return_pct': (end / cash - 1.0) * 100.0,
        'max_drawdown_pct': min(drawdown, 0.0),
        'trades': len(closed),
        'win_rate_pct': 100.0 * len(wins) / len(closed) if closed else None,
        'profit_factor': sum(wins) / -sum(losses) if losses else None,
        'fees': sum(t.fees for t in trades),
        'exposure_pct': 100.0 * exposed_bars / n if n else 0.0,
    }
