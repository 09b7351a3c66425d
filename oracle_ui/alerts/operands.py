"""Operands of indicator rules: a candle field (``close``) or an indicator output (``rsi:14``, ``ema:50``,
``bbands:20:2.lower``, ``macd.signal``) in the chart's indicator syntax, with the engine's incremental state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import ValidationError

from ..engine.indicators import Indicator
from ..views.chart_indicators import SPECS, ChartIndicator, kind_pattern

CANDLE_FIELDS = ('open', 'high', 'low', 'close', 'volume')


@dataclass(frozen=True, slots=True)
class Operand:
    """One side of an indicator condition.

    :param text: its canonical spelling (``ema:50``, ``bbands:20:2.lower``, ``close``)
    :param indicator: the engine indicator computing it (None for a candle field)
    :param output: the name of its value among the indicator's outputs, or the candle field
    """

    text: str
    indicator: Indicator | None
    output: str


def _output_suffixes(kind: str) -> list[str]:
    """The ``.suffix`` spellings of ``kind``'s outputs ('' for the one named after the indicator itself)."""
    indicator = ChartIndicator(kind=kind).engine_indicator()
    return [name.removeprefix(indicator.key).lstrip('_') for name in indicator.outputs]


def _operand_pattern() -> str:
    items = list(CANDLE_FIELDS)
    for kind in sorted(SPECS, key=len, reverse=True):
        if kind == 'volume':
            continue
        suffixes = [rf'\.{s}' for s in _output_suffixes(kind) if s] + [''] * ('' in _output_suffixes(kind))
        items.append(kind_pattern(kind) + '(?:' + '|'.join(suffixes) + ')')
    return '^(?:' + '|'.join(items) + ')$'


OPERAND_PATTERN = _operand_pattern()
"""Exactly the operands :func:`parse_operand` accepts, as one regular expression (the API schema states it)."""


@lru_cache(maxsize=4096)
def parse_operand(text: str) -> Operand:
    """``'rsi:14'`` -> the RSI(14) operand; raises ValueError naming what is valid. Accepts exactly what
    :data:`OPERAND_PATTERN` matches."""
    if text in CANDLE_FIELDS:
        return Operand(text, None, text)
    spelled = text.strip().lower()
    if spelled in CANDLE_FIELDS:
        raise ValueError(f'write {spelled!r} in lower case without spaces; got {text!r}')
    head, dot, suffix = spelled.rpartition('.')
    if not dot or not suffix[:1].isalpha():  # no output named: the dot, if any, is a parameter's (``bbands:20:2.5``)
        head, suffix = spelled, ''
    kind, *numbers = head.split(':')
    if kind not in SPECS or kind == 'volume':
        valid = ', '.join([*CANDLE_FIELDS, *(k for k in SPECS if k != 'volume')])
        raise ValueError(f'unknown operand {text!r}; valid: {valid} (e.g. rsi:14, ema:50, bbands:20:2.lower)')
    try:
        params = tuple(float(n) for n in numbers)
    except ValueError:
        raise ValueError(f'{text!r}: parameters must be numbers') from None
    try:
        chart = ChartIndicator(kind=kind, params=params)
    except ValidationError as error:
        raise ValueError(f'{text!r}: ' + error.errors()[0]['msg'].removeprefix('Value error, ')) from None
    indicator = chart.engine_indicator()
    outputs = {name.removeprefix(indicator.key).lstrip('_'): name for name in indicator.outputs}
    if suffix not in outputs:
        named = ', '.join(f'{kind}.{s}' for s in outputs if s)
        raise ValueError(
            f'{text!r}: {kind} has the outputs {named}' + (f' (or {kind} itself)' if '' in outputs else '')
        )
    if not re.fullmatch(OPERAND_PATTERN, text):
        raise ValueError(
            f'write an operand in lower case as kind[:parameter...][.output] with whole-number periods, '
            f'e.g. rsi:14, ema:50, bbands:20:2.lower; got {text!r}'
        )
    canonical = ':'.join([kind, *(f'{p:g}' for p in chart.params)]) + (f'.{suffix}' if suffix else '')
    return Operand(canonical, indicator, outputs[suffix])
