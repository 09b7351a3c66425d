"""The open positions: a table on wider screens, cards with a full-width Close button on phones (where a table
would hide Close beyond the right edge), and Close all for operators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from components.tables import PositionCards, PositionsTable, position_row
from oracle_ui.i18n import _
from oracle_ui.views import OpenPosition
from oracle_ui.web.state import BotView


class OpenPositions(ui.column):
    """Call :meth:`show` with the positions; ``on_close(symbol)`` closes one, ``on_close(None)`` all (None: the
    viewer may not, and sees no buttons)."""

    def __init__(self, bot: BotView, on_close: Callable[[str | None], Any] | None) -> None:
        super().__init__()
        self.classes('w-full gap-2')
        with self:
            ui.label(_('Open positions')).classes('text-lg')
            close_one = (lambda symbol: on_close(symbol)) if on_close else None
            self.table = PositionsTable(close_one).classes('gt-xs').mark('positions-table')
            self.cards = PositionCards(close_one).classes('xs').mark('positions-cards')
            if on_close is not None:  # hidden from viewers; the server refuses them anyway
                ui.button(_('Close all'), color='negative', on_click=lambda: on_close(None)).mark(
                    'close-all'
                ).bind_enabled_from(bot, 'open_positions', backward=bool)

    def show(self, positions: list[OpenPosition]) -> None:
        rows = [position_row(p) for p in positions]
        self.table.show(rows)
        self.cards.show(rows)
