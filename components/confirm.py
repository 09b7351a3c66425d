"""A yes/no dialog before an action that cannot be undone."""

from __future__ import annotations

from nicegui import ui

from oracle_ui.i18n import _


async def confirm(question: str, *, detail: str = '', action: str = '', mark: str = 'confirm') -> bool:
    """Ask ``question`` (with an optional ``detail`` line); True if the user pressed ``action`` (default: OK)."""
    with ui.dialog() as dialog, ui.card():
        ui.label(question)
        if detail:
            ui.label(detail).classes('text-sm')
        with ui.row():
            ui.button(_('Cancel'), on_click=lambda: dialog.submit(False)).props('flat')
            ui.button(action or _('OK'), color='negative', on_click=lambda: dialog.submit(True)).mark(mark)
    return bool(await dialog)
