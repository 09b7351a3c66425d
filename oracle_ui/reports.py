"""What the dashboard and the REST API show, computed in one place from the engine, store and sampler."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from .api.schemas import (
    AccountBalance,
    BotInfo,
    CandleOut,
    CandlesResponse,
    DashboardData,
    EquitySummary,
    FeedInfo,
    MarketQuote,
    OpenPosition,
    RecentTrade,
    SystemHealth,
    SystemMetricsOut,
    SystemStatus,
    TradeMarker,
    TradingMetrics,
    WebSocketStats,
)
from .backtest import BacktestTrade
from .engine import indicators as ind
from .engine.bars import Bars
from .engine.models import Candle, Position, Trade
from .engine.trader import position_info
from .timeframes import timeframe_seconds

if TYPE_CHECKING:
    from .system import System

CHART_INDICATORS = [ind.ema('ema_10', 10), ind.ema('ema_20', 20), ind.ema('ema_50', 50), ind.bbands('bb', 20, 2.0)]
CHART_WARMUP = 300


def open_position(p: Position, commission: float) -> OpenPosition:
    return OpenPosition(**position_info(p).model_dump(), net_pnl=p.net_pnl(commission))


def recent_trade(t: Trade) -> RecentTrade:
    return RecentTrade(id=t.id, symbol=t.symbol, side=t.side.value, quantity=t.quantity,
                       price=t.exit_price or t.entry_price, pnl=t.pnl, timestamp=t.exit_time or t.entry_time,
                       entry_price=t.entry_price, exit_price=t.exit_price, fees=t.fees, status=t.status.value,
                       exit_reason=t.exit_reason)


def bot_info(system: System) -> BotInfo:
    engine, s = system.engine, system.settings
    return BotInfo(state=system.controller.state.value, message=system.controller.error_message,
                   strategy=system.strategy.name, symbols=engine.symbols, timeframe=s.timeframe, feed=s.feed,
                   feed_status=engine.feed.status.value, feed_message=engine.feed.status_message,
                   is_busy=system.controller.is_busy)


def market_quotes(system: System) -> dict[str, MarketQuote]:
    quotes = {}
    for symbol, state in system.engine.state.items():
        tick = state.last_tick
        price = tick.price if tick else (state.day[-1].close if state.day else system.engine.broker.prices.get(symbol))
        if price is None:
            continue
        change = 100.0 * (price / state.day[0].open - 1.0) if state.day else 0.0
        quotes[symbol] = MarketQuote(price=price, change=change, time=tick.time if tick else None,
                                     regime=state.regime.regime.value if state.regime else None)
    return quotes


def metrics_out(system: System) -> SystemMetricsOut:
    m = system.metrics.latest
    return SystemMetricsOut(cpu_percent=m.cpu_percent, memory_percent=m.memory_percent, disk_percent=m.disk_percent,
                            process_rss_mb=m.process_rss_mb, open_connections=m.open_connections,
                            event_loop_lag_ms=m.event_loop_lag_ms, events_per_s=m.events_per_s, threads=m.threads,
                            open_files=m.open_files, asyncio_tasks=m.asyncio_tasks,
                            uptime_s=time.time() - system.started_time)


def dashboard_data(system: System) -> DashboardData:
    engine, broker = system.engine, system.engine.broker
    used = broker.locked_margin
    ws = WebSocketStats(**system.connections.stats())
    m = system.metrics.latest
    return DashboardData(
        timestamp=time.time(), bot_status=system.controller.state.value, active_positions=len(broker.positions),
        total_trades=system.store.count_trades(closed_only=True), daily_pnl=engine.daily_pnl,
        total_balance=broker.balance, market_data=market_quotes(system),
        recent_trades=[recent_trade(t) for t in system.store.trades(closed_only=True, limit=20)],
        system_health=SystemHealth(cpu_usage=m.cpu_percent, memory_usage=m.memory_percent,
                                   disk_usage=m.disk_percent, websocket_connections=ws.total_connections),
        account_overview=[AccountBalance(currency='USDT', total=broker.balance, free=broker.balance - used, used=used)],
        bot=bot_info(system), equity=broker.equity, unrealized_pnl=broker.unrealized_pnl,
        realized_pnl=engine.realized_pnl, fees=engine.total_fees,
        positions=[open_position(p, broker.commission) for p in broker.positions.values()],
        regimes={s: st.regime.regime.value for s, st in engine.state.items() if st.regime},
        system_metrics=metrics_out(system), websocket_stats=ws, last_event_id=system.bus.last_id)


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
        total_trades=len(closed), profitable_trades=len(wins), losing_trades=len(losses),
        win_rate=100.0 * len(wins) / len(closed) if closed else 0.0, total_pnl=sum(pnls),
        average_pnl_per_trade=sum(pnls) / len(pnls) if pnls else 0.0, max_profit=max(pnls, default=0.0),
        max_loss=min(pnls, default=0.0), max_drawdown=float(drawdowns[worst]) if len(drawdowns) else 0.0,
        max_drawdown_pct=-100.0 * float(drawdowns[worst] / peaks[worst]) if len(drawdowns) and peaks[worst] else 0.0,
        realized_pnl=engine.realized_pnl, unrealized_pnl=broker.unrealized_pnl, fees=engine.total_fees,
        profit_factor=sum(wins) / -sum(losses) if losses else None,
        exposure=notional / broker.equity if broker.equity > 0 else 0.0, todays_pnl=engine.daily_pnl,
        open_positions=len(broker.positions), equity=broker.equity,
        equity_curve=EquitySummary(start=float(equities[0]), end=float(equities[-1]), peak=float(equities.max()),
                                   trough=float(equities.min()), points=len(curve),
                                   recent=[(p.time, p.equity) for p in curve[-100:]]))


def system_status(system: System) -> SystemStatus:
    m = system.metrics.latest
    feed = system.engine.feed
    return SystemStatus(
        bot_running=system.controller.state.value == 'running', uptime=time.time() - system.started_time,
        cpu_usage=m.cpu_percent, memory_usage=m.memory_percent,
        websocket_connections=len(system.connections.connections), last_update=m.time or time.time(),
        bot_state=system.controller.state.value, process_rss_mb=m.process_rss_mb, threads=m.threads,
        open_files=m.open_files, asyncio_tasks=m.asyncio_tasks,
        open_connections=m.open_connections, event_loop_lag_ms=m.event_loop_lag_ms,
        database_size_bytes=system.store.size_bytes, database_status='failing' if system.bus.store_failing else 'ok',
        database_write_failures=system.bus.persist_failures, feed=FeedInfo(name=feed.name, status=feed.status.value,
                                                                   message=feed.status_message),
        events_per_s=m.events_per_s)


def resample(candles: list[Candle], length_s: int) -> list[Candle]:
    """Aggregate candles into ``length_s`` buckets (a multiple of their own length)."""
    out: list[Candle] = []
    for c in candles:
        start = c.time - c.time % length_s
        if out and out[-1].time == start:
            last = out[-1]
            out[-1] = Candle(c.symbol, start, last.open, max(last.high, c.high), min(last.low, c.low), c.close,
                             last.volume + c.volume)
        else:
            out.append(Candle(c.symbol, start, c.open, c.high, c.low, c.close, c.volume))
    return out


def candles(system: System, symbol: str, timeframe: str | None, limit: int) -> CandlesResponse:
    """OHLCV history with chart indicators and the trades on it; raises ValueError for unknown inputs."""
    base = system.settings.timeframe
    timeframe = timeframe or base
    if symbol not in system.engine.symbols:
        raise ValueError(f'unknown symbol {symbol!r}; known: {", ".join(system.engine.symbols)}')
    length, base_length = timeframe_seconds(timeframe), timeframe_seconds(base)
    if length % base_length:
        raise ValueError(f'timeframe {timeframe} is not a multiple of the feed timeframe {base}')
    factor = length // base_length
    rows = system.store.candles(symbol, base, (limit + CHART_WARMUP) * factor)
    if factor > 1:
        rows = resample(rows, length)
    if rows:
        arrays = [np.array([getattr(c, f) for c in rows], dtype=float) for f in ('open', 'high', 'low', 'close',
                                                                                  'volume')]
        values = ind.compute(CHART_INDICATORS, *arrays)
    else:
        values = {name: np.array([]) for i in CHART_INDICATORS for name in i.outputs}
    shown = rows[-limit:]
    start = len(rows) - len(shown)
    first_time = shown[0].time if shown else math.inf
    markers = [TradeMarker(id=t.id, side=t.side.value, entry_time=t.entry_time, entry_price=t.entry_price,
                           exit_time=t.exit_time, exit_price=t.exit_price, pnl=t.pnl, status=t.status.value,
                           stop_loss=t.stop_loss, take_profit=t.take_profit)
               for t in system.store.trades(symbol=symbol, newest_first=False)
               if (t.exit_time or math.inf) >= first_time]
    return CandlesResponse(
        symbol=symbol, timeframe=timeframe,
        candles=[CandleOut(time=c.time, open=c.open, high=c.high, low=c.low, close=c.close, volume=c.volume)
                 for c in shown],
        indicators={k: [None if math.isnan(x) else float(x) for x in v[start:]] for k, v in values.items()},
        trades=markers)


def backtest_chart(bars: Bars, trades: list[BacktestTrade], limit: int = 1500) -> CandlesResponse:
    """The last ``limit`` bars of a backtest with chart indicators and its trades."""
    values = ind.compute(CHART_INDICATORS, bars.open, bars.high, bars.low, bars.close, bars.volume)
    start = max(0, len(bars) - limit)
    times = bars.time
    markers = [TradeMarker(id=k, side=t.side, entry_time=float(times[t.entry_bar]), entry_price=t.entry_price,
                           exit_time=float(times[t.exit_bar]) if t.exit_bar is not None else None,
                           exit_price=t.exit_price, pnl=t.pnl or 0.0,
                           status='OPEN' if t.exit_bar is None else 'CLOSED', stop_loss=None, take_profit=None)
               for k, t in enumerate(trades, 1) if (t.exit_bar if t.exit_bar is not None else len(bars)) >= start]
    return CandlesResponse(
        symbol='backtest', timeframe=f'{bars.interval_s}s',
        candles=[CandleOut(time=int(times[i]), open=float(bars.open[i]), high=float(bars.high[i]),
                           low=float(bars.low[i]), close=float(bars.close[i]), volume=float(bars.volume[i]))
                 for i in range(start, len(bars))],
        indicators={k: [None if math.isnan(x) else float(x) for x in v[start:]] for k, v in values.items()},
        trades=markers)
