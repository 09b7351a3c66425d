"""The chart's indicator configurator: the chosen indicators as removable chips, and a form to add one with its
parameters and pane; every change is handed to ``on_change`` (which saves it and redraws the chart)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from pydantic import ValidationError

from oracle_ui.i18n import _, terms
from oracle_ui.views import ChartIndicator
from oracle_ui.views.chart_indicators import SPECS


def chip_label(indicator: ChartIndicator) -> str:
    """``EMA 50``, ``Bollinger bands 20 2``: the kind in the viewer's language, then the parameters."""
    return ' '.join([terms.indicator(indicator.kind), *(f'{p:g}' for p in indicator.params)])


class IndicatorPicker(ui.row):
    """Chips of ``chosen`` and an "Indicators" button opening the add form.

    :param default: the running strategy's own indicators, offered by "Reset to the strategy's"
    :param editable: False shows the chips only
    """

    def __init__(
        self,
        chosen: list[ChartIndicator],
        default: list[ChartIndicator],
        on_change: Callable[[list[ChartIndicator]], Any],
        *,
        editable: bool = True,
    ) -> None:
        super().__init__()
        self.classes('items-center gap-1 flex-wrap')
        self.chosen = list(chosen)
        self.default = default
        self.on_change = on_change
        self.editable = editable
        self._draw()

    def _draw(self) -> None:
        self.clear()
        with self:
            for indicator in self.chosen:
                chip = ui.chip(chip_label(indicator), removable=self.editable, color='primary').props('dense outline')
                chip.mark(f'indicator-{indicator.key}')
                chip.on('remove', lambda _e, i=indicator: self._set([c for c in self.chosen if c != i]))
            if self.editable:
                ui.button(_('Indicators'), icon='add', on_click=self._open).props('flat dense').mark('indicator-add')

    def _set(self, chosen: list[ChartIndicator]) -> None:
        self.chosen = chosen
        self.on_change(chosen)  # first: redrawing deletes the dialog this may be called from, and its context
        self._draw()

    def _open(self) -> None:
        with ui.dialog() as dialog, ui.card().classes('w-80 max-w-full'):
            ui.label(_('Add an indicator')).classes('text-lg')
            kind = (
                ui.select({k: terms.indicator(k) for k in SPECS}, value='ema', label=_('Indicator'))
                .classes('w-full')
                .mark('indicator-kind')
            )
            params = ui.column().classes('w-full gap-1')
            pane = (
                ui.select({'overlay': _('on the price'), 'subplot': _('own pane')}, label=_('Where'))
                .classes('w-full')
                .mark('indicator-pane')
            )
            error = ui.label().classes('text-negative text-sm').mark('indicator-error')
            inputs: list[ui.number] = []

            def show_params() -> None:
                params.clear()
                inputs.clear()
                with params:
                    for name, default, low, high in SPECS[kind.value]:
                        step = 0.1 if isinstance(default, float) and not float(default).is_integer() else 1
                        number = ui.number(
                            terms.indicator_parameter(name), value=default, min=low, max=high, step=step
                        ).classes('w-full')
                        inputs.append(number.mark(f'indicator-param-{name}'))
                pane.set_value('overlay' if kind.value in ('sma', 'ema', 'bbands') else 'subplot')

            def add() -> None:
                try:
                    values = tuple(float(n.value) for n in inputs if n.value is not None)
                    new = ChartIndicator(kind=kind.value, params=values, pane=pane.value)
                except (ValidationError, TypeError, ValueError) as problem:
                    error.set_text(
                        str(problem).splitlines()[-1] if isinstance(problem, ValidationError) else str(problem)
                    )
                    return
                if new in self.chosen:
                    error.set_text(_('{indicator} is already on the chart').format(indicator=new.label))
                    return
                dialog.close()
                self._set([*self.chosen, new])

            kind.on_value_change(show_params)
            show_params()
            with ui.row().classes('w-full justify-between'):

                def reset() -> None:
                    dialog.close()
                    self._set(list(self.default))

                ui.button(_("Strategy's own"), on_click=reset).props('flat dense').mark('indicator-reset')
                ui.button(_('Add'), on_click=add).mark('indicator-confirm')
        dialog.open()
