"""``/trades``: trade history from the store: filters, server-side sorting, pages and CSV export."""

from __future__ import annotations

from nicegui import ui

from components.frame import frame
from components.pager import Pager
from components.trade_history import TradeFilters, TradeHistoryTable
from components.viewer import Viewer
from oracle_ui import formatting as fmt
from oracle_ui import views
from oracle_ui.i18n import _, ngettext
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

PAGE_SIZE = 25
EXPORT_LIMIT = 1_000_000


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(context, '/trades')
    async def trades_page() -> None:
        viewer = Viewer()
        with frame('Trades', page_principal(system), context.state.bot):
            filters = TradeFilters(system.engine.symbols, on_change=lambda: pager.first(), on_export=lambda: export())
            summary = ui.label().classes('text-sm opacity-80').mark('trades-summary')
            table = TradeHistoryTable(on_sort=lambda sort: filters.sort.set_value(sort)).mark('history-table')
            pager = Pager(PAGE_SIZE, lambda: load())

        def load() -> None:
            if acting_principal(context) is None:
                return
            if (problem := filters.problem) is not None:  # keep what is shown, say why it is not filtered
                summary.set_text(_('Not filtered — {problem}').format(problem=problem))
                summary.classes(replace='text-sm text-negative')
                return
            chosen, sort = filters.chosen(viewer.timezone), filters.sort.value
            totals = views.trade_totals(system, **chosen)
            page = views.trades_page(system, **chosen, sort=sort, limit=PAGE_SIZE, offset=pager.fit(totals.count))
            table.show(page.trades, totals.count, sort, viewer.timezone)
            summary.classes(replace='text-sm opacity-80')
            counts = ngettext('{count} trade', '{count} trades', totals.count).format(count=totals.count)
            figures = _('{closed} closed · net PnL {pnl} · fees {fees} · times are market time in {timezone}')
            pnl, fees = fmt.signed_money(totals.net_pnl), fmt.money(totals.fees)
            details = figures.format(closed=totals.closed, pnl=pnl, fees=fees, timezone=viewer.timezone_name)
            summary.set_text(f'{counts} · {details}')

        def export() -> None:
            if acting_principal(context) is None:
                return
            if filters.problem is None:
                chosen = filters.chosen(viewer.timezone)
                rows = views.trades_page(system, **chosen, sort=filters.sort.value, limit=EXPORT_LIMIT).trades
                content = views.trades_csv(rows, viewer.timezone).encode()
                ui.download.content(content, 'trades.csv', 'text/csv')

        load()
        await ui.context.client.connected()
        if await viewer.learn_timezone():
            load()
