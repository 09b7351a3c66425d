"""The shared page frame: colours, header with navigation, paper-trading badge and bot state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from components.status_badge import StatusBadge
from oracle_ui.state import shared_state


@contextmanager
def frame(title: str) -> Iterator[None]:
    """Header and a content column for a page titled ``title``."""
    ui.colors(primary='#0f766e', positive='#16a34a', negative='#dc2626')
    ui.dark_mode(True)
    ui.page_title(f'{title} · Oracle Trader')
    with ui.header().classes('items-center gap-3 flex-wrap'):
        ui.label('Oracle Trader').classes('text-lg font-bold')
        ui.badge('PAPER TRADING', color='amber').props('text-color=black').mark('paper-badge')
        StatusBadge().mark('bot-state').bind_text_from(shared_state.bot, 'state', backward=lambda s: f'bot: {s}')
        ui.label().bind_text_from(shared_state.bot, 'feed_status', backward=lambda s: f'feed: {s}') \
            .classes('text-sm opacity-80').mark('feed-status')
    with ui.column().classes('w-full max-w-screen-xl mx-auto p-2 sm:p-4 gap-4'):
        yield
