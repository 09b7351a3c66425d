"""The registry of event summaries: one function per event type, reading its typed payload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .. import formatting as fmt
from ..events import (
    PAYLOAD_OF,
    Event,
    EventType,
    Payload,
)

P = TypeVar('P', bound=Payload)
_SUMMARIES: dict[EventType, Callable[[Any], str]] = {}


def summarizes(*types: EventType) -> Callable[[Callable[[P], str]], Callable[[P], str]]:
    """Register the decorated function as the summary of ``types``' payloads."""

    def register(function: Callable[[P], str]) -> Callable[[P], str]:
        for type_ in types:
            _SUMMARIES[type_] = function
        return function

    return register


def has_summary(type_: EventType) -> bool:
    return type_ in _SUMMARIES


def summarize(event: Event) -> str:
    """What happened, in one line: the type's own summary; for data that does not fit the type's model (test
    events, events stored by older versions) its ``message``, else its first fields, numbers formatted."""
    payload = event.payload
    summary = _SUMMARIES.get(event.type)
    if summary is not None and isinstance(payload, PAYLOAD_OF[event.type]):
        return summary(payload)
    message = getattr(payload, 'message', None)
    if isinstance(message, str):
        return message
    return ', '.join(f'{k}={value_text(v)}' for k, v in list(event.data.items())[:4])


def value_text(value: Any) -> str:
    """Any payload value, short: numbers formatted, lists and dicts abbreviated."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return fmt.number(value)
    if isinstance(value, list | tuple):
        shown = ', '.join(value_text(v) for v in value[:3])
        return f'[{shown}{", …" if len(value) > 3 else ""}]'
    if isinstance(value, dict):
        return '{' + ', '.join(f'{k}: {value_text(v)}' for k, v in list(value.items())[:3]) + '}'
    return str(value)
