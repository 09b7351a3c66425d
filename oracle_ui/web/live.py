"""Live updates for a page: bus events delivered in the page's own client context, undone with the page, and
stopped as soon as the page's browser session ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nicegui import ui

from ..events import Event, EventType, Topic
from .context import AppContext


def on_events(
    context: AppContext,
    handler: Callable[[Event], Any],
    topics: Iterable[Topic] | None = None,
    *,
    types: Iterable[EventType] | None = None,
) -> None:
    """Call ``handler`` for each event of ``topics`` (None: all; only ``types`` if given) while the current page
    lives and its session lasts; it runs in the page's client context, so it may update elements and notify."""
    client = ui.context.client
    pages = context.pages

    def deliver(event: Event) -> Any:
        if not pages.is_open(client):  # its session ended: the client is on its way out
            return None
        with client:
            return handler(event)

    deliver.__qualname__ = f'page:{getattr(handler, "__qualname__", "handler")}'
    client.on_delete(context.system.bus.subscribe(deliver, topics, types=types))
