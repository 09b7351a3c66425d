"""``/events``: the persisted event log (audit trail included): filter by topic, type and time, search as you
type, pages; a fill and the events it caused are one row."""

from __future__ import annotations

from nicegui import ui

from components.event_log import EventFilters, EventLogTable
from components.frame import frame
from components.pager import Pager
from components.viewer import Viewer
from oracle_ui.event_rows import fold
from oracle_ui.i18n import _, ngettext
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

PAGE_SIZE = 50


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(context, '/events')
    async def events_page() -> None:
        viewer = Viewer()
        with frame('Events', page_principal(system), context.state.bot):
            ui.label(
                _(
                    'Every stored event (high-rate market ticks and metrics are kept in memory only). A fill and the '
                    'order, position and account events it caused are one row.'
                )
            ).classes('text-sm opacity-70')
            filters = EventFilters(on_change=lambda: pager.first())
            summary = ui.label().classes('text-sm opacity-80').mark('events-summary')
            table = EventLogTable().mark('events-table')
            pager = Pager(PAGE_SIZE, lambda: load())

        def load() -> None:
            if acting_principal(context) is None:
                return
            if (problem := filters.problem) is not None:
                summary.set_text(_('Not filtered — {problem}').format(problem=problem))
                summary.classes(replace='text-sm text-negative')
                return
            chosen = filters.chosen(viewer.timezone)
            total = system.store.count_events(**chosen)
            events = system.store.events(**chosen, newest_first=True, limit=PAGE_SIZE, offset=pager.fit(total))
            rows = fold(events)
            table.show(rows, viewer.timezone)
            summary.classes(replace='text-sm opacity-80')
            counts = ngettext('{count} event', '{count} events', total).format(count=total)
            page = ngettext(
                'this page: {events} events in {rows} row', 'this page: {events} events in {rows} rows', len(rows)
            ).format(events=len(events), rows=len(rows))
            clocks = _('market time (trades, orders, prices) and wall-clock time (when logged) in {timezone}')
            newest = _('newest first')
            summary.set_text(f'{counts} · {newest} · {page} · {clocks.format(timezone=viewer.timezone_name)}')

        load()
        await ui.context.client.connected()
        if await viewer.learn_timezone():
            load()
