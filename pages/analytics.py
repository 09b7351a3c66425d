"""``/analytics``: the account's performance over a period with filters, redrawn as trades close; exports of the
report (HTML tear sheet, PDF, CSV, JSON). Viewers see it all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nicegui import run, ui

from components.analytics_charts import analytics_view
from components.frame import frame
from components.live_vs_backtest import live_vs_backtest_view
from components.plot import preload_plotly
from oracle_ui import reports, views
from oracle_ui.engine.bars import parse_time
from oracle_ui.errors import CommandError
from oracle_ui.events import EventType
from oracle_ui.reports import REPORT_FORMATS, ReportFormat
from oracle_ui.views.live_vs_backtest import compare_live_with_backtest
from oracle_ui.web.context import AppContext
from oracle_ui.web.live import on_events
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

ALL = 'all'
PAGE_GROUPS = ('symbol', 'exit_reason')
"""The per-group tables the page draws (the API and the exports have them all)."""
PERIOD_LABELS = {
    'today': 'today',
    '7d': '7 days',
    '30d': '30 days',
    'ytd': 'year to date',
    'all': 'all',
    'custom': 'custom',
}


def day_start(text: str | None) -> float | None:
    """Unix seconds of a ``YYYY-MM-DD`` (UTC) or None for an empty field; ValueError for anything else."""
    return parse_time(text.strip()) if text and text.strip() else None


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(context, '/analytics')
    async def analytics_page() -> None:
        who = page_principal(system)
        state: dict[str, Any] = {'dirty': False, 'requests': 0}
        preload_plotly()  # the charts come after the client connects: their bundle loads with the page meanwhile
        with frame('Analytics', who, context.state.bot):
            with ui.card().classes('w-full'):
                with ui.row().classes('items-end gap-3 flex-wrap'):
                    period = ui.select(PERIOD_LABELS, value='30d', label='Period').classes('w-36').mark('an-period')
                    since = ui.input('From (UTC)', placeholder='YYYY-MM-DD').props('type=date').classes('w-40')
                    until = ui.input('To (UTC, exclusive)', placeholder='YYYY-MM-DD').props('type=date')
                    until.classes('w-40')
                    for field, name in ((since, 'an-from'), (until, 'an-to')):
                        field.mark(name).bind_visibility_from(period, 'value', backward=lambda v: v == 'custom')
                    symbol = ui.select([ALL], value=ALL, label='Symbol').classes('w-36').mark('an-symbol')
                    side = ui.select([ALL, 'long', 'short'], value=ALL, label='Side').classes('w-28').mark('an-side')
                    strategy = ui.select([ALL], value=ALL, label='Strategy').classes('w-40').mark('an-strategy')
                    with ui.button_group().props('flat'):
                        for kind in REPORT_FORMATS:
                            ui.button(kind.upper(), on_click=lambda k=kind: export(k)).props('flat dense').mark(
                                f'an-export-{kind}'
                            )
                summary = ui.label().classes('text-xs opacity-70').mark('an-summary')
            content = ui.column().classes('w-full gap-3').mark('an-content')
            with ui.card().classes('w-full'):
                with ui.row().classes('items-center gap-3'):
                    ui.label('Live vs backtest').classes('text-base')
                    ui.button('Compare over this period', icon='compare_arrows', on_click=lambda: compare()).props(
                        'outline dense'
                    ).mark('lvb-run')
                ui.label(
                    'The running strategy with the live settings, backtested over the same stored candles, '
                    'matched to the live trades one by one.'
                ).classes('text-xs opacity-70')
                compared = ui.column().classes('w-full gap-2').mark('lvb-content')

        def filters() -> views.AnalyticsFilters | None:
            """What to analyse; None for a bad date (said) or a session that ended."""
            if acting_principal(context) is None:
                return None
            try:
                chosen = views.AnalyticsFilters(
                    period=period.value,
                    since=day_start(since.value),
                    until=day_start(until.value),
                    symbol=None if symbol.value == ALL else symbol.value,
                    side=None if side.value == ALL else side.value,
                    strategy=None if strategy.value == ALL else strategy.value,
                )
            except ValueError as error:
                summary.set_text(f'invalid date: {error}')
                return None
            return chosen

        async def refresh() -> None:
            """Analyse in a worker thread (reads only: the event loop keeps serving the engine); the newest request
            wins."""
            chosen = filters()
            if chosen is None:
                return
            state['requests'] += 1
            request = state['requests']
            report = await run.io_bound(views.account_analysis, system, chosen, groupings=PAGE_GROUPS)
            if report is not None and request == state['requests']:  # None: the app is shutting down
                draw(report)

        def draw(report: views.AnalyticsReport) -> None:
            symbol.set_options([ALL, *report.symbols], value=symbol.value if symbol.value in report.symbols else ALL)
            strategy.set_options(
                [ALL, *report.strategies], value=strategy.value if strategy.value in report.strategies else ALL
            )
            summary.set_text(
                f'{_when(report.start)} to {_when(report.end)} · {report.metrics.trades:,} closed trades · equity: '
                f'{report.equity_basis}'
            )
            content.clear()
            with content:
                analytics_view(report)

        async def export(kind: ReportFormat) -> None:
            chosen = filters()
            if chosen is None:
                return
            symbols, now = list(system.engine.symbols), views.market_now(system)
            try:
                made = await run.io_bound(
                    reports.account_report, system.store, system.settings, chosen, kind, symbols=symbols, now=now
                )
            except CommandError as error:  # a PDF without its renderer installed
                ui.notify(error.message, type='negative')
                return
            if made is not None:
                ui.download(made.content, made.filename, made.media_type)

        async def compare() -> None:
            chosen = filters()
            if chosen is None:
                return
            start, end = views.period_bounds(
                chosen, views.market_now(system), system.store.analytics.first_trade_time()
            )
            comparison = await run.io_bound(compare_live_with_backtest, system, start, end)
            if comparison is None:
                return
            compared.clear()
            with compared:
                live_vs_backtest_view(comparison)

        for control in (period, since, until, symbol, side, strategy):
            control.on_value_change(refresh)

        def trade_closed(_event: object) -> None:
            state['dirty'] = True

        async def redraw_if_needed() -> None:
            if state['dirty']:
                state['dirty'] = False
                await refresh()

        on_events(context, trade_closed, types=[EventType.POSITION_CLOSED])
        ui.timer(1.0, redraw_if_needed)
        first = filters()
        if first is not None:  # drawn into the page itself (a worker thread computes it): no round trip after loading
            report = await run.io_bound(views.account_analysis, system, first, groupings=PAGE_GROUPS)
            if report is not None:
                draw(report)


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime('%Y-%m-%d %H:%M UTC')
