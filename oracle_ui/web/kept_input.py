"""Unsaved input across a language switch. Switching shows the page again (a reload); just before, what the viewer
changed in the page's fields since it connected is kept on the server for their browser tab, and when the page
connects again it is put back into the same fields: on the same page, for the same user, once.

A field is found again by its mark when no other field of the page has it, else by its place among the fields of
its kind, and then only if the page has the same fields as before. Passwords (and other hidden inputs, such as a
channel's URL) are never kept.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nicegui import Client, app, ui
from nicegui.elements.choice_element import ChoiceElement
from nicegui.elements.mixins.value_element import ValueElement

STORAGE_KEY = 'kept-input'
"""Where the input waits in ``app.storage.tab`` while the page is shown again."""
FIELDS: tuple[type[ValueElement[Any]], ...] = (
    ui.input,
    ui.number,
    ui.select,
    ui.toggle,
    ui.radio,
    ui.checkbox,
    ui.switch,
    ui.slider,
    ui.date,
    ui.time,
)
"""What a person types or picks into (a textarea is an input); not the page's own state (dark mode, a menu)."""
SCALARS = (str, int, float, bool, type(None))


@dataclass(kw_only=True)
class _Connected:
    """The fields' values when the page connected (what the viewer changes from there is their input)."""

    values: dict[int, Any] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)


_connected: weakref.WeakKeyDictionary[Client, _Connected] = weakref.WeakKeyDictionary()


def follow(who: str | None) -> None:
    """On the current page (being built for ``who``, None: nobody logged in): once it connects, put back the input
    kept for its tab, if it was kept on this page for ``who``, and note what its fields hold."""
    client = ui.context.client
    client.on_connect(lambda: _on_connect(client, who))


def keep(who: str | None) -> None:
    """Keep what the viewer changed in the current page's fields for its tab (before it is shown again)."""
    client = ui.context.client
    connected = _connected.get(client, _Connected())
    fields = _fields(client)
    keys = _keys(fields)
    values = {
        key: element.value
        for key, element in zip(keys, fields, strict=True)
        if _enabled(element)
        and not _is_hidden(element, connected)
        and _storable(element.value)
        and (element.id not in connected.values or connected.values[element.id] != element.value)
    }
    app.storage.tab[STORAGE_KEY] = {'path': _path(client), 'who': who, 'fields': keys, 'values': values}


def _on_connect(client: Client, who: str | None) -> None:
    if client in _connected:  # a reconnect: the page is the same
        return
    fields = _fields(client)
    _connected[client] = _Connected(
        values={element.id: _copy(element.value) for element in fields},
        hidden={element.id for element in fields if element.props.get('type') == 'password'},
    )
    kept = app.storage.tab.pop(STORAGE_KEY, None)  # once, whichever page this tab shows next
    if isinstance(kept, dict) and kept.get('path') == _path(client) and kept.get('who') == who:
        _put_back(client, kept.get('fields') or [], kept.get('values') or {})


def _put_back(client: Client, kept_fields: Sequence[str], values: dict[str, Any]) -> None:
    """Set each kept value into its field, in the order they were kept (a choice may change what follows it)."""
    for key, value in values.items():
        fields = _fields(client)
        keys = _keys(fields)
        same_fields = keys == list(kept_fields)
        if key not in keys or (not key.startswith('mark:') and not same_fields):
            continue
        element = fields[keys.index(key)]
        if _enabled(element) and _allowed(element, value):
            element.value = value


def _fields(client: Client) -> list[ValueElement[Any]]:
    return [e for e in client.elements.values() if isinstance(e, FIELDS) and not e.is_deleted]


def _keys(fields: Sequence[ValueElement[Any]]) -> list[str]:
    """Each field's key: ``mark:<its marks>`` if no other field has them, else ``<kind>#<n>`` (its place among the
    fields of its kind without such a mark)."""
    marks = [' '.join(e._markers) for e in fields]
    unique = {m for m in marks if m and marks.count(m) == 1}
    keys: list[str] = []
    counts: dict[str, int] = {}
    for element, mark in zip(fields, marks, strict=True):
        if mark in unique:
            keys.append(f'mark:{mark}')
            continue
        kind = type(element).__name__
        place = counts.get(kind, 0)
        counts[kind] = place + 1
        keys.append(f'{kind}#{place}')
    return keys


def _enabled(element: ValueElement[Any]) -> bool:
    return bool(getattr(element, 'enabled', True))


def _is_hidden(element: ValueElement[Any], connected: _Connected) -> bool:
    return element.id in connected.hidden or element.props.get('type') == 'password'


def _storable(value: Any) -> bool:
    """JSON the tab storage keeps as it is (a persistent tab storage is JSON)."""
    if isinstance(value, list):
        return all(isinstance(v, SCALARS) for v in value)
    return isinstance(value, SCALARS)


def _allowed(element: ValueElement[Any], value: Any) -> bool:
    """Whether ``value`` may go into ``element``: a choice only among its options."""
    if not isinstance(element, ChoiceElement):
        return True
    offered = list(element.options)  # a list of options, or a dict of option: label
    return all(v in offered for v in value) if isinstance(value, list) else value in offered


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _path(client: Client) -> str:
    return client.request.url.path
