"""A card per symbol: live price, 24 h change, regime and how old the price is (stale ones marked)."""

from __future__ import annotations

import time

from nicegui import ui

from oracle_ui import formatting as fmt
from oracle_ui.i18n import _, pinned, terms
from oracle_ui.web.state import Quote

STALE_AFTER_S = 10.0


def regime_text(regime: str) -> str:
    return _('regime: {regime}').format(regime=terms.regime(regime))


def change_24h(change_pct: float) -> str:
    return _('{change} 24h').format(change=fmt.percent(change_pct, signed=True))


class QuoteCards(ui.grid):
    """Prices bind to the quotes; call :meth:`refresh_ages` about once a second."""

    def __init__(self, quotes: dict[str, Quote]) -> None:
        super().__init__()
        self.classes('w-full gap-3 grid-cols-1 sm:grid-cols-3')
        self.quotes = quotes
        self.ages: dict[str, ui.label] = {}
        with self:
            for symbol, quote in quotes.items():
                with ui.card().classes('p-3 min-w-0'):
                    ui.label(symbol).classes('text-sm font-bold')
                    ui.label().bind_text_from(quote, 'price', backward=pinned(fmt.price)).classes('text-2xl').props(
                        f'data-price="{symbol}"'
                    ).mark(f'price-{symbol}')
                    with ui.row().classes('gap-2 text-xs'):
                        ui.label().bind_text_from(quote, 'change_pct', backward=pinned(change_24h))
                        ui.label().bind_text_from(quote, 'regime', backward=pinned(regime_text)).mark(
                            f'regime-{symbol}'
                        )
                    self.ages[symbol] = ui.label().classes('text-xs opacity-70').mark(f'age-{symbol}')

    def refresh_ages(self) -> None:
        now = time.time()
        for symbol, label in self.ages.items():
            received = self.quotes[symbol].received
            stale = not received or now - received > STALE_AFTER_S
            text = fmt.age(now - received if received else None)
            label.set_text((_('STALE · {age}') if stale else _('updated {age}')).format(age=text))
            label.classes(replace='text-xs ' + ('text-negative font-bold' if stale else 'opacity-70'))
