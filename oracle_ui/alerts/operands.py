"""Operands of indicator rules: a candle field (``close``) or an indicator output (``rsi:14``, ``ema:50``,
``bbands:20:2.lower``, ``macd.signal``) in the chart's indicator syntax, with the engine's incremental state."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pydantic import ValidationError

from ..engine.indicators import Indicator
from ..views.chart_indicators import SPECS, ChartIndicator

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


@lru_cache(maxsize=4096)
def parse_operand(text: str) -> Operand:
    """``'rsi:14'`` -> the RSI(14) operand; raises ValueError naming what is valid."""
    spelled = text.strip().lower()
    if spelled in CANDLE_FIELDS:
        return Operand(spelled, None, spelled)
    head, _, suffix = spelled.partition('.')
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
    canonical = ':'.join([kind, *(f'{p:g}' for p in chart.params)]) + (f'.{suffix}' if suffix else '')
    return Operand(canonical, indicator, outputs[suffix])
