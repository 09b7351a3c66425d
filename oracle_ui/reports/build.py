"""Reports of the account over a period, or of a saved backtest, in one of the formats."""

from __future__ import annotations

import time

from ..analytics import TradeArrays
from ..errors import CommandError, ErrorKind
from ..i18n import N_
from ..settings import Settings
from ..store import SavedRun, Store
from ..views.analytics import account_report_data, backtest_report_data
from ..views.analytics_models import AnalyticsFilters, AnalyticsReport
from .exports import Report, ReportFormat, ReportUnavailable, render_report


def account_report(
    store: Store,
    settings: Settings,
    filters: AnalyticsFilters,
    kind: ReportFormat,
    *,
    symbols: list[str],
    now: float,
) -> Report:
    """The account's report; UNAVAILABLE when the format cannot be made here (a PDF without weasyprint)."""
    report, trades = account_report_data(store, settings, filters, symbols=symbols, now=now)
    return render(report, trades, kind)


def backtest_report(store: Store, run_id: int, kind: ReportFormat) -> Report:
    """A saved backtest's report; NOT_FOUND for an unknown id."""
    return render_backtest(saved_backtest(store, run_id), kind)


def saved_backtest(store: Store, run_id: int) -> SavedRun:
    """The saved run ``run_id``; NOT_FOUND if there is none."""
    run = store.backtest_runs.get(run_id)
    if run is None:
        raise CommandError(ErrorKind.NOT_FOUND, N_('no saved backtest with id {ids}'), ids=run_id)
    return run


def render_backtest(run: SavedRun, kind: ReportFormat) -> Report:
    """A saved run's report (no database access: may run in a worker thread)."""
    report, trades = backtest_report_data(run)
    return render(report, trades, kind)


def render(report: AnalyticsReport, trades: TradeArrays, kind: ReportFormat) -> Report:
    """Render (no database access: may run in a worker thread); UNAVAILABLE for a PDF without weasyprint."""
    try:
        return render_report(report, trades, kind, generated=time.time())
    except ReportUnavailable as error:
        raise CommandError(ErrorKind.UNAVAILABLE, str(error)) from None
