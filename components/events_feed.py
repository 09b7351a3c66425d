"""Live events: coloured and iconed by topic, filter chips per topic, pause/resume, capped; a fill and the events
it caused are one row; market events at market time, the rest at wall-clock time (marked when the two differ)."""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Iterable
from datetime import tzinfo
from itertools import count
from typing import Any

from nicegui import ui

from oracle_ui.event_rows import EventFolder, EventGroup
from oracle_ui.events import Event, Topic
from oracle_ui.formatting import local_time
from oracle_ui.i18n import _, terms

TOPIC_STYLE: dict[str, tuple[str, str]] = {
    'trading': ('swap_horiz', 'teal'),
    'market_data': ('show_chart', 'blue'),
    'bot_status': ('smart_toy', 'amber'),
    'system': ('memory', 'grey'),
    'notifications': ('notifications', 'purple'),
    'analysis': ('insights', 'cyan'),
    'portfolio': ('account_balance_wallet', 'green'),
    'audit': ('verified_user', 'orange'),
    'clients': ('devices', 'grey'),
    'alerts': ('notification_important', 'red'),
}
DEFAULT_TOPICS = {'trading', 'bot_status', 'notifications', 'portfolio', 'audit', 'analysis', 'alerts'}


class FeedRows(ui.element, component='events_feed.js'):
    """The rows, newest first, drawn in the browser (see events_feed.js); ``rows`` mirrors what it holds."""

    def __init__(self, capacity: int, topics: set[str], rows: list[dict[str, Any]], *, is_simulated: bool) -> None:
        super().__init__()
        self.rows: deque[dict[str, Any]] = deque(maxlen=capacity)
        self.rows.extendleft(rows)
        self._props['capacity'] = capacity
        self._props['rows'] = list(self.rows)
        self._props['topics'] = sorted(topics)
        self._props['simulated'] = is_simulated
        self._props['words'] = {
            'market': _('market time'),
            'wallClock': _('wall-clock time'),
            # TRANSLATORS: marks a feed row timed by the wall clock while the market's times are simulated
            'wall': _('wall'),
            'folded': _('events folded into this row'),
        }

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Put rows (oldest first) on top in the browser without resending the others; a row whose key is
        already shown replaces it (a fill's row that took in another event)."""
        keys = {row['key'] for row in rows}
        if any(row['key'] in keys for row in self.rows):
            kept = [row for row in self.rows if row['key'] not in keys]
            self.rows.clear()
            self.rows.extend(kept)
        self.rows.extendleft(rows)
        self.run_method('add', rows)

    def show_topics(self, topics: set[str]) -> None:
        self._props['topics'] = sorted(topics)
        self._props['rows'] = list(self.rows)
        self.update()


class EventsFeed(ui.column):
    """Newest first; at most ``capacity`` rows, starting with ``history`` (oldest first). Feed it with :meth:`add`.

    :param is_simulated: market time is not the wall clock (rows on the wall clock are then marked)
    """

    def __init__(
        self, timezone: tzinfo, history: Iterable[Event] = (), capacity: int = 150, *, is_simulated: bool = False
    ) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self.timezone = timezone
        self.shown_topics = set(DEFAULT_TOPICS)
        self.is_paused = False
        self._held: deque[Event] = deque(maxlen=capacity)
        self._folder = EventFolder()
        self._keys: weakref.WeakKeyDictionary[EventGroup, int] = weakref.WeakKeyDictionary()
        """A row's key per group (forgotten with the group once it has left the folder's window)."""
        self._next_key = count()
        with self:
            self._chips()
            if is_simulated:
                ui.label(
                    _(
                        'Trades, orders and prices at market time (simulated); bot, system and audit rows at '
                        'wall-clock time, marked "wall".'
                    )
                ).classes('text-xs opacity-70').mark('feed-clock-note')
            with ui.scroll_area().classes('w-full h-72 border rounded'):
                rows = self._fold(history)
                self.view = FeedRows(capacity, self.shown_topics, rows, is_simulated=is_simulated).mark('events-feed')

    def _chips(self) -> None:
        with ui.row().classes('items-center gap-1 flex-wrap'):
            for topic in Topic:
                icon, color = TOPIC_STYLE[topic.value]
                ui.chip(
                    terms.topic(topic.value),
                    icon=icon,
                    color=color,
                    selectable=True,
                    selected=topic.value in self.shown_topics,
                    on_selection_change=lambda e, t=topic.value: self._toggle(t, e.value),
                ).props('dense outline').mark(f'feed-chip-{topic.value}')
            self._pause = (
                ui.button(_('Pause'), icon='pause', on_click=self._toggle_pause).props('flat dense').mark('feed-pause')
            )

    def _toggle(self, topic: str, shown: bool) -> None:
        (self.shown_topics.add if shown else self.shown_topics.discard)(topic)
        self.view.show_topics(self.shown_topics)

    def _toggle_pause(self) -> None:
        self.is_paused = not self.is_paused
        self._pause.set_text(_('Resume') if self.is_paused else _('Pause'))
        self._pause.props(f'icon={"play_arrow" if self.is_paused else "pause"}')
        if not self.is_paused and self._held:
            self.view.add(self._fold(self._held))
            self._held.clear()

    def add(self, event: Event) -> None:
        if self.is_paused:
            self._held.append(event)
            return
        self.view.add(self._fold([event]))

    def _fold(self, events: Iterable[Event]) -> list[dict[str, Any]]:
        """Rows (oldest first) for ``events``: a group that took in a later event comes again, moved up."""
        changed: dict[EventGroup, None] = {}
        for event in events:
            group, _is_new = self._folder.add(event)
            changed.pop(group, None)
            changed[group] = None
        return [self._row(group) for group in changed]

    def _row(self, group: EventGroup) -> dict[str, Any]:
        head = group.head
        icon, color = TOPIC_STYLE.get(head.topic.value, ('circle', 'grey'))
        market = group.market_time
        key = self._keys.setdefault(group, next(self._next_key))
        return {
            'key': key,
            'topic': head.topic.value,
            'icon': icon,
            'color': color,
            'time': local_time(market or head.timestamp, self.timezone, with_date=False),
            'clock': 'market' if market else 'wall',
            'type': head.type.value + (' [test]' if group.is_test else ''),
            'folded': f'+{len(group.events) - 1}' if len(group.events) > 1 else '',
            'summary': group.summary(),
        }
