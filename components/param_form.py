"""A form generated from a pydantic model (strategy parameters, risk limits): each field labelled with its title,
its unit as a suffix, its description and default below, nested parts as sections; read-only for viewers."""

from __future__ import annotations

import math
import typing
from typing import Any

from nicegui import ui
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from oracle_ui.i18n import _, terms
from oracle_ui.summaries import value_text

FieldInput = ui.number | ui.input | ui.select


class ParamForm(ui.column):
    """Inputs for every scalar field of ``model`` (defaults or ``values``); :attr:`values` collects them.

    :param prefix: test markers are ``{prefix}-{dotted.name}`` (default: ``param``)
    :param read_only: inputs shown disabled (a viewer's view)
    """

    def __init__(
        self,
        model: type[BaseModel],
        values: dict[str, Any] | None = None,
        *,
        prefix: str = 'param',
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.classes('w-full gap-1')
        self.prefix, self.read_only = prefix, read_only
        self._inputs: dict[tuple[str, ...], FieldInput] = {}
        with self:
            self._build(model, values or {}, ())

    def _build(self, model: type[BaseModel], values: dict[str, Any], path: tuple[str, ...]) -> None:
        scalars = []
        for name, field in model.model_fields.items():
            default = values.get(name, field.default)
            if isinstance(field.default, BaseModel):
                with ui.expansion(terms.param_section(name), icon='tune').classes('w-full'):
                    self._build(type(field.default), default if isinstance(default, dict) else {}, (*path, name))
            elif isinstance(field.default, bool | int | float | str):
                scalars.append((name, default, field))
        with ui.grid().classes('w-full gap-x-3 gap-y-1 grid-cols-1 sm:grid-cols-3'):
            for name, value, field in scalars:
                key = (*path, name)
                self._inputs[key] = field_input(name, field, value).mark(f'{self.prefix}-{".".join(key)}')
                if self.read_only:
                    self._inputs[key].disable()

    @property
    def values(self) -> dict[str, Any]:
        """The entered values as a nested dict (validation happens where they are used)."""
        result: dict[str, Any] = {}
        for key, element in self._inputs.items():
            target = result
            for part in key[:-1]:
                target = target.setdefault(part, {})
            value = element.value
            if isinstance(value, float) and value.is_integer() and element.props.get('step') == 1:
                value = int(value)
            target[key[-1]] = value
        return result


def field_input(name: str, field: FieldInfo, value: Any) -> FieldInput:
    """One field's input: its title as the label (else the name), its unit as a suffix, and below it what it means,
    its default and the name the API and ``--param`` use."""
    label = _(field.title) if field.title else name.replace('_', ' ').capitalize()
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    hint = _('default {value} · {name}').format(value=value_text(field.default), name=name)
    if field.description:
        hint = f'{_(field.description)} · {hint}'
    choices = typing.get_args(field.annotation) if typing.get_origin(field.annotation) is typing.Literal else ()
    if choices:
        element: FieldInput = ui.select({c: terms.choice(str(c)) for c in choices}, value=value, label=label)
    elif isinstance(field.default, str):
        element = ui.input(label, value=str(value))
    else:
        whole = isinstance(field.default, int) and not isinstance(field.default, bool)
        element = ui.number(label, value=value, step=1 if whole else _step(field.default))
    element.props(f'dense bottom-slots hint="{_quoted(hint)}"')
    if unit := str(extra.get('unit') or ''):
        element.props(f'suffix="{_quoted(terms.unit(unit))}"')
    return element


def _step(default: float) -> float:
    """A step of about a hundredth of the default (0.001 for 0.03, 0.1 for 25)."""
    return 10.0 ** math.floor(math.log10(abs(default)) - 1) if default else 0.01


def _quoted(text: str) -> str:
    return text.replace('"', "'")
