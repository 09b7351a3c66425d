"""Indicators a chart can draw: what the user picks (kind, parameters, overlay or own pane), their defaults for
the running strategy, and their values over candles (TA-Lib, the same definitions as the engine's)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..engine import indicators as ind
from ..engine.models import Candle
from ..engine.strategies import Strategy
from ..i18n import N_, gettext

IndicatorKind = Literal['sma', 'ema', 'bbands', 'rsi', 'macd', 'atr', 'adx', 'stoch', 'volume']
Pane = Literal['overlay', 'subplot']
SPECS: dict[str, tuple[tuple[str, float, float, float], ...]] = {
    'sma': (('period', 20, 1, 1000),),
    'ema': (('period', 20, 1, 1000),),
    'bbands': (('period', 20, 2, 1000), ('std', 2.0, 0.1, 10)),
    'rsi': (('period', 14, 2, 1000),),
    'macd': (('fast', 12, 1, 500), ('slow', 26, 2, 500), ('signal', 9, 1, 500)),
    'atr': (('period', 14, 1, 1000),),
    'adx': (('period', 14, 2, 500),),
    'stoch': (('k', 14, 1, 500), ('smooth', 3, 1, 100), ('d', 3, 1, 100)),
    'volume': (),
}
"""Each kind's parameters: (name, default, minimum, maximum)."""
LABELS = {
    'sma': 'SMA',
    'ema': 'EMA',
    # TRANSLATORS: an indicator's name in chart legends and pane titles (abbreviations such as SMA stay as they are)
    'bbands': N_('Bollinger'),
    'rsi': 'RSI',
    'macd': 'MACD',
    'atr': 'ATR',
    'adx': 'ADX',
    'stoch': N_('Stochastic'),
    'volume': N_('Volume'),
}
"""Each kind's name in legends (translated where shown)."""
OVERLAYS = frozenset({'sma', 'ema', 'bbands'})
"""Kinds drawn on the price pane by default (the others get a pane of their own)."""
WARMUP = 300
"""Candles before the first one shown that indicators are computed over, so they are settled when it appears."""


def _same_length_pattern(low: str, high: str) -> str:
    """Decimal integers from ``low`` to ``high``, both of the same number of digits."""
    if low == high:
        return low
    if len(low) == 1:
        return f'[{low}-{high}]'
    if low[0] == high[0]:
        return low[0] + _same_length_pattern(low[1:], high[1:])
    rest = len(low) - 1
    parts = [low[0] + _same_length_pattern(low[1:], '9' * rest)]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(f'[{int(low[0]) + 1}-{int(high[0]) - 1}]' + '[0-9]' * rest)
    parts.append(high[0] + _same_length_pattern('0' * rest, high[1:]))
    return '(?:' + '|'.join(parts) + ')'


def integer_pattern(low: int, high: int) -> str:
    """A regular expression for exactly the integers ``low`` .. ``high`` (no sign, no leading zeros)."""
    parts = []
    for digits in range(len(str(low)), len(str(high)) + 1):
        start, end = max(low, 10 ** (digits - 1) if digits > 1 else 0), min(high, 10**digits - 1)
        if start <= end:
            parts.append(_same_length_pattern(str(start), str(end)))
    return '(?:' + '|'.join(parts) + ')'


FLOAT_PATTERNS: dict[tuple[float, float], str] = {(0.1, 10.0): r'(?:0\.[1-9][0-9]*|[1-9](?:\.[0-9]+)?|10(?:\.0+)?)'}
"""Decimal numbers in a range, for the float parameters :data:`SPECS` has."""


def _parameter_pattern(default: float, low: float, high: float) -> str:
    if isinstance(default, int):
        return integer_pattern(int(low), int(high))
    if (low, high) not in FLOAT_PATTERNS:
        raise ValueError(f'no pattern for decimals in [{low:g}, {high:g}]: add one to FLOAT_PATTERNS')
    return FLOAT_PATTERNS[(low, high)]


def kind_pattern(kind: str) -> str:
    """``kind`` with its optional parameters in range (``ema``, ``ema:50``), as a regular expression."""
    pattern = ''
    for _name, default, low, high in reversed(SPECS[kind]):
        pattern = f'(?::{_parameter_pattern(default, low, high)}{pattern})?'
    return kind + pattern


_ITEM = '(?:' + '|'.join(kind_pattern(kind) for kind in sorted(SPECS, key=len, reverse=True)) + ')'
SPEC_PATTERN = f'^(?:{_ITEM}(?:,{_ITEM})*)?$'
"""What :func:`parse_indicators` accepts, as one regular expression (the API schema states it)."""


class ChartIndicator(BaseModel):
    """One indicator on a chart; ``params`` default to the kind's usual ones, ``pane`` to its usual place."""

    model_config = ConfigDict(extra='forbid', frozen=True)

    kind: IndicatorKind
    params: tuple[float, ...] = ()
    pane: Pane | None = None
    name: str | None = None
    """Names its values (default from kind and parameters: ``ema_50``, ``bbands_20_2``)."""

    @model_validator(mode='after')
    def _complete(self) -> ChartIndicator:
        spec = SPECS[self.kind]
        if len(self.params) > len(spec):
            raise ValueError(f'{self.kind} takes {len(spec)} parameter(s): {", ".join(s[0] for s in spec) or "none"}')
        values = [*self.params, *(s[1] for s in spec[len(self.params) :])]
        for (name, default, low, high), value in zip(spec, values, strict=True):
            if not (math.isfinite(value) and low <= value <= high):
                raise ValueError(f'{self.kind} {name} must be between {low:g} and {high:g}, got {value:g}')
            if isinstance(default, int) and not float(value).is_integer():
                raise ValueError(f'{self.kind} {name} must be a whole number, got {value:g}')
        object.__setattr__(self, 'params', tuple(float(v) for v in values))
        if self.pane is None:
            object.__setattr__(self, 'pane', 'overlay' if self.kind in OVERLAYS else 'subplot')
        return self

    @property
    def key(self) -> str:
        """Names its values: ``ema_50``, ``bbands_20_2``; outputs add suffixes (``bbands_20_2_upper``)."""
        return self.name or '_'.join([self.kind, *(f'{p:g}'.replace('.', 'p') for p in self.params)])

    @property
    def label(self) -> str:
        return f'{gettext(LABELS[self.kind])} {" ".join(f"{p:g}" for p in self.params)}'.strip()

    @property
    def outputs(self) -> tuple[str, ...]:
        """The names of the values it draws."""
        return ('volume',) if self.kind == 'volume' else self.engine_indicator().outputs

    def engine_indicator(self) -> ind.Indicator:
        return ind.Indicator(self.key, self.kind, self.params)


def parse_indicators(text: str) -> list[ChartIndicator]:
    """``'ema:50,bbands:20:2,rsi'`` -> indicators; raises ValueError naming the bad item and what is valid.
    Accepts exactly what :data:`SPEC_PATTERN` matches."""
    chosen = []
    for item in text.split(',') if text else []:
        kind, *numbers = item.split(':')
        if kind not in SPECS:
            raise ValueError(f'unknown indicator {kind!r}; valid: {", ".join(SPECS)}')
        try:
            params = tuple(float(n) for n in numbers)
        except ValueError:
            raise ValueError(f'{item!r}: parameters must be numbers') from None
        try:
            chosen.append(ChartIndicator(kind=kind, params=params))
        except ValidationError as error:
            raise ValueError(f'{item!r}: {error.errors()[0]["msg"].removeprefix("Value error, ")}') from None
    if not re.fullmatch(SPEC_PATTERN, text):
        raise ValueError(
            f'write indicators as kind[:parameter...] separated by commas, e.g. ema:50,bbands:20:2; got {text!r}'
        )
    return chosen


def strategy_indicators(strategy: Strategy) -> list[ChartIndicator]:
    """What ``strategy`` itself reads, as chart indicators (SMAs for sma_cross), plus volume."""
    chosen: list[ChartIndicator] = []
    for indicator in strategy.indicators():
        if indicator.kind in SPECS:
            candidate = ChartIndicator(kind=indicator.kind, params=indicator.params)
            if candidate not in chosen:
                chosen.append(candidate)
    return [*chosen, ChartIndicator(kind='volume')]


def indicator_values(chosen: Sequence[ChartIndicator], candles: Sequence[Candle]) -> dict[str, list[float | None]]:
    """Every output of ``chosen`` at each candle (None where not yet defined)."""
    if not candles:
        return {name: [] for indicator in chosen for name in indicator.outputs}
    arrays = {
        f: np.fromiter((getattr(c, f) for c in candles), float, len(candles))
        for f in ('open', 'high', 'low', 'close', 'volume')
    }
    engine = [i.engine_indicator() for i in chosen if i.kind != 'volume']
    values = ind.compute(engine, arrays['open'], arrays['high'], arrays['low'], arrays['close'], arrays['volume'])
    values['volume'] = arrays['volume']
    return {name: [None if math.isnan(x) else float(x) for x in values[name]] for i in chosen for name in i.outputs}
