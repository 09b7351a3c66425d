"""Live events: coloured and iconed by topic, filter chips per topic, pause/resume autoscroll, capped."""

from __future__ import annotations

from datetime import datetime, tzinfo

from nicegui import ui

from oracle_ui.events import Event, Topic
from oracle_ui.formatting import event_summary

TOPIC_STYLE: dict[str, tuple[str, str]] = {
    'trading': ('swap_horiz', 'teal'), 'market_data': ('show_chart', 'blue'), 'bot_status': ('smart_toy', 'amber'),
    'system': ('memory', 'grey'), 'notifications': ('notifications', 'purple'), 'analysis': ('insights', 'cyan'),
    'portfolio': ('account_balance_wallet', 'green'), 'audit': ('verified_user', 'orange'),
}
DEFAULT_TOPICS = {'trading', 'bot_status', 'notifications', 'portfolio', 'audit', 'analysis'}


class EventsFeed(ui.column):
    """Newest first; at most ``capacity`` rows. Feed it with :meth:`add`."""

    def __init__(self, timezone: tzinfo, capacity: int = 150) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self.timezone = timezone
        self.capacity = capacity
        self.shown_topics = set(DEFAULT_TOPICS)
        self.is_paused = False
        self._held: list[Event] = []
        with self:
            with ui.row().classes('items-center gap-1 flex-wrap'):
                for topic in Topic:
                    icon, color = TOPIC_STYLE[topic.value]
                    ui.chip(topic.value, icon=icon, color=color, selectable=True,
                            selected=topic.value in self.shown_topics,
                            on_selection_change=lambda e, t=topic.value: self._toggle(t, e.value)) \
                        .props('dense outline').mark(f'feed-chip-{topic.value}')
                self._pause = ui.button('Pause', icon='pause', on_click=self._toggle_pause).props('flat dense') \
                    .mark('feed-pause')
            with ui.scroll_area().classes('w-full h-72 border rounded'):
                self._rows = ui.column().classes('w-full gap-0').mark('events-feed')

    def _toggle(self, topic: str, shown: bool) -> None:
        (self.shown_topics.add if shown else self.shown_topics.discard)(topic)
        for row in self._rows.default_slot.children:
            row.set_visibility(row.props.get('data-topic') in self.shown_topics)

    def _toggle_pause(self) -> None:
        self.is_paused = not self.is_paused
        self._pause.set_text('Resume' if self.is_paused else 'Pause')
        self._pause.props(f'icon={"play_arrow" if self.is_paused else "pause"}')
        if not self.is_paused:
            for event in self._held:
                self._insert(event)
            self._held.clear()

    def add(self, event: Event) -> None:
        if self.is_paused:
            self._held = [*self._held[-self.capacity + 1:], event]
            return
        self._insert(event)

    def _insert(self, event: Event) -> None:
        icon, color = TOPIC_STYLE.get(event.topic.value, ('circle', 'grey'))
        stamp = datetime.fromtimestamp(event.timestamp, self.timezone).strftime('%H:%M:%S')
        with self._rows:
            row = ui.row().classes('w-full items-center gap-2 px-2 py-1 text-sm no-wrap')
            row.props(f'data-topic={event.topic.value}')
            with row:
                ui.icon(icon, color=color).classes('text-base')
                ui.label(stamp).classes('opacity-60 font-mono text-xs')
                ui.label(event.type.value + (' [test]' if event.test else '')).classes(f'text-{color} font-medium')
                ui.label(event_summary(event.type.value, event.data)).classes('truncate opacity-90')
        row.move(self._rows, 0)
        row.set_visibility(event.topic.value in self.shown_topics)
        children = self._rows.default_slot.children
        while len(children) > self.capacity:
            self._rows.remove(children[-1])
