"""A badge showing the bot state, coloured by it."""

from __future__ import annotations

from nicegui import ui
from nicegui.binding import BindableProperty, bind_from

from oracle_ui.i18n import _, pinned, terms
from oracle_ui.web.state import BotView

STATE_COLORS = {
    'running': 'positive',
    'starting': 'warning',
    'stopping': 'warning',
    'stopped': 'grey-7',
    'error': 'negative',
}


class StatusBadge(ui.badge):
    """``bot: <state>`` of ``bot.state`` in the viewer's language, coloured by the state."""

    state = BindableProperty(on_change=lambda sender, value: sender._show(value))

    def __init__(self, bot: BotView) -> None:
        super().__init__()
        self._show = pinned(self._show_state)  # the state changes in whichever task moved the bot
        self.state = bot.state  # the first value is no change: shown here
        self._show(bot.state)
        bind_from(self, 'state', bot, 'state')

    def _show_state(self, state: str) -> None:
        self.set_text(_('bot: {state}').format(state=terms.bot_state(state)))
        self.set_background_color(STATE_COLORS.get(state, 'grey-7'))
