"""Bot, feed, market and machine status as the dashboard and the API show it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .account import open_positions, recent_trade
from .models import (
    AccountBalance,
    BotInfo,
    DashboardData,
    FeedInfo,
    MarketQuote,
    SystemHealth,
    SystemMetricsOut,
    SystemStatus,
)

if TYPE_CHECKING:
    from ..system import System


def bot_info(system: System) -> BotInfo:
    engine, s = system.engine, system.settings
    return BotInfo(
        state=system.controller.state.value,
        message=system.controller.error_message,
        strategy=system.strategy.name,
        symbols=engine.symbols,
        timeframe=s.timeframe,
        feed=s.feed,
        feed_status=engine.feed.status.value,
        feed_message=engine.feed.status_message,
        is_busy=system.controller.is_busy,
    )


def market_quotes(system: System) -> dict[str, MarketQuote]:
    quotes = {}
    for symbol, state in system.engine.state.items():
        tick = state.last_tick
        price = tick.price if tick else (state.day[-1].close if state.day else system.engine.broker.prices.get(symbol))
        if price is None:
            continue
        change = 100.0 * (price / state.day[0].open - 1.0) if state.day else 0.0
        quotes[symbol] = MarketQuote(
            price=price,
            change=change,
            time=tick.time if tick else None,
            regime=state.regime.regime.value if state.regime else None,
        )
    return quotes


def regime_of(system: System, symbol: str) -> str:
    """``symbol``'s market regime now (``unknown`` before enough history)."""
    state = system.engine.state.get(symbol)
    return state.regime.regime.value if state is not None and state.regime is not None else 'unknown'


def metrics_out(system: System) -> SystemMetricsOut:
    m = system.metrics.latest
    return SystemMetricsOut(
        cpu_percent=m.cpu_percent,
        memory_percent=m.memory_percent,
        disk_percent=m.disk_percent,
        process_rss_mb=m.process_rss_mb,
        open_connections=m.open_connections,
        event_loop_lag_ms=m.event_loop_lag_ms,
        events_per_s=m.events_per_s,
        threads=m.threads,
        open_files=m.open_files,
        asyncio_tasks=m.asyncio_tasks,
        uptime_s=time.time() - system.started_time,
    )


def dashboard_data(system: System) -> DashboardData:
    engine, broker = system.engine, system.engine.broker
    used = broker.locked_margin
    ws = system.clients.stats()
    m = system.metrics.latest
    return DashboardData(
        timestamp=time.time(),
        bot_status=system.controller.state.value,
        active_positions=len(broker.positions),
        total_trades=system.store.count_trades(closed_only=True),
        daily_pnl=engine.daily_pnl,
        total_balance=broker.balance,
        market_data=market_quotes(system),
        recent_trades=[recent_trade(t) for t in system.store.trades(closed_only=True, limit=20)],
        system_health=SystemHealth(
            cpu_usage=m.cpu_percent,
            memory_usage=m.memory_percent,
            disk_usage=m.disk_percent,
            websocket_connections=ws.total_connections,
        ),
        account_overview=[AccountBalance(currency='USDT', total=broker.balance, free=broker.balance - used, used=used)],
        bot=bot_info(system),
        equity=broker.equity,
        unrealized_pnl=broker.unrealized_pnl,
        realized_pnl=engine.realized_pnl,
        fees=engine.total_fees,
        positions=open_positions(system),
        regimes={s: st.regime.regime.value for s, st in engine.state.items() if st.regime},
        system_metrics=metrics_out(system),
        websocket_stats=ws,
        last_event_id=system.bus.last_id,
    )


def system_status(system: System) -> SystemStatus:
    m = system.metrics.latest
    feed = system.engine.feed
    return SystemStatus(
        bot_running=system.controller.state.value == 'running',
        uptime=time.time() - system.started_time,
        cpu_usage=m.cpu_percent,
        memory_usage=m.memory_percent,
        websocket_connections=system.clients.stats().total_connections,
        last_update=m.time or time.time(),
        bot_state=system.controller.state.value,
        process_rss_mb=m.process_rss_mb,
        threads=m.threads,
        open_files=m.open_files,
        asyncio_tasks=m.asyncio_tasks,
        open_connections=m.open_connections,
        event_loop_lag_ms=m.event_loop_lag_ms,
        database_size_bytes=system.store.size_bytes,
        database_status='failing' if system.bus.store_failing else 'ok',
        database_write_failures=system.bus.persist_failures,
        feed=FeedInfo(name=feed.name, status=feed.status.value, message=feed.status_message),
        events_per_s=m.events_per_s,
    )
