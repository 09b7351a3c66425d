"""Pydantic's validation messages in the current language: the error types forms meet are translated here with
their limits formatted as numbers of the locale; our own validators' messages are looked up in the catalog (mark
them with ``N_``); anything else stays as pydantic wrote it, and so does everything in English."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .catalog import SOURCE, _, current, gettext
from .formats import significant


def _limit(context: Mapping[str, Any], key: str) -> str:
    value = context.get(key)
    return significant(float(value), 12) if isinstance(value, int | float) else str(value)


_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    'missing': lambda c: _('Field required'),
    # TRANSLATORS: a form field's validation message; {limit} is a number already in the language's format
    'greater_than': lambda c: _('Input should be greater than {limit}').format(limit=_limit(c, 'gt')),
    'greater_than_equal': lambda c: _('Input should be greater than or equal to {limit}').format(limit=_limit(c, 'ge')),
    'less_than': lambda c: _('Input should be less than {limit}').format(limit=_limit(c, 'lt')),
    'less_than_equal': lambda c: _('Input should be less than or equal to {limit}').format(limit=_limit(c, 'le')),
    'int_parsing': lambda c: _('Input should be a valid integer'),
    'int_from_float': lambda c: _('Input should be a valid integer'),
    'int_type': lambda c: _('Input should be a valid integer'),
    'float_parsing': lambda c: _('Input should be a valid number'),
    'float_type': lambda c: _('Input should be a valid number'),
    'finite_number': lambda c: _('Input should be a finite number'),
    'bool_parsing': lambda c: _('Input should be a valid boolean'),
    'string_too_short': lambda c: (
        _('Input should not be empty')
        if c.get('min_length') == 1
        else _('Input should have at least {count} characters').format(count=c.get('min_length'))
    ),
    'string_too_long': lambda c: _('Input should have at most {count} characters').format(count=c.get('max_length')),
    'string_pattern_mismatch': lambda c: _('Input does not have the expected form'),
    'literal_error': lambda c: _('Input should be {choices}').format(choices=c.get('expected', '')),
    'enum': lambda c: _('Input should be {choices}').format(choices=c.get('expected', '')),
    'extra_forbidden': lambda c: _('Extra inputs are not permitted'),
}


def error_text(error: Mapping[str, Any]) -> str:
    """One pydantic error's message (``error['msg']`` translated), without the field it is about."""
    kind, context = str(error.get('type', '')), error.get('ctx') or {}
    if current().code == SOURCE:  # pydantic's own words, exactly
        return str(error.get('msg', '')).removeprefix('Value error, ')
    if kind in _MESSAGES:
        return _MESSAGES[kind](context)
    message = str(error.get('msg', '')).removeprefix('Value error, ').removeprefix('Assertion failed, ')
    return gettext(message)


def problem_text(error: Mapping[str, Any]) -> str:
    """Pydantic's message as it is in English (``Value error, ...`` included: what the API has always said), else
    translated."""
    return str(error.get('msg', '')) if current().code == SOURCE else error_text(error)


def errors_text(errors: Iterable[Mapping[str, Any]], *, skip: int = 0, prefix: str = '', whole: str = '') -> str:
    """Every error as ``field: message``, joined by ``; `` (``skip`` leading parts of each location, e.g. a
    union's variant; ``prefix`` before each field; ``whole`` names the field of an error about the whole)."""
    parts = []
    for error in errors:
        where = '.'.join(str(x) for x in error.get('loc', ())[skip:] if not str(x).startswith('function-')) or whole
        text = error_text(error)
        parts.append(f'{prefix}{where}: {text}' if where else text)
    return '; '.join(parts)
