"""Backtests: the live strategy and broker code over a CSV of bars.

Semantics: a signal is taken on a bar's close and filled at the next bar's open; commission is charged per
side on notional; ``all-in`` buys as many whole units as the free cash allows with commission included (at the
signal's leverage, 1x for ``sma_cross``); the live engine's sizings give fractional quantities: ``fixed`` puts up
``fixed_margin`` per trade, ``percent`` ``margin_pct`` of the free balance, ``risk`` sizes so that the stop-loss
loses ``risk_pct`` of equity. They size through the live engine's :class:`RiskManager`, so a replay with the same
risk settings trades the same; :meth:`BacktestConfig.from_risk` takes the live settings as they are.
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

import numpy as np

from ..analytics import periods_per_year
from ..analytics.trades import exit_reason_of
from ..engine.bars import Bars, format_time
from ..engine.broker import BrokerUpdate, PaperBroker, PositionClosed, PositionOpened
from ..engine.indicators import compute
from ..engine.models import Candle, OrderRequest, Position, Side, Signal, SignalKind, Trade
from ..engine.risk import RiskManager
from ..engine.strategies import Strategy
from ..settings import RiskSettings
from .models import SYMBOL, BacktestConfig, BacktestResult, BacktestTrade, Refusal
from .stats import backtest_stats, run_notes


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
    config: BacktestConfig | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    trade_from: int = 0,
) -> BacktestResult:
    """Run ``strategy`` over ``bars`` as ``config`` says (default: :class:`BacktestConfig`'s defaults);
    ``progress(done, total)`` is called about 100 times.

    :param trade_from: the first bar whose signals are taken (earlier bars only warm the indicators up); stats and
        equity cover the bars from there on
    """
    config = config or BacktestConfig()
    n = len(bars)
    view = _ArrayView(_indicator_arrays(strategy, bars))
    broker = PaperBroker([SYMBOL], balance=config.cash, commission=config.commission, slippage=config.slippage)
    risk = _risk_manager(config)
    times, opens, highs, lows = (_compact(a) for a in (bars.time, bars.open, bars.high, bars.low))
    closes, volumes = _compact(bars.close), _compact(bars.volume)
    equity = np.empty(n)
    tally = _Tally()
    interval_s = bars.interval_s
    step = max(1, n // 100)
    positions = broker.positions
    for i in range(n):
        close = closes[i]
        for update in broker.on_bar(SYMBOL, times[i], opens[i], highs[i], lows[i], close, interval_s=interval_s):
            tally.record(update, i, times[i])
        view.i = i
        position = positions.get(SYMBOL)
        candle = Candle(SYMBOL, int(times[i]), opens[i], highs[i], lows[i], close, volumes[i])
        signal = strategy.evaluate(candle, view, position.side if position else None)
        if signal is not None and (i >= trade_from or signal.kind is SignalKind.FLAT):
            if signal.kind is SignalKind.FLAT:
                broker.request_close(SYMBOL, signal.reason or 'strategy exit')
            else:
                tally.entry_signals += 1
                reason = _submit(broker, risk, signal, config, strategy.name, times[i], close)
                if reason:
                    tally.rejections.append(Refusal(i, reason))
        if position is not None:  # orders and exits fill at the next bar: still the position of this one
            tally.exposed_bars += i >= trade_from
            equity[i] = broker.balance + position.unrealized_pnl
        else:
            equity[i] = broker.balance
        if progress is not None and (i % step == 0 or i == n - 1):
            progress(i + 1, n)
    tally.trades.extend(_open_trade(p, *tally.opened[p.id]) for p in positions.values())
    return _result(bars, strategy, config, equity, closes, tally, trade_from)


@dataclass
class _Tally:
    """What a run collects besides equity."""

    opened: dict[int, tuple[int, float | None]] = field(default_factory=dict)
    """Open positions' entry bar and risk at the stop, by position id."""
    trades: list[BacktestTrade] = field(default_factory=list)
    rejections: list[Refusal] = field(default_factory=list)
    entry_signals: int = 0
    exposed_bars: int = 0
    """Bars ending with a position open (from ``trade_from`` on)."""

    def record(self, update: BrokerUpdate, i: int, bar_time: float) -> None:
        """Note a broker update at bar ``i``: a position opened, a trade closed or an order rejected."""
        if isinstance(update, PositionOpened):
            p = update.position
            at_stop = abs(p.entry_price - p.stop_loss) * p.quantity if p.stop_loss is not None else None
            self.opened[p.id] = (i, at_stop)
        elif isinstance(update, PositionClosed):
            entry_bar, at_stop = self.opened.pop(update.trade.id)
            self.trades.append(_closed_trade(update.trade, entry_bar, i, bar_time, at_stop))
        else:
            self.rejections.append(Refusal(i, update.reason))


def _result(
    bars: Bars,
    strategy: Strategy,
    config: BacktestConfig,
    equity: np.ndarray,
    closes: array[float],
    tally: _Tally,
    trade_from: int,
) -> BacktestResult:
    """The run's trades in entry order, its stats and notes, and its equity from ``trade_from`` on."""
    n = len(bars)
    trades = sorted(tally.trades, key=lambda t: t.entry_bar)
    shown = slice(min(trade_from, n), None)
    per_year = config.periods_per_year or periods_per_year(bars.interval_s)
    stats = backtest_stats(config.cash, equity[shown], trades, tally.exposed_bars, closes, shown, per_year)
    notes = run_notes(config, strategy, trades, n - min(trade_from, n), tally.entry_signals, tally.rejections)
    return BacktestResult(
        stats=stats,
        trades=trades,
        equity=equity[shown].copy(),
        times=np.asarray(bars.time[shown], dtype=float),
        rejections=tally.rejections,
        notes=notes,
    )


def _indicator_arrays(strategy: Strategy, bars: Bars) -> dict[str, array[float]]:
    """The values of every indicator ``strategy`` reads, at every bar."""
    return {
        k: _compact(v)
        for k, v in compute(strategy.indicators(), bars.open, bars.high, bars.low, bars.close, bars.volume).items()
    }


def _risk_manager(config: BacktestConfig) -> RiskManager:
    """The live engine's sizing as ``config`` says (``all-in`` orders are sized apart, in :func:`_submit`)."""
    return RiskManager(
        RiskSettings(
            sizing='risk' if config.sizing == 'all-in' else config.sizing,
            risk_pct=config.risk_pct,
            fixed_margin=config.fixed_margin,
            margin_pct=config.margin_pct,
            max_positions=1,
            max_daily_loss_pct=100,
        )
    )


def _submit(
    broker: PaperBroker,
    risk: RiskManager,
    signal: Signal,
    config: BacktestConfig,
    strategy: str,
    time: float,
    close: float,
) -> str | None:
    """Place an entry signal's order; the reason it was refused, or None."""
    if config.sizing == 'all-in':
        order: OrderRequest | str = OrderRequest(
            symbol=SYMBOL,
            side=Side(signal.kind.value),
            leverage=signal.leverage,
            all_in=True,
            stop_loss=signal.stop_loss,
            take_profit=signal.take_profit,
            strategy=strategy,
            reason=signal.reason,
        )
    else:
        order = risk.size(signal, broker, close, strategy=strategy)
    if isinstance(order, str):
        return order
    rejected = broker.submit(order, time)
    return rejected.reason if rejected else None


def _open_trade(p: Position, entry_bar: int, at_stop: float | None) -> BacktestTrade:
    """A position still open at the end, marked at the last close without an exit fee."""
    return BacktestTrade(
        entry_bar=entry_bar,
        exit_bar=None,
        entry_time=format_time(p.entry_time),
        exit_time=None,
        side=p.side.value,
        size=p.quantity,
        entry_price=p.entry_price,
        exit_price=None,
        fees=p.entry_fee,
        pnl=p.unrealized_pnl - p.entry_fee,
        leverage=p.leverage,
        risk=at_stop,
    )


def _closed_trade(t: Trade, entry_bar: int, exit_bar: int, bar_time: float, at_stop: float | None) -> BacktestTrade:
    return BacktestTrade(
        entry_bar=entry_bar,
        exit_bar=exit_bar,
        entry_time=format_time(t.entry_time),
        exit_time=format_time(t.exit_time if t.exit_time is not None else bar_time),
        side=t.side.value,
        size=t.quantity,
        entry_price=t.entry_price,
        exit_price=t.exit_price,
        fees=t.fees,
        pnl=t.pnl,
        leverage=t.leverage,
        exit_reason=exit_reason_of(t.status.value),
        risk=at_stop,
    )
