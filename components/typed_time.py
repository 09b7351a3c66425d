"""Inputs for a day or time typed into a filter: checked as typed (debounced), the mistake said under the field
and, through :func:`time_problem`, in the filter's summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC

from nicegui import ui

from oracle_ui.formatting import MOMENT_FORMATS, parse_moment

TYPING_DEBOUNCE_MS = 350
"""Typed filters apply once typing pauses this long."""


def typed_input(label: str, mark: str, check: Callable[[str | None], str | None] | None = None) -> ui.input:
    """A filter input that applies as the user types (debounced), checked by ``check`` if given."""
    entry = ui.input(label, validation=check) if check else ui.input(label)
    return entry.props(f'debounce={TYPING_DEBOUNCE_MS} clearable').classes('w-48').mark(mark)


def time_check(formats: tuple[str, ...] = MOMENT_FORMATS) -> Callable[[str | None], str | None]:
    """What is wrong with a typed day or time in one of ``formats`` (whatever the timezone), or None."""

    def check(text: str | None) -> str | None:
        try:
            parse_moment(text, UTC, formats)
        except ValueError as error:
            return str(error)
        return None

    return check


def time_problem(entries: Iterable[tuple[str, ui.input]], formats: tuple[str, ...] = MOMENT_FORMATS) -> str | None:
    """The first mistake among named typed times (``'From: ...'``; names as the viewer reads them), or None."""
    check = time_check(formats)
    for name, entry in entries:
        if (message := check(entry.value)) is not None:
            return f'{name}: {message}'
    return None
