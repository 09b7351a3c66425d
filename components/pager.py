"""Previous / "page N of M" / next controls for server-side paging."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from oracle_ui.i18n import _


class Pager(ui.row):
    """Keeps the page number; :meth:`fit` clamps it to a total and returns the offset to query from.

    :param size: rows per page
    :param on_change: called after the page changed (load the rows again there)
    """

    def __init__(self, size: int, on_change: Callable[[], None]) -> None:
        super().__init__()
        self.classes('items-center gap-2')
        self.size = size
        self.number = 0
        self._on_change = on_change
        with self:
            self._previous = (
                ui.button(icon='chevron_left', on_click=lambda: self.turn(-1)).props('flat').mark('page-prev')
            )
            self._label = ui.label().mark('page-label')
            self._next = ui.button(icon='chevron_right', on_click=lambda: self.turn(1)).props('flat').mark('page-next')

    def fit(self, total: int) -> int:
        """Clamp to ``total`` rows, update the controls, and return the offset of the current page."""
        pages = max(1, -(-total // self.size))
        self.number = min(self.number, pages - 1)
        self._label.set_text(_('page {number} of {pages}').format(number=self.number + 1, pages=pages))
        self._previous.set_enabled(self.number > 0)
        self._next.set_enabled(self.number < pages - 1)
        return self.number * self.size

    def turn(self, step: int) -> None:
        self.number = max(0, self.number + step)
        self._on_change()

    def first(self) -> None:
        """Back to page 1 (after a filter changed)."""
        self.number = 0
        self._on_change()
