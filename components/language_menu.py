"""The language menu: each shipped language named in itself, and Latin digits for a language with its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from oracle_ui.i18n import LOCALES, Language, _
from oracle_ui.i18n.formats import has_native_digits


def language_menu(current: Language, on_choose: Callable[[Language], Any], *, color: str = 'white') -> None:
    """A button opening the menu; ``on_choose(language)`` is called with what was picked."""
    with ui.button(icon='translate').props(f'flat round dense color={color}').mark('language-menu') as button:
        button.tooltip(_('Language'))
        with ui.menu():
            for code, name in LOCALES.items():
                item = ui.menu_item(name, on_click=lambda c=code: on_choose(Language(c, current.latin_digits)))
                item.props(f'lang={code.replace("_", "-")}').mark(f'language-{code}')
                if code == current.code:
                    item.props('active')
            if has_native_digits(current.code):
                flipped = Language(current.code, not current.latin_digits)
                label = _('Latin digits (0-9)') if not current.latin_digits else _('Persian digits')
                ui.separator()
                ui.menu_item(label, on_click=lambda: on_choose(flipped)).mark('language-digits')
