"""Filters kept in the page's URL: a reload (switching the language reloads the page) or a shared link shows the
same filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

MAX_VALUE_LENGTH = 200
"""Longer query values are ignored (no filter takes more)."""


def keep_in_url(fields: Mapping[str, ValueElement[Any]]) -> dict[str, str]:
    """Set ``fields`` from the page's query parameters of their names (a select only to one of its options), then
    keep the URL's query in step with whatever differs from their defaults, on every change. Call it before the
    fields' own change handlers are registered: restoring is not a change the page reacts to.

    :returns: the values asked for a select that does not offer them (yet: options that come with data)
    """
    request = ui.context.client.request
    defaults = {name: element.value for name, element in fields.items()}
    pending = {}
    for name, element in fields.items():
        value = request.query_params.get(name)
        if value is None or len(value) > MAX_VALUE_LENGTH:
            continue
        if _allowed(element, value):
            element.value = value
        else:
            pending[name] = value
    path = request.url.path

    def update() -> None:
        chosen = {n: e.value for n, e in fields.items() if e.value not in (defaults[n], None, '')}
        ui.navigate.history.replace(f'{path}?{urlencode(chosen)}' if chosen else path)

    for element in fields.values():
        element.on_value_change(update)
    return pending


def _allowed(element: ValueElement[Any], value: str) -> bool:
    if not isinstance(element, ui.select):
        return True
    options = element.options
    return value in (options if isinstance(options, dict) else list(options))
