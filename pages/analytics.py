"""``/analytics``: the account's performance over a period with filters, redrawn as trades close; exports of the
report (HTML tear sheet, PDF, CSV, JSON). Viewers see it all."""

from __future__ import annotations

from datetime import UTC, datetime

from nicegui import run, ui

from components.analytics_charts import analytics_view
from components.analytics_filters import ALL, AnalyticsFilterBar
from components.frame import frame
from components.live_vs_backtest import LiveVsBacktestCard
from components.plot import preload_plotly
from oracle_ui import reports, views
from oracle_ui.engine.bars import parse_time
from oracle_ui.errors import CommandError
from oracle_ui.events import EventType
from oracle_ui.i18n import _, formats, ngettext, pinned
from oracle_ui.reports import REPORT_FORMATS, ReportFormat
from oracle_ui.reports.tearsheet import basis_name
from oracle_ui.views.live_vs_backtest import compare_live_with_backtest
from oracle_ui.web.context import AppContext
from oracle_ui.web.live import on_events
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

PAGE_GROUPS = ('symbol', 'exit_reason')
"""The per-group tables the page draws (the API and the exports have them all)."""


def day_start(text: str | None) -> float | None:
    """Unix seconds of a ``YYYY-MM-DD`` (UTC) or None for an empty field; ValueError for anything else."""
    return parse_time(text.strip()) if text and text.strip() else None


def register(context: AppContext) -> None:
    @guarded_page(context, '/analytics')
    async def analytics_page() -> None:
        page = AnalyticsPage(context)
        preload_plotly()  # the charts come after the client connects: their bundle loads with the page meanwhile
        with frame('Analytics', page_principal(context.system), context.state.bot):
            page.build()
        on_events(context, page.trade_closed, types=[EventType.POSITION_CLOSED])
        ui.timer(1.0, page.redraw_if_needed)
        await page.first_draw()


class AnalyticsPage:
    """One tab's analytics: the filters, the report they ask for (redrawn as trades close), live vs backtest."""

    def __init__(self, context: AppContext) -> None:
        self.context, self.system = context, context.system
        self.dirty = False
        """A trade closed since the last drawing."""
        self.requests = 0
        """Analyses asked for: only the newest one's report is drawn."""

    def build(self) -> None:
        self.filter_bar = AnalyticsFilterBar(REPORT_FORMATS, on_export=self.export)
        self.content = ui.column().classes('w-full gap-3').mark('an-content')
        self.live_vs_backtest = LiveVsBacktestCard(on_compare=self.compare)
        for control in self.filter_bar.controls:
            control.on_value_change(self.refresh)

    def filters(self) -> views.AnalyticsFilters | None:
        """What to analyse; None for a bad date (said) or a session that ended."""
        if acting_principal(self.context) is None:
            return None
        bar = self.filter_bar
        try:
            chosen = views.AnalyticsFilters(
                period=bar.period.value,
                since=day_start(bar.since.value),
                until=day_start(bar.until.value),
                symbol=None if bar.symbol.value == ALL else bar.symbol.value,
                side=None if bar.side.value == ALL else bar.side.value,
                strategy=None if bar.strategy.value == ALL else bar.strategy.value,
            )
        except ValueError as error:
            bar.summary.set_text(_('invalid date: {problem}').format(problem=error))
            return None
        return chosen

    async def first_draw(self) -> None:
        """Drawn into the page itself (a worker thread computes it): no round trip after loading."""
        first = self.filters()
        if first is not None:
            report = await run.io_bound(views.account_analysis, self.system, first, groupings=PAGE_GROUPS)
            if report is not None:
                self.draw(report)

    async def refresh(self) -> None:
        """Analyse in a worker thread (reads only: the event loop keeps serving the engine); the newest request
        wins."""
        chosen = self.filters()
        if chosen is None:
            return
        self.requests += 1
        request = self.requests
        report = await run.io_bound(views.account_analysis, self.system, chosen, groupings=PAGE_GROUPS)
        if report is not None and request == self.requests:  # None: the app is shutting down
            self.draw(report)

    def draw(self, report: views.AnalyticsReport) -> None:
        self.filter_bar.offer(report.symbols, report.strategies)
        trades = report.metrics.trades
        closed = ngettext('{count} closed trade', '{count} closed trades', trades).format(
            count=formats.decimal(trades, 0)
        )
        self.filter_bar.summary.set_text(
            _('{start} to {end} · {closed} · equity: {basis}').format(
                start=_when(report.start), end=_when(report.end), closed=closed, basis=basis_name(report.equity_basis)
            )
        )
        self.content.clear()
        with self.content:
            analytics_view(report)

    async def export(self, kind: ReportFormat) -> None:
        chosen = self.filters()
        if chosen is None:
            return
        system = self.system
        symbols, now = list(system.engine.symbols), views.market_now(system)
        try:
            made = await run.io_bound(
                pinned(reports.account_report), system.store, system.settings, chosen, kind, symbols=symbols, now=now
            )
        except CommandError as error:  # a PDF without its renderer installed
            ui.notify(error.message, type='negative')
            return
        if made is not None:
            ui.download(made.content, made.filename, made.media_type)

    async def compare(self) -> None:
        chosen = self.filters()
        if chosen is None:
            return
        system = self.system
        start, end = views.period_bounds(chosen, views.market_now(system), system.store.analytics.first_trade_time())
        comparison = await run.io_bound(compare_live_with_backtest, system, start, end)
        if comparison is not None:
            self.live_vs_backtest.show(comparison)

    def trade_closed(self, _event: object) -> None:
        self.dirty = True

    async def redraw_if_needed(self) -> None:
        if self.dirty:
            self.dirty = False
            await self.refresh()


def _when(seconds: float) -> str:
    return formats.moment(datetime.fromtimestamp(seconds, UTC), 'yyyy-MM-dd HH:mm') + ' UTC'
