"""``/events``: the persisted event log (audit trail included): filter by topic, type and time, search, pages."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from components.events_feed import TOPIC_STYLE
from components.frame import frame
from components.pager import Pager
from components.tables import local_time
from components.viewer import Viewer
from oracle_ui.events import SAMPLED_TYPES, EventType, Topic
from oracle_ui.summaries import summarize
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

PAGE_SIZE = 50
COLUMNS = [
    {'name': n, 'label': label, 'field': n, 'align': 'left'}
    for n, label in (
        ('id', '#'),
        ('time', 'Time'),
        ('topic', 'Topic'),
        ('type', 'Type'),
        ('source', 'Source'),
        ('summary', 'What happened'),
    )
]


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(context, '/events')
    async def events_page() -> None:
        who = page_principal(system)
        viewer = Viewer()
        stored_types = sorted(t.value for t in EventType if t not in SAMPLED_TYPES)
        with frame('Events', who, context.state.bot):
            ui.label('Every stored event (high-rate market ticks and metrics are kept in memory only).').classes(
                'text-sm opacity-70'
            )
            with ui.row().classes('items-end gap-3 flex-wrap'):
                topic = (
                    ui.select(['all', *(t.value for t in Topic)], value='all', label='Topic')
                    .classes('w-36')
                    .mark('filter-topic')
                )
                kind = ui.select(['all', *stored_types], value='all', label='Type').classes('w-48').mark('filter-type')
                since = ui.input('From (YYYY-MM-DD HH:MM)').classes('w-48').mark('filter-since')
                until = ui.input('To (YYYY-MM-DD HH:MM)').classes('w-48').mark('filter-until')
                search = ui.input('Search the event text').classes('w-48').mark('filter-search')
            summary = ui.label().classes('text-sm opacity-80').mark('events-summary')
            table = (
                ui.table(columns=COLUMNS, rows=[], row_key='id')
                .classes('w-full')
                .props('dense flat wrap-cells hide-pagination')
                .mark('events-table')
            )
            table.add_slot(
                'body-cell-topic',
                """
                <q-td :props="props"><q-badge :color="props.row.color" :label="props.value" /></q-td>""",
            )
            pager = Pager(PAGE_SIZE, lambda: load())

        def moment(text: str | None) -> float | None:
            if not text:
                return None
            value = text.strip()
            for pattern in ('%Y-%m-%d %H:%M', '%Y-%m-%d'):
                try:
                    return datetime.strptime(value, pattern).replace(tzinfo=viewer.timezone).timestamp()
                except ValueError:
                    continue
            raise ValueError(value)

        def load() -> None:
            if acting_principal(context) is None:
                return
            try:
                start, end = moment(since.value), moment(until.value)
            except ValueError as error:
                ui.notify(f'{error} is not a time like 2026-11-26 14:30', type='warning')
                return
            chosen = {
                'topic': None if topic.value == 'all' else topic.value,
                'type_': None if kind.value == 'all' else kind.value,
                'since': start,
                'until': end,
                'search': (search.value or '').strip()[:200] or None,
            }
            total = system.store.count_events(**chosen)
            events = system.store.events(**chosen, newest_first=True, limit=PAGE_SIZE, offset=pager.fit(total))
            table.rows = [
                {
                    'id': e.id,
                    'time': local_time(e.timestamp, viewer.timezone),
                    'topic': e.topic.value,
                    'color': TOPIC_STYLE[e.topic.value][1],
                    'type': e.type.value,
                    'source': e.source,
                    'summary': summarize(e),
                }
                for e in events
            ]
            summary.set_text(f'{total} events · newest first · times in {viewer.timezone_name}')

        pager.restart_on(choices=(topic, kind), entries=(since, until, search))
        load()
        await ui.context.client.connected()
        if await viewer.learn_timezone():
            load()
