"""The parts of ``/settings``: the strategy with its parameters, the risk limits, and the symbols to trade from the
next start; each labelled, with units and descriptions, and read-only for viewers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from nicegui import ui
from pydantic import BaseModel

from components.param_form import ParamForm
from oracle_ui.i18n import _, terms
from oracle_ui.settings import RiskSettings


class StrategyCard(ui.card):
    """A strategy picker and its parameter form (``current_params`` for ``current``, defaults for the others)."""

    def __init__(
        self,
        strategies: Mapping[str, type[BaseModel]],
        current: str,
        current_params: dict[str, Any],
        *,
        read_only: bool,
    ) -> None:
        super().__init__()
        self.classes('w-full')
        self.strategies, self.read_only = strategies, read_only
        self.current, self.current_params = current, current_params
        with self:
            ui.label(_('Strategy')).classes('text-lg')
            names = {name: terms.strategy(name) for name in strategies}
            self.strategy = ui.select(names, value=current, label=_('Strategy')).classes('w-56')
            self.strategy.mark('settings-strategy').set_enabled(not read_only)
            self.box = ui.column().classes('w-full')
        self.strategy.on_value_change(self._show_params)
        self._show_params()

    def _show_params(self) -> None:
        self.box.clear()
        values = self.current_params if self.strategy.value == self.current else {}
        with self.box:
            self.params = ParamForm(self.strategies[self.strategy.value], values, read_only=self.read_only)


class RiskCard(ui.card):
    """Position sizing and limits; :attr:`values` collects them."""

    def __init__(self, current: RiskSettings, *, read_only: bool) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            ui.label(_('Risk')).classes('text-lg')
            self.form = ParamForm(RiskSettings, current.model_dump(), prefix='risk', read_only=read_only)

    @property
    def values(self) -> dict[str, Any]:
        return self.form.values


class SymbolsCard(ui.card):
    """The symbols to trade from the next start; ``on_save(text)`` returns what to say (and whether it is bad)."""

    def __init__(
        self, symbols: list[str], on_save: Callable[[str], Awaitable[tuple[str, bool]]], *, read_only: bool
    ) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            ui.label(_('Symbols (from the next start)')).classes('text-lg')
            self.symbols = ui.input(_('Symbols'), value=','.join(symbols)).classes('w-full').mark('settings-symbols')
            hint = _('comma-separated BASE/QUOTE, e.g. BTC/USDT,ETH/USDT; new ones get history')
            self.symbols.props(f'hint="{hint}"')
            self.note = ui.label().classes('text-sm').mark('symbols-note')
            save = ui.button(_('Save symbols'), icon='save', on_click=lambda: self._save(on_save)).mark('symbols-save')
            for element in (self.symbols, save):
                element.set_enabled(not read_only)

    async def _save(self, on_save: Callable[[str], Awaitable[tuple[str, bool]]]) -> None:
        message, is_bad = await on_save(self.symbols.value or '')
        self.note.set_text(message)
        self.note.classes(replace='text-sm ' + ('text-negative' if is_bad else 'text-positive'))
