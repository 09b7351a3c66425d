"""``/trades``: trade history from the store: filters, sorting, pages and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from nicegui import ui

from components.frame import frame
from components.pager import Pager
from components.tables import TRADE_COLUMNS, trade_row
from components.viewer import Viewer
from oracle_ui import views
from oracle_ui.engine.models import Trade
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

PAGE_SIZE = 25
SORTS = {
    'Newest first': ('id', True),
    'Oldest first': ('id', False),
    'PnL, best first': ('pnl', True),
    'PnL, worst first': ('pnl', False),
    'Symbol': ('symbol', False),
}


def _day_start(text: str | None, viewer: Viewer) -> float | None:
    if not text:
        return None
    return datetime.strptime(text, '%Y-%m-%d').replace(tzinfo=viewer.timezone).timestamp()


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(context, '/trades')
    async def trades_page() -> None:
        who = page_principal(system)
        viewer = Viewer()
        with frame('Trades', who, context.state.bot):
            with ui.row().classes('items-end gap-3 flex-wrap'):
                symbol = (
                    ui.select(['all', *system.engine.symbols], value='all', label='Symbol')
                    .classes('w-36')
                    .mark('filter-symbol')
                )
                side = (
                    ui.select(['all', 'long', 'short'], value='all', label='Side').classes('w-28').mark('filter-side')
                )
                since = ui.input('From (YYYY-MM-DD)').classes('w-40').mark('filter-from')
                until = ui.input('To (YYYY-MM-DD)').classes('w-40').mark('filter-to')
                sort = ui.select(list(SORTS), value='Newest first', label='Sort').classes('w-40').mark('sort')
                ui.button('Export CSV', icon='download', on_click=lambda: export()).mark('export-csv')
            summary = ui.label().classes('text-sm opacity-80').mark('trades-summary')
            table = (
                ui.table(columns=TRADE_COLUMNS, rows=[], row_key='id')
                .classes('w-full')
                .props('dense flat wrap-cells hide-pagination')
                .mark('history-table')
            )
            pager = Pager(PAGE_SIZE, lambda: load())

        def filters() -> dict | None:
            try:
                start, end = _day_start(since.value, viewer), _day_start(until.value, viewer)
            except ValueError:
                ui.notify('dates must look like 2026-11-26', type='warning')
                return None
            return {
                'symbol': None if symbol.value == 'all' else symbol.value,
                'side': None if side.value == 'all' else side.value,
                'since': start,
                'until': end + 86_400 if end is not None else None,
            }

        def load() -> None:
            if acting_principal(context) is None:
                return
            chosen = filters()
            if chosen is None:
                return
            total = system.store.count_trades(**chosen)
            column, newest = SORTS[sort.value]
            rows = system.store.trades(
                **chosen, order_by=column, newest_first=newest, limit=PAGE_SIZE, offset=pager.fit(total)
            )
            table.rows = [trade_row(t, viewer.timezone) for t in rows]
            closed = system.store.trades(**chosen, closed_only=True)
            summary.set_text(
                f'{total} trades · {len(closed)} closed · net PnL {sum(t.pnl for t in closed):+,.2f} '
                f'· fees {sum(t.fees for t in closed):,.2f} · times in {viewer.timezone_name}'
            )

        def export() -> None:
            if acting_principal(context) is None:
                return
            chosen = filters()
            if chosen is not None:
                content = trades_csv(system.store.trades(**chosen, newest_first=False)).encode()
                ui.download.content(content, 'trades.csv', 'text/csv')

        pager.restart_on(choices=(symbol, side, sort), entries=(since, until))
        load()
        await ui.context.client.connected()
        if await viewer.learn_timezone():
            load()


def trades_csv(trades: list[Trade]) -> str:
    """Trades as CSV with the fields of ``GET /dashboard/api/trades`` (times in Unix seconds, PnL fee-inclusive)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(views.TRADE_FIELDS)
    for t in trades:
        row = views.trade_row(t).model_dump(mode='json')
        writer.writerow(row[name] for name in views.TRADE_FIELDS)
    return out.getvalue()
