"""A badge showing the bot state, coloured by it."""

from __future__ import annotations

from nicegui import ui

STATE_COLORS = {
    'running': 'positive',
    'starting': 'warning',
    'stopping': 'warning',
    'stopped': 'grey-7',
    'error': 'negative',
}


class StatusBadge(ui.badge):
    """Shows ``bot: <state>``; bind its text to the state and the colour follows."""

    def _handle_text_change(self, text: str) -> None:
        super()._handle_text_change(text)
        self.set_background_color(STATE_COLORS.get(text.removeprefix('bot: '), 'grey-7'))
