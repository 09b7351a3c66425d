"""A form for a strategy's parameters, generated from its pydantic model (nested parts as sections)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from pydantic import BaseModel


class ParamForm(ui.column):
    """Inputs for every scalar field of ``model`` (defaults or ``values``); :attr:`values` collects them."""

    def __init__(self, model: type[BaseModel], values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self._inputs: dict[tuple[str, ...], ui.number | ui.input] = {}
        with self:
            self._build(model, values or {}, ())

    def _build(self, model: type[BaseModel], values: dict[str, Any], path: tuple[str, ...]) -> None:
        scalars = []
        for name, field in model.model_fields.items():
            default = values.get(name, field.default)
            if isinstance(field.default, BaseModel):
                with ui.expansion(name.capitalize(), icon='tune').classes('w-full'):
                    self._build(type(field.default), default if isinstance(default, dict) else {}, (*path, name))
            elif isinstance(field.default, bool | int | float | str):
                scalars.append((name, default, field))
        with ui.grid().classes('w-full gap-2 grid-cols-2 sm:grid-cols-3 md:grid-cols-4'):
            for name, default, field in scalars:
                key = (*path, name)
                if isinstance(field.default, str):
                    self._inputs[key] = ui.input(name, value=str(default)).props('dense')
                else:
                    step = 1 if isinstance(field.default, int) and not isinstance(field.default, bool) else 0.01
                    self._inputs[key] = ui.number(name, value=default, step=step).props('dense')
                self._inputs[key].mark(f'param-{".".join(key)}')

    @property
    def values(self) -> dict[str, Any]:
        """The entered values as a nested dict (validation happens where they are used)."""
        result: dict[str, Any] = {}
        for key, element in self._inputs.items():
            target = result
            for part in key[:-1]:
                target = target.setdefault(part, {})
            value = element.value
            if (
                isinstance(value, float)
                and value.is_integer()
                and isinstance(element, ui.number)
                and element.props.get('step') == 1
            ):
                value = int(value)
            target[key[-1]] = value
        return result
