"""The ``/events`` controls and table: filters and a search that apply as they are typed, one row per fill with
its order, position and account events folded in, and a column per clock (market time, wall-clock time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from nicegui import ui

from components.events_feed import TOPIC_STYLE
from components.typed_time import time_check, time_problem, typed_input
from components.url_query import keep_in_url
from oracle_ui import formatting as fmt
from oracle_ui.event_rows import EventGroup
from oracle_ui.events import SAMPLED_TYPES, EventType, Topic
from oracle_ui.i18n import N_, _, terms

COLUMNS = [
    {'name': n, 'label': label, 'field': n, 'align': 'left'}
    for n, label in (
        ('id', '#'),
        ('market_time', N_('Market time')),
        ('time', N_('Logged (wall clock)')),
        ('topic', N_('Topic')),
        ('type', N_('Type')),
        ('summary', N_('What happened')),
    )
]
"""Column labels are translated when the table is made."""
SEARCH_LIMIT = 200


class EventFilters(ui.row):
    """Topic, type, from/to (wall-clock time, as typed in the viewer's timezone) and a search of the event text;
    ``on_change`` runs after any of them changed (typed ones once typing pauses, no Enter needed)."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        self.classes('items-start gap-3 flex-wrap')
        stored_types = sorted(t.value for t in EventType if t not in SAMPLED_TYPES)
        with self:
            topics = {'all': _('all'), **{t.value: terms.topic(t.value) for t in Topic}}
            self.topic = ui.select(topics, value='all', label=_('Topic'))
            self.topic.classes('w-36').mark('filter-topic')
            kinds = {'all': _('all'), **{t: t for t in stored_types}}  # event types are names, the same everywhere
            self.kind = ui.select(kinds, value='all', label=_('Type')).classes('w-48').mark('filter-type')
            self.since = typed_input(_('From (YYYY-MM-DD HH:MM)'), 'filter-since', time_check())
            self.until = typed_input(_('To (YYYY-MM-DD HH:MM)'), 'filter-until', time_check())
            self.search = typed_input(_('Search (as you type)'), 'filter-search').props(f'maxlength={SEARCH_LIMIT}')
            self.search.props['hint'] = _('matches the event type and its data')
        fields = {'topic': self.topic, 'type': self.kind, 'since': self.since, 'until': self.until, 'q': self.search}
        keep_in_url(fields)
        for element in fields.values():
            element.on_value_change(on_change)

    @property
    def problem(self) -> str | None:
        """What is wrong with the typed times, or None."""
        return time_problem(((_('From'), self.since), (_('To'), self.until)))

    def chosen(self, timezone: tzinfo) -> dict[str, Any]:
        """The filters as ``Store.events`` takes them (check :attr:`problem` first)."""
        return {
            'topic': None if self.topic.value == 'all' else self.topic.value,
            'type_': None if self.kind.value == 'all' else self.kind.value,
            'since': fmt.parse_moment(self.since.value, timezone),
            'until': fmt.parse_moment(self.until.value, timezone),
            'search': (self.search.value or '').strip()[:SEARCH_LIMIT] or None,
        }


class EventLogTable(ui.table):
    """Rows of folded events, newest first: a fill's row names the events folded into it under its type."""

    def __init__(self) -> None:
        super().__init__(
            columns=[{**c, 'label': _(c['label'])} for c in COLUMNS],  # '#' is in no catalog: kept
            rows=[],
            row_key='id',
        )
        self.classes('w-full').props('dense flat wrap-cells hide-pagination')
        self.add_slot(
            'body-cell-topic',
            '<q-td :props="props"><q-badge :color="props.row.color" :label="props.value" /></q-td>',
        )
        self.add_slot(
            'body-cell-type',
            """<q-td :props="props"><div>{{ props.value }}</div>
               <div v-if="props.row.folded" class="text-caption opacity-70">{{ props.row.folded_label }}</div>
               </q-td>""",
        )

    def show(self, groups: list[EventGroup], timezone: tzinfo) -> None:
        self.rows = [event_row(g, timezone) for g in groups]


def event_row(group: EventGroup, timezone: tzinfo) -> dict[str, Any]:
    head = group.head
    return {
        'id': head.id,
        'market_time': fmt.local_time(group.market_time, timezone) if group.market_time else '',
        'time': fmt.local_time(head.timestamp, timezone),
        'topic': terms.topic(head.topic.value),
        'color': TOPIC_STYLE[head.topic.value][1],
        'type': head.type.value + (' ' + _('[test]') if group.is_test else ''),
        'folded': (folded := ', '.join(t for t in group.types if t != head.type.value)),
        'folded_label': _('with {types}').format(types=folded),
        'summary': group.summary(),
    }
