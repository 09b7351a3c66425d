"""Live events: coloured and iconed by topic, filter chips per topic, pause/resume autoscroll, capped."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, tzinfo
from itertools import count
from typing import Any

from nicegui import ui

from oracle_ui.events import Event, Topic
from oracle_ui.summaries import summarize

TOPIC_STYLE: dict[str, tuple[str, str]] = {
    'trading': ('swap_horiz', 'teal'),
    'market_data': ('show_chart', 'blue'),
    'bot_status': ('smart_toy', 'amber'),
    'system': ('memory', 'grey'),
    'notifications': ('notifications', 'purple'),
    'analysis': ('insights', 'cyan'),
    'portfolio': ('account_balance_wallet', 'green'),
    'audit': ('verified_user', 'orange'),
    'alerts': ('notification_important', 'red'),
}
DEFAULT_TOPICS = {'trading', 'bot_status', 'notifications', 'portfolio', 'audit', 'analysis', 'alerts'}


class FeedRows(ui.element, component='events_feed.js'):
    """The rows, newest first, drawn in the browser (see events_feed.js); ``rows`` mirrors what it holds."""

    def __init__(self, capacity: int, topics: set[str], rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.rows: deque[dict[str, Any]] = deque(maxlen=capacity)
        self.rows.extendleft(rows)
        self._props['capacity'] = capacity
        self._props['rows'] = list(self.rows)
        self._props['topics'] = sorted(topics)

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Append rows (oldest first) in the browser without resending the others."""
        self.rows.extendleft(rows)
        self.run_method('add', rows)

    def show_topics(self, topics: set[str]) -> None:
        self._props['topics'] = sorted(topics)
        self._props['rows'] = list(self.rows)
        self.update()


class EventsFeed(ui.column):
    """Newest first; at most ``capacity`` rows, starting with ``history`` (oldest first). Feed it with :meth:`add`."""

    def __init__(self, timezone: tzinfo, history: Iterable[Event] = (), capacity: int = 150) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self.timezone = timezone
        self.shown_topics = set(DEFAULT_TOPICS)
        self.is_paused = False
        self._held: deque[Event] = deque(maxlen=capacity)
        self._keys = count()
        with self:
            with ui.row().classes('items-center gap-1 flex-wrap'):
                for topic in Topic:
                    icon, color = TOPIC_STYLE[topic.value]
                    ui.chip(
                        topic.value,
                        icon=icon,
                        color=color,
                        selectable=True,
                        selected=topic.value in self.shown_topics,
                        on_selection_change=lambda e, t=topic.value: self._toggle(t, e.value),
                    ).props('dense outline').mark(f'feed-chip-{topic.value}')
                self._pause = (
                    ui.button('Pause', icon='pause', on_click=self._toggle_pause).props('flat dense').mark('feed-pause')
                )
            with ui.scroll_area().classes('w-full h-72 border rounded'):
                self.view = FeedRows(capacity, self.shown_topics, [self._row(e) for e in history]).mark('events-feed')

    def _toggle(self, topic: str, shown: bool) -> None:
        (self.shown_topics.add if shown else self.shown_topics.discard)(topic)
        self.view.show_topics(self.shown_topics)

    def _toggle_pause(self) -> None:
        self.is_paused = not self.is_paused
        self._pause.set_text('Resume' if self.is_paused else 'Pause')
        self._pause.props(f'icon={"play_arrow" if self.is_paused else "pause"}')
        if not self.is_paused and self._held:
            self.view.add([self._row(event) for event in self._held])
            self._held.clear()

    def add(self, event: Event) -> None:
        if self.is_paused:
            self._held.append(event)
            return
        self.view.add([self._row(event)])

    def _row(self, event: Event) -> dict[str, Any]:
        icon, color = TOPIC_STYLE.get(event.topic.value, ('circle', 'grey'))
        return {
            'key': next(self._keys),
            'topic': event.topic.value,
            'icon': icon,
            'color': color,
            'time': datetime.fromtimestamp(event.timestamp, self.timezone).strftime('%H:%M:%S'),
            'type': event.type.value + (' [test]' if event.test else ''),
            'summary': summarize(event),
        }
