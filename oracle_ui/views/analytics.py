"""The account's analytics over a period with filters, and a saved backtest's, as pages, the API and the reports
show them (one computation: :mod:`oracle_ui.analytics`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analytics import GROUPINGS, TradeArrays, analyze, exposure_pct, periods_per_year
from ..analytics.trades import exit_reason_of
from ..backtest import closed_trade_arrays
from ..backtest.models import BacktestTrade
from ..store.backtest_runs import SavedRun
from ..timeframes import timeframe_seconds
from .analytics_models import AnalyticsFilters, AnalyticsReport, Groups, Metrics, Series

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import Store
    from ..system import System

DAY_S = 86_400


def period_bounds(filters: AnalyticsFilters, now: float, first: float | None) -> tuple[float, float]:
    """``[start, end)`` of the filters' period at ``now`` (UTC days; ``all`` from ``first``, the oldest record)."""
    end = filters.until if filters.period == 'custom' and filters.until is not None else now + 1
    today = now - now % DAY_S
    starts = {
        'today': today,
        '7d': now - 7 * DAY_S,
        '30d': now - 30 * DAY_S,
        'ytd': datetime(datetime.fromtimestamp(now, UTC).year, 1, 1, tzinfo=UTC).timestamp(),
        'all': min(first, now) if first is not None else now,
        'custom': filters.since if filters.since is not None else (first if first is not None else now),
    }
    return float(starts[filters.period]), float(end)


def market_now(system: System) -> float:
    """The market's time: the last tick's or candle's (a replay's is in the past), else the clock's."""
    return system.engine.market_time or system.engine.clock.time()


def _trade_arrays(columns: dict[str, list[Any]], start: float, end: float) -> TradeArrays:
    """The trades of ``columns`` that closed in ``[start, end)`` (None becomes NaN: open trades drop out)."""
    exits = np.asarray(columns['exit_time'], dtype=float)
    with np.errstate(invalid='ignore'):
        keep = np.flatnonzero((exits >= start) & (exits < end))

    def numbers(name: str) -> np.ndarray:
        return np.asarray(columns[name], dtype=float)[keep]

    def texts(name: str) -> np.ndarray:
        return np.asarray(columns[name], dtype=object)[keep]

    entries, quantities, stops = numbers('entry_price'), numbers('quantity'), numbers('initial_stop_loss')
    statuses = texts('status')
    return TradeArrays.from_columns(
        {
            'id': np.asarray(columns['id'], dtype=np.int64)[keep],
            'entry_time': numbers('entry_time'),
            'exit_time': exits[keep],
            'entry_price': entries,
            'exit_price': numbers('exit_price'),
            'quantity': quantities,
            'pnl': numbers('pnl'),
            'fees': numbers('entry_fee') + numbers('exit_fee'),
            'margin': numbers('margin'),
            'risk': np.abs(entries - stops) * quantities,  # NaN without a stop
            'symbol': texts('symbol'),
            'side': texts('side'),
            'strategy': texts('strategy'),
            'exit_reason': np.asarray([exit_reason_of(s) for s in statuses], dtype=object),
        }
    )


def _buy_and_hold(store: Store, timeframe: str, symbols: list[str], start: float, end: float) -> float | None:
    """Mean return of holding each symbol from its first close in the period to its last, in percent."""
    returns = []
    for symbol in symbols:
        closes = store.analytics.first_and_last_close(symbol, timeframe, start, end)
        if closes is not None and closes[0] > 0:
            returns.append((closes[1] / closes[0] - 1.0) * 100.0)
    return float(np.mean(returns)) if returns else None


def account_analysis(
    system: System,
    filters: AnalyticsFilters,
    *,
    now: float | None = None,
    with_series: bool = True,
    groupings: tuple[str, ...] = GROUPINGS,
) -> AnalyticsReport:
    """The paper account's analytics over the filters' period: its trades that closed in it and its equity curve
    (with a symbol, side or strategy filter: the starting equity plus the matching trades' closed PnL)."""
    now = market_now(system) if now is None else now
    symbols = list(system.engine.symbols)
    return account_report_data(
        system.store, system.settings, filters, symbols=symbols, now=now, with_series=with_series, groupings=groupings
    )[0]


def account_report_data(
    store: Store,
    settings: Settings,
    filters: AnalyticsFilters,
    *,
    symbols: list[str],
    now: float,
    with_series: bool = True,
    groupings: tuple[str, ...] = GROUPINGS,
) -> tuple[AnalyticsReport, TradeArrays]:
    """:func:`account_analysis` of the account in ``store`` (``symbols``: those buy and hold is measured on without
    a symbol filter) and the trades it counted."""
    queries = store.analytics
    start, end = period_bounds(filters, now, queries.first_trade_time())
    columns = queries.trades_overlapping(
        start, end, symbol=filters.symbol, side=filters.side, strategy=filters.strategy
    )
    trades = _trade_arrays(columns, start, end)
    times, equity = queries.equity_between(start, end)
    before = queries.equity_before(start)
    start_equity = before if before is not None else settings.starting_balance
    filtered = bool(filters.symbol or filters.side or filters.strategy)
    if filtered:
        times = times if len(times) else trades.exit_time
        order = np.argsort(trades.exit_time, kind='stable')
        closed = np.cumsum(trades.pnl[order])
        count = np.searchsorted(trades.exit_time[order], times, side='right')
        equity = start_equity + np.where(count > 0, closed[np.maximum(count - 1, 0)] if len(closed) else 0.0, 0.0)
    exits = np.asarray([end if t is None else t for t in columns['exit_time']], dtype=float)
    entries = np.asarray(columns['entry_time'], dtype=float)
    per_year = filters.periods_per_year or periods_per_year(timeframe_seconds(settings.timeframe))
    held = [filters.symbol] if filters.symbol else symbols
    analysis = analyze(
        trades,
        times,
        equity,
        start_equity,
        per_year,
        exposure=exposure_pct(entries, exits, start, min(end, now)),
        buy_hold_return_pct=_buy_and_hold(store, settings.timeframe, held, start, end),
        with_series=with_series,
        groupings=groupings,
    )
    values = queries.trade_values()
    report = AnalyticsReport(
        source='account',
        start=start,
        end=end,
        filters=filters,
        equity_basis='filtered trades' if filtered else 'account',
        metrics=Metrics(**analysis.metrics),
        groups=Groups(**analysis.groups),
        series=Series(**analysis.series) if with_series else None,
        symbols=values['symbols'],
        strategies=values['strategies'],
    )
    return report, trades


def backtest_analysis(run: SavedRun, *, with_series: bool = True) -> AnalyticsReport:
    """A saved backtest's analytics over its whole run (its own bars per year)."""
    return backtest_report_data(run, with_series=with_series)[0]


def backtest_report_data(run: SavedRun, *, with_series: bool = True) -> tuple[AnalyticsReport, TradeArrays]:
    """:func:`backtest_analysis` and the run's closed trades."""
    trades = [BacktestTrade(**t) for t in run.trades]
    arrays = closed_trade_arrays(trades)
    arrays.strategy[:] = run.strategy
    arrays.symbol[:] = run.data_name
    per_year = float(run.stats.get('periods_per_year') or 365.0)
    analysis = analyze(
        arrays,
        run.times,
        run.equity,
        float(run.stats['start_equity'] or 0.0),
        per_year,
        exposure=run.stats.get('exposure_pct'),
        buy_hold_return_pct=run.stats.get('buy_hold_return_pct'),
        with_series=with_series,
    )
    report = AnalyticsReport(
        source=f'backtest #{run.id}',
        start=run.first_time,
        end=run.last_time,
        filters=AnalyticsFilters(period='custom', since=run.first_time, until=run.last_time, strategy=run.strategy),
        equity_basis='backtest',
        metrics=Metrics(**analysis.metrics),
        groups=Groups(**analysis.groups),
        series=Series(**analysis.series) if with_series else None,
        symbols=[run.data_name],
        strategies=[run.strategy],
    )
    return report, arrays
