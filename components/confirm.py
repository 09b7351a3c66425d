"""A yes/no dialog before an action that cannot be undone."""

from __future__ import annotations

from nicegui import ui


async def confirm(question: str, *, detail: str = '', action: str = 'OK', mark: str = 'confirm') -> bool:
    """Ask ``question`` (with an optional ``detail`` line); True if the user pressed ``action``."""
    with ui.dialog() as dialog, ui.card():
        ui.label(question)
        if detail:
            ui.label(detail).classes('text-sm')
        with ui.row():
            ui.button('Cancel', on_click=lambda: dialog.submit(False)).props('flat')
            ui.button(action, color='negative', on_click=lambda: dialog.submit(True)).mark(mark)
    return bool(await dialog)
