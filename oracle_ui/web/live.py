"""Live updates for a page: bus events delivered in the page's own client context, undone with the page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nicegui import ui

from ..bus import EventBus
from ..events import Event, EventType, Topic


def on_events(
    bus: EventBus,
    handler: Callable[[Event], Any],
    topics: Iterable[Topic] | None = None,
    *,
    types: Iterable[EventType] | None = None,
) -> None:
    """Call ``handler`` for each event of ``topics`` (None: all; only ``types`` if given) while the current page
    lives; it runs in the page's client context, so it may update elements and notify."""
    client = ui.context.client

    def deliver(event: Event) -> Any:
        with client:
            return handler(event)

    deliver.__qualname__ = f'page:{getattr(handler, "__qualname__", "handler")}'
    client.on_delete(bus.subscribe(deliver, topics, types=types))
