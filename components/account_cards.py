"""Machine health with sparklines and the paper account's figures, bound to the shared state."""

from __future__ import annotations

from collections import deque

from nicegui import ui

from components.metric_card import MetricCard
from oracle_ui import formatting as fmt
from oracle_ui.web.state import BotView

ACCOUNT_FIELDS = (
    ('Balance', 'balance', fmt.money),
    ('Equity', 'equity', fmt.money),
    ('Unrealized PnL', 'unrealized_pnl', fmt.signed_money),
    ('Realized PnL (net of fees)', 'realized_pnl', fmt.signed_money),
    ('Fees paid', 'fees', fmt.money),
)


class HealthCards(ui.grid):
    """CPU, memory, RSS, connections and events/s; :meth:`draw` redraws the sparklines from recent values."""

    def __init__(self, bot: BotView) -> None:
        super().__init__()
        self.classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('health-cards')
        with self:
            self.cards = {
                'cpu_percent': MetricCard('CPU', bot, 'cpu_percent', lambda v: f'{v:.1f} %'),
                'memory_percent': MetricCard('Memory', bot, 'memory_percent', lambda v: f'{v:.1f} %'),
                'process_rss_mb': MetricCard('Process RSS', bot, 'process_rss_mb', lambda v: f'{v:.0f} MB'),
                'open_connections': MetricCard('Connections', bot, 'open_connections', lambda v: f'{v:.0f}'),
                'events_per_s': MetricCard('Events/s', bot, 'events_per_s', lambda v: f'{v:.1f}'),
            }

    def draw(self, history: dict[str, deque[float]]) -> None:
        for name, card in self.cards.items():
            card.draw(history[name])


SIGN_COLOURS = {'+': 'text-positive', '-': 'text-negative'}


class SignedLabel(ui.label):
    """An amount coloured by its sign: green for a gain (``+``), red for a loss (``-``), plain for zero."""

    def _handle_text_change(self, text: str) -> None:
        super()._handle_text_change(text)
        colour = SIGN_COLOURS.get(text[:1], '') if text not in ('+0.00', '-0.00') else ''
        self.classes(replace=f'text-lg {colour}')


def account_cards(bot: BotView) -> None:
    """Balance, equity, unrealized and realized PnL (coloured by sign), fees."""
    with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('account-cards'):
        for label, field, formatter in ACCOUNT_FIELDS:
            with ui.card().classes('p-3 min-w-0'):
                ui.label(label).classes('text-xs opacity-70')
                value = SignedLabel() if formatter is fmt.signed_money else ui.label()
                value.bind_text_from(bot, field, backward=formatter).classes('text-lg').mark(f'account-{field}')
