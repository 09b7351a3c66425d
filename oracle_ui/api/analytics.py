"""REST routes of the analytics: ``GET /analytics`` (metrics, per-group tables, series) and ``GET /reports`` (the
tear sheet as HTML or PDF, CSV or JSON of the trades, daily returns and metrics)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from .. import reports, views
from ..engine.strategies import StrategyName
from . import schemas as s
from .deps import SystemDep, get_principal
from .paths import REST_PREFIX

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {'model': s.ErrorResponse} for code in (401, 403, 404, 413, 422, 429, 503)
}

router = APIRouter(prefix=REST_PREFIX, tags=['analytics'], dependencies=[Depends(get_principal)], responses=ERRORS)


async def filters_of(
    period: Annotated[views.analytics_models.PeriodName, Query(description='UTC; custom: between from and to')] = '30d',
    since: Annotated[s.TimeQuery, Query(alias='from', description='custom start; no offset means UTC')] = None,
    until: Annotated[s.TimeQuery, Query(alias='to', description='custom end (exclusive)')] = None,
    symbol: Annotated[s.SymbolQuery, Query()] = None,
    side: Literal['long', 'short'] | None = None,
    strategy: StrategyName | None = None,
    periods_per_year: Annotated[float | None, Query(gt=0, le=1e8, description='default: from the timeframe')] = None,
) -> views.AnalyticsFilters:
    """The query's period and filters (``from``/``to`` make the period ``custom``)."""
    if since is not None or until is not None:
        period = 'custom'
    return views.AnalyticsFilters(
        period=period,
        since=since,
        until=until,
        symbol=symbol.upper().replace('-', '/').replace('_', '/') if symbol else None,
        side=side,
        strategy=strategy,
        periods_per_year=periods_per_year,
    )


FiltersDep = Annotated[views.AnalyticsFilters, Depends(filters_of)]


@router.get('/analytics', response_model=views.AnalyticsReport)
async def analytics(system: SystemDep, filters: FiltersDep, series: bool = True) -> views.AnalyticsReport:
    """The account's performance over a period (today, 7d, 30d, ytd, all, or from/to) for the trades matching the
    filters: every metric (docs/ANALYTICS.md), per-group tables (symbol, side, strategy, exit reason, day, week,
    month) and, unless ``series=false``, the charts' series."""
    # reads only: computed in a worker thread so the event loop keeps serving the engine and the other clients
    return await run_in_threadpool(views.account_analysis, system, filters, with_series=series)


@router.get(
    '/reports',
    response_class=Response,
    responses={
        200: {
            'description': 'the report file (Content-Disposition names it)',
            'content': {
                'text/html': {'schema': {'type': 'string'}},
                'application/pdf': {'schema': {'type': 'string', 'format': 'binary'}},
                'application/zip': {'schema': {'type': 'string', 'format': 'binary'}},
                'application/json': {'schema': {'type': 'object'}},
            },
        }
    },
)
async def report(
    system: SystemDep,
    filters: FiltersDep,
    format: reports.ReportFormat = 'html',
    backtest: Annotated[int | None, Query(ge=1, le=2**62, description='a saved backtest, not the account')] = None,
) -> Response:
    """A report of the account over the period (or of a saved backtest): ``html`` (a self-contained tear sheet),
    ``pdf`` (the same, printed), ``csv`` (a zip of trades.csv, daily_returns.csv, metrics.csv) or ``json``."""
    if backtest is not None:  # reads and rendering in a worker thread, as for GET analytics
        made = await run_in_threadpool(reports.backtest_report, system.store, backtest, format)
    else:
        symbols, now = list(system.engine.symbols), views.market_now(system)
        made = await run_in_threadpool(
            reports.account_report, system.store, system.settings, filters, format, symbols=symbols, now=now
        )
    disposition = 'inline' if format == 'html' else 'attachment'
    return Response(
        made.content,
        media_type=made.media_type,
        headers={'Content-Disposition': f'{disposition}; filename="{made.filename}"'},
    )
