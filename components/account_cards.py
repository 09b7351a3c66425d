"""Machine health with sparklines and the paper account's figures, bound to the shared state."""

from __future__ import annotations

from collections import deque

from nicegui import ui

from components.metric_card import MetricCard
from oracle_ui import formatting as fmt
from oracle_ui.i18n import N_, _, pinned
from oracle_ui.i18n import formats as locale_formats
from oracle_ui.web.state import BotView

ACCOUNT_FIELDS = (
    (N_('Balance'), 'balance', fmt.money),
    (N_('Equity'), 'equity', fmt.money),
    (N_('Unrealized PnL'), 'unrealized_pnl', fmt.signed_money),
    (N_('Realized PnL (net of fees)'), 'realized_pnl', fmt.signed_money),
    (N_('Fees paid'), 'fees', fmt.money),
)
"""Label (translated where shown), field of the bot view and formatter of each account figure."""


def megabytes(value: float) -> str:
    return _('{amount} MB').format(amount=locale_formats.decimal(value, 0))


class HealthCards(ui.grid):
    """CPU, memory, RSS, connections and events/s; :meth:`draw` redraws the sparklines from recent values."""

    def __init__(self, bot: BotView) -> None:
        super().__init__()
        self.classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('health-cards')
        with self:
            self.cards = {
                'cpu_percent': MetricCard(_('CPU'), bot, 'cpu_percent', fmt.percent),
                'memory_percent': MetricCard(_('Memory'), bot, 'memory_percent', fmt.percent),
                'process_rss_mb': MetricCard(_('Process RSS'), bot, 'process_rss_mb', megabytes),
                'open_connections': MetricCard(
                    _('Connections'), bot, 'open_connections', lambda v: locale_formats.decimal(v, 0)
                ),
                'events_per_s': MetricCard(_('Events/s'), bot, 'events_per_s', lambda v: locale_formats.decimal(v, 1)),
            }

    def draw(self, history: dict[str, deque[float]]) -> None:
        for name, card in self.cards.items():
            card.draw(history[name])


SIGN_COLOURS = {'+': 'text-positive', '-': 'text-negative'}


class SignedLabel(ui.label):
    """An amount coloured by its sign: green for a gain (``+``), red for a loss (``-``), plain for zero."""

    def _handle_text_change(self, text: str) -> None:
        super()._handle_text_change(text)
        is_zero = not any(c.isdigit() and int(c) != 0 for c in text)  # '+0.00', '-0,00', Persian digits
        colour = '' if is_zero else SIGN_COLOURS.get(text[:1], '')
        self.classes(replace=f'text-lg {colour}')


def account_cards(bot: BotView) -> None:
    """Balance, equity, unrealized and realized PnL (coloured by sign), fees."""
    with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('account-cards'):
        for label, field, formatter in ACCOUNT_FIELDS:
            with ui.card().classes('p-3 min-w-0'):
                ui.label(_(label)).classes('text-xs opacity-70')
                value = SignedLabel() if formatter is fmt.signed_money else ui.label()
                value.bind_text_from(bot, field, backward=pinned(formatter)).classes('text-lg').mark(f'account-{field}')
