"""Strategies: closed candle + indicator values -> :class:`Signal`, the same code live and in backtests.

The regime, trend-following and range-trading rules are the original Oracle Trader bot's
(``shared/reference/original-strategies.md``) with its bugs fixed: Bollinger width is compared as a fraction,
the trend score is capped at 1.0, and a range signal is produced without crashing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ValidationError

from ...i18n import _
from ...i18n.validation import errors_text
from .base import IndicatorView, RegimeReading, Strategy, StrategyError, StrategyParams
from .regime import RegimeParams, RegimeStrategy
from .regime_rules import RangeParams, TrendParams, read_regime
from .single import RangeTrading, TrendFollowing
from .sma_cross import SmaCross, SmaCrossParams

__all__ = [
    'STRATEGIES',
    'IndicatorView',
    'RangeParams',
    'RangeTrading',
    'RegimeParams',
    'RegimeReading',
    'RegimeStrategy',
    'SmaCross',
    'SmaCrossParams',
    'Strategy',
    'StrategyError',
    'StrategyName',
    'StrategyParams',
    'TrendFollowing',
    'TrendParams',
    'create_strategy',
    'describe_params',
    'parse_assignments',
    'read_regime',
]

STRATEGIES: dict[str, type[Strategy]] = {s.name: s for s in (RegimeStrategy, TrendFollowing, RangeTrading, SmaCross)}
StrategyName = Literal['regime', 'trend_following', 'range_trading', 'sma_cross']
"""The names of :data:`STRATEGIES`, as a type (API schemas list them)."""
if set(get_args(StrategyName)) != set(STRATEGIES):
    raise RuntimeError('StrategyName must list exactly the registered strategies')


def create_strategy(name: str, params: Mapping[str, Any] | None = None) -> Strategy:
    """Build strategy ``name`` with validated ``params`` (nested keys for the regime's trend/range parts).

    :raises StrategyError: naming the valid strategies or the bad parameters and the valid ones
    """
    cls = STRATEGIES.get(name)
    if cls is None:
        raise StrategyError(
            _('unknown strategy {name}; valid: {valid}').format(name=repr(name), valid=', '.join(STRATEGIES))
        )
    try:
        return cls(cls.Params.model_validate(dict(params or {})))
    except ValidationError as error:
        problems = errors_text(error.errors(), whole='params')
        valid = describe_params(cls.Params)
        message = _('invalid parameters for {name}: {problems}. Valid: {valid}')
        raise StrategyError(message.format(name=name, problems=problems, valid=valid)) from None


def describe_params(model: type[BaseModel]) -> str:
    """``name=default`` for every parameter (nested models as ``part.name``), separated by ``; `` (a default
    may itself contain commas: ``leverage_tiers=((0.9, 15.0), (0.7, 10.0))``)."""
    return '; '.join(_defaults(model))


def _defaults(model: type[BaseModel], prefix: str = '') -> list[str]:
    parts = []
    for field_name, field in model.model_fields.items():
        if isinstance(field.default, BaseModel):
            parts += _defaults(type(field.default), f'{prefix}{field_name}.')
        else:
            parts.append(f'{prefix}{field_name}={field.default}')
    return parts


def parse_assignments(assignments: list[str]) -> dict[str, Any]:
    """``['fast=5', 'trend.min_score=0.6']`` -> nested dict of strings (typed later by the parameter model)."""
    result: dict[str, Any] = {}
    for item in assignments:
        key, sep, value = item.partition('=')
        if not sep or not key.strip():
            raise StrategyError(f'parameter {item!r} is not key=value')
        target = result
        *parents, leaf = key.strip().split('.')
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                raise StrategyError(f'parameter {key!r} conflicts with another one')
        target[leaf] = value.strip()
    return result
