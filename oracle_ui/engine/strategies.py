"""Strategies: closed candle + indicator values -> :class:`Signal`, the same code live and in backtests.

The regime, trend-following and range-trading rules are the original Oracle Trader bot's
(``shared/reference/original-strategies.md``) with its bugs fixed: Bollinger width is compared as a fraction,
the trend score is capped at 1.0, and a range signal is produced without crashing.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import indicators as ind
from .models import Candle, Regime, Side, Signal, SignalKind


class IndicatorView(Protocol):
    """Indicator values at the current closed candle (``view[name]``) and the one before (``view.prev(name)``)."""

    def __getitem__(self, name: str) -> float: ...

    def prev(self, name: str) -> float: ...


class StrategyError(ValueError):
    """Unknown strategy or invalid parameters; the message lists what is valid."""


class _Params(BaseModel):
    model_config = ConfigDict(extra='forbid', frozen=True)


@dataclass(slots=True, frozen=True)
class RegimeReading:
    """The market regime of one symbol at a closed candle."""

    regime: Regime
    adx: float
    plus_di: float
    minus_di: float
    bb_width: float
    """(upper - lower) / middle, a fraction."""
    volatility: str
    """low, normal or high."""
    is_strong: bool
    """ADX above the strong-trend threshold."""


class Strategy(ABC):
    """Base of all strategies; subclasses set ``name`` and ``Params`` and implement :meth:`evaluate`."""

    name: ClassVar[str]
    Params: ClassVar[type[_Params]]

    def __init__(self, params: _Params | None = None) -> None:
        self.params = params or self.Params()

    @abstractmethod
    def indicators(self) -> list[ind.Indicator]:
        """Indicators the strategy reads (their output names are the view's keys)."""

    @abstractmethod
    def evaluate(self, candle: Candle, view: IndicatorView, position: Side | None) -> Signal | None:
        """Decide on a closed candle; ``position`` is the open position's side on the symbol, if any."""

    def classify(self, view: IndicatorView) -> RegimeReading | None:
        """The market regime, for strategies that detect one."""
        return None

    @property
    def warmup(self) -> int:
        """Closed candles needed before every indicator is defined."""
        lookbacks = []
        for i in self.indicators():
            p = [int(x) for x in i.params]
            lookbacks.append(
                {
                    'macd': max(p[0], p[1]) + p[2] - 2,
                    'adx': 2 * p[0] - 1,
                    'stoch': p[0] + p[1] + p[2] - 3,
                    'bbands': p[0] - 1,
                    'sma': p[0] - 1,
                    'ema': p[0] - 1,
                    'volume_sma': p[0] - 1,
                }.get(i.kind, p[0])
            )
        return max(lookbacks, default=0) + 1


def _nan(*values: float) -> bool:
    return any(math.isnan(v) for v in values)


# ---- sma_cross ---------------------------------------------------------------------------------------------
class SmaCrossParams(_Params):
    fast: int = Field(10, ge=1, le=1000)
    slow: int = Field(20, ge=2, le=5000)

    @model_validator(mode='after')
    def _fast_below_slow(self) -> SmaCrossParams:
        if self.fast >= self.slow:
            raise ValueError(f'fast ({self.fast}) must be smaller than slow ({self.slow})')
        return self


class SmaCross(Strategy):
    """Long when SMA(fast) crosses above SMA(slow); flat when it crosses below."""

    name = 'sma_cross'
    Params = SmaCrossParams
    params: SmaCrossParams

    def indicators(self) -> list[ind.Indicator]:
        return [ind.sma('sma_fast', self.params.fast), ind.sma('sma_slow', self.params.slow)]

    def evaluate(self, candle: Candle, view: IndicatorView, position: Side | None) -> Signal | None:
        fast, slow = view['sma_fast'], view['sma_slow']
        fast_prev, slow_prev = view.prev('sma_fast'), view.prev('sma_slow')
        if _nan(fast, slow, fast_prev, slow_prev):
            return None
        if position is None and fast_prev <= slow_prev and fast > slow:
            return Signal(symbol=candle.symbol, kind=SignalKind.LONG, reason='SMA fast crossed above slow')
        if position is Side.LONG and fast_prev >= slow_prev and fast < slow:
            return Signal(symbol=candle.symbol, kind=SignalKind.FLAT, reason='SMA fast crossed below slow')
        return None


# ---- trend following ---------------------------------------------------------------------------------------
class TrendParams(_Params):
    ema_fast: int = Field(10, ge=1, le=500)
    ema_mid: int = Field(20, ge=1, le=500)
    ema_slow: int = Field(50, ge=1, le=1000)
    rsi_period: int = Field(14, ge=2, le=500)
    macd_fast: int = Field(12, ge=1, le=500)
    macd_slow: int = Field(26, ge=2, le=500)
    macd_signal: int = Field(9, ge=1, le=500)
    atr_period: int = Field(14, ge=1, le=500)
    volume_period: int = Field(20, ge=1, le=500)
    adx_period: int = Field(14, ge=2, le=500)
    adx_trending: float = Field(20.0, ge=0, le=100)
    """ADX above this is a trend (weak up to ``adx_strong``)."""
    atr_stop_mult: float = Field(1.5, gt=0, le=20)
    reward_risk: float = Field(2.0, gt=0, le=20)
    min_score: float = Field(0.5, ge=0, le=1)
    rsi_long_min: float = Field(50.0, ge=0, le=100)
    rsi_long_max: float = Field(70.0, ge=0, le=100)
    rsi_short_min: float = Field(30.0, ge=0, le=100)
    rsi_short_max: float = Field(50.0, ge=0, le=100)
    leverage_tiers: tuple[tuple[float, float], ...] = ((0.9, 15.0), (0.7, 10.0), (0.5, 5.0))
    """(minimum score, leverage), highest first."""

    @model_validator(mode='after')
    def _ordered(self) -> TrendParams:
        if not self.ema_fast < self.ema_mid < self.ema_slow:
            raise ValueError('ema_fast < ema_mid < ema_slow is required')
        if self.macd_fast >= self.macd_slow:
            raise ValueError('macd_fast must be smaller than macd_slow')
        return self


class RangeParams(_Params):
    bb_period: int = Field(20, ge=2, le=500)
    bb_std: float = Field(2.0, gt=0, le=10)
    rsi_period: int = Field(14, ge=2, le=500)
    atr_period: int = Field(14, ge=1, le=500)
    adx_period: int = Field(14, ge=2, le=500)
    adx_sideways: float = Field(20.0, ge=0, le=100)
    """ADX at or below this is sideways."""
    bbw_high: float = Field(0.10, gt=0, le=10)
    """Bollinger width (fraction) above this is high volatility: no range trades."""
    rsi_oversold: float = Field(30.0, ge=0, le=100)
    rsi_overbought: float = Field(70.0, ge=0, le=100)
    rsi_extreme_low: float = Field(25.0, ge=0, le=100)
    rsi_extreme_high: float = Field(75.0, ge=0, le=100)
    atr_stop_mult: float = Field(1.0, gt=0, le=20)
    reward_risk: float = Field(1.5, gt=0, le=20)
    min_score: float = Field(0.8, ge=0, le=1)
    leverage_tiers: tuple[tuple[float, float], ...] = ((0.95, 5.0), (0.8, 3.0))


def _leverage(score: float, tiers: tuple[tuple[float, float], ...], high_volatility: bool) -> float:
    leverage = next((lev for minimum, lev in tiers if score >= minimum - 1e-12), 1.0)
    return max(1.0, math.floor(leverage / 2)) if high_volatility else leverage


def _regime_indicators(adx_period: int, bb_period: int, bb_std: float) -> list[ind.Indicator]:
    return [ind.adx('adx', adx_period), ind.bbands('bb', bb_period, bb_std)]


def read_regime(
    view: IndicatorView, *, adx_strong: float, adx_trending: float, bbw_low: float, bbw_high: float
) -> RegimeReading | None:
    """Classify trend (ADX, +DI/-DI) and volatility (Bollinger width as a fraction); None until warmed up."""
    adx, plus_di, minus_di = view['adx'], view['adx_plus_di'], view['adx_minus_di']
    upper, middle, lower = view['bb_upper'], view['bb_middle'], view['bb_lower']
    if _nan(adx, plus_di, minus_di, upper, middle, lower) or middle == 0:
        return None
    width = (upper - lower) / middle
    volatility = 'low' if width < bbw_low else 'high' if width > bbw_high else 'normal'
    if adx > adx_trending:
        regime = Regime.TRENDING_UP if plus_di > minus_di else Regime.TRENDING_DOWN
    else:
        regime = Regime.VOLATILE if volatility == 'high' else Regime.SIDEWAYS
    return RegimeReading(regime, adx, plus_di, minus_di, width, volatility, adx > adx_strong)


def _bracket(candle: Candle, side: Side, stop_distance: float, reward_risk: float) -> tuple[float, float, float]:
    """(entry, stop-loss, take-profit) from the candle's extreme and an ATR multiple."""
    entry = candle.close
    stop = candle.low - stop_distance if side is Side.LONG else candle.high + stop_distance
    risk = (entry - stop) * side.sign
    return entry, stop, entry + side.sign * reward_risk * risk


def trend_signal(candle: Candle, view: IndicatorView, p: TrendParams, reading: RegimeReading) -> Signal | None:
    """The trend-following rule, given a trending regime reading."""
    e_fast, e_mid, e_slow = view['ema_fast'], view['ema_mid'], view['ema_slow']
    line, signal_line, rsi, atr, vol_sma = view['macd'], view['macd_signal'], view['rsi'], view['atr'], view['vol_sma']
    if _nan(e_fast, e_mid, e_slow, line, signal_line, rsi, atr):
        return None
    close = candle.close
    if reading.regime is Regime.TRENDING_UP and e_fast > e_mid > e_slow and close > e_mid:
        side = Side.LONG
        score = 0.4 + (0.3 if line > signal_line else 0) + (0.3 if p.rsi_long_min < rsi < p.rsi_long_max else 0)
    elif reading.regime is Regime.TRENDING_DOWN and e_fast < e_mid < e_slow and close < e_mid:
        side = Side.SHORT
        score = 0.4 + (0.3 if line < signal_line else 0) + (0.3 if p.rsi_short_min < rsi < p.rsi_short_max else 0)
    else:
        return None
    if not math.isnan(vol_sma) and candle.volume > vol_sma:
        score += 0.1
    score = min(score, 1.0)
    if score < p.min_score - 1e-12:
        return None
    entry, stop, target = _bracket(candle, side, p.atr_stop_mult * atr, p.reward_risk)
    if (entry - stop) * side.sign <= 0:
        return None
    return Signal(
        symbol=candle.symbol,
        kind=SignalKind(side.value),
        strength=round(score, 6),
        stop_loss=stop,
        take_profit=target,
        leverage=_leverage(score, p.leverage_tiers, reading.volatility == 'high'),
        reason=f'trend {side} score {score:.2f}',
        regime=reading.regime,
    )


def range_signal(candle: Candle, view: IndicatorView, p: RangeParams, reading: RegimeReading) -> Signal | None:
    """The range-trading rule, given a sideways, not highly volatile regime reading."""
    rsi, atr = view['rsi'], view['atr']
    lower, middle, upper = view['bb_lower'], view['bb_middle'], view['bb_upper']
    if _nan(rsi, atr, lower, middle, upper):
        return None
    if candle.low <= lower and rsi < p.rsi_oversold:
        side, score = Side.LONG, 0.8 + (0.2 if rsi < p.rsi_extreme_low else 0)
    elif candle.high >= upper and rsi > p.rsi_overbought:
        side, score = Side.SHORT, 0.8 + (0.2 if rsi > p.rsi_extreme_high else 0)
    else:
        return None
    if score < p.min_score - 1e-12:
        return None
    entry, stop, target = _bracket(candle, side, p.atr_stop_mult * atr, p.reward_risk)
    target = min(target, middle) if side is Side.LONG else max(target, middle)
    if (entry - stop) * side.sign <= 0 or (target - entry) * side.sign <= 0:
        return None
    return Signal(
        symbol=candle.symbol,
        kind=SignalKind(side.value),
        strength=round(score, 6),
        stop_loss=stop,
        take_profit=target,
        leverage=_leverage(score, p.leverage_tiers, reading.volatility == 'high'),
        reason=f'range {side} score {score:.2f}',
        regime=reading.regime,
    )


def _trend_indicators(p: TrendParams) -> list[ind.Indicator]:
    return [
        ind.ema('ema_fast', p.ema_fast),
        ind.ema('ema_mid', p.ema_mid),
        ind.ema('ema_slow', p.ema_slow),
        ind.macd('macd', p.macd_fast, p.macd_slow, p.macd_signal),
        ind.volume_sma('vol_sma', p.volume_period),
    ]


class TrendFollowing(Strategy):
    """Trend following alone: trades only while ADX says the market trends."""

    name = 'trend_following'
    Params = TrendParams
    params: TrendParams

    def indicators(self) -> list[ind.Indicator]:
        p = self.params
        return [
            *_trend_indicators(p),
            ind.rsi('rsi', p.rsi_period),
            ind.atr('atr', p.atr_period),
            *_regime_indicators(p.adx_period, 20, 2.0),
        ]

    def classify(self, view: IndicatorView) -> RegimeReading | None:
        return read_regime(view, adx_strong=25.0, adx_trending=self.params.adx_trending, bbw_low=0.03, bbw_high=0.10)

    def evaluate(self, candle: Candle, view: IndicatorView, position: Side | None) -> Signal | None:
        reading = self.classify(view)
        if position is not None or reading is None or reading.regime not in (Regime.TRENDING_UP, Regime.TRENDING_DOWN):
            return None
        return trend_signal(candle, view, self.params, reading)


class RangeTrading(Strategy):
    """Range trading alone: trades only in a sideways market that is not highly volatile."""

    name = 'range_trading'
    Params = RangeParams
    params: RangeParams

    def indicators(self) -> list[ind.Indicator]:
        p = self.params
        return [
            ind.rsi('rsi', p.rsi_period),
            ind.atr('atr', p.atr_period),
            *_regime_indicators(p.adx_period, p.bb_period, p.bb_std),
        ]

    def classify(self, view: IndicatorView) -> RegimeReading | None:
        return read_regime(
            view, adx_strong=25.0, adx_trending=self.params.adx_sideways, bbw_low=0.03, bbw_high=self.params.bbw_high
        )

    def evaluate(self, candle: Candle, view: IndicatorView, position: Side | None) -> Signal | None:
        reading = self.classify(view)
        if position is not None or reading is None or reading.regime is not Regime.SIDEWAYS:
            return None
        return range_signal(candle, view, self.params, reading)


class RegimeParams(_Params):
    adx_period: int = Field(14, ge=2, le=500)
    adx_strong: float = Field(25.0, ge=0, le=100)
    adx_trending: float = Field(20.0, ge=0, le=100)
    bb_period: int = Field(20, ge=2, le=500)
    bb_std: float = Field(2.0, gt=0, le=10)
    bbw_low: float = Field(0.03, ge=0, le=10)
    bbw_high: float = Field(0.10, gt=0, le=10)
    rsi_period: int = Field(14, ge=2, le=500)
    atr_period: int = Field(14, ge=1, le=500)
    trend: TrendParams = TrendParams()
    range: RangeParams = RangeParams()

    @model_validator(mode='after')
    def _ordered(self) -> RegimeParams:
        if self.adx_trending > self.adx_strong:
            raise ValueError('adx_trending must not exceed adx_strong')
        if self.bbw_low >= self.bbw_high:
            raise ValueError('bbw_low must be smaller than bbw_high')
        return self


class RegimeStrategy(Strategy):
    """Detect the regime per symbol and route: trending -> trend following; sideways and not highly
    volatile -> range trading; otherwise no trade."""

    name = 'regime'
    Params = RegimeParams
    params: RegimeParams

    def indicators(self) -> list[ind.Indicator]:
        p = self.params
        return [
            *_trend_indicators(p.trend),
            ind.rsi('rsi', p.rsi_period),
            ind.atr('atr', p.atr_period),
            *_regime_indicators(p.adx_period, p.bb_period, p.bb_std),
        ]

    def classify(self, view: IndicatorView) -> RegimeReading | None:
        p = self.params
        return read_regime(
            view, adx_strong=p.adx_strong, adx_trending=p.adx_trending, bbw_low=p.bbw_low, bbw_high=p.bbw_high
        )

    def evaluate(self, candle: Candle, view: IndicatorView, position: Side | None) -> Signal | None:
        reading = self.classify(view)
        if position is not None or reading is None:
            return None
        if reading.regime in (Regime.TRENDING_UP, Regime.TRENDING_DOWN):
            return trend_signal(candle, view, self.params.trend, reading)
        if reading.regime is Regime.SIDEWAYS:
            return range_signal(candle, view, self.params.range, reading)
        return None


STRATEGIES: dict[str, type[Strategy]] = {s.name: s for s in (RegimeStrategy, TrendFollowing, RangeTrading, SmaCross)}


def create_strategy(name: str, params: Mapping[str, Any] | None = None) -> Strategy:
    """Build strategy ``name`` with validated ``params`` (nested keys for the regime's trend/range parts).

    :raises StrategyError: naming the valid strategies or the bad parameters and the valid ones
    """
    cls = STRATEGIES.get(name)
    if cls is None:
        raise StrategyError(f'unknown strategy {name!r}; valid: {", ".join(STRATEGIES)}')
    try:
        return cls(cls.Params.model_validate(dict(params or {})))
    except ValidationError as error:
        problems = '; '.join(_describe_error(e) for e in error.errors())
        valid = describe_params(cls.Params)
        raise StrategyError(f'invalid parameters for {name}: {problems}. Valid: {valid}') from None


def _describe_error(error: Any) -> str:
    where = '.'.join(str(x) for x in error['loc']) or 'params'
    return f'{where}: {error["msg"].removeprefix("Value error, ")}'


def describe_params(model: type[BaseModel]) -> str:
    """``name=default`` for every parameter (nested models as ``part.name``)."""
    parts = []
    for field_name, field in model.model_fields.items():
        if isinstance(field.default, BaseModel):
            parts.extend(f'{field_name}.{item}' for item in describe_params(type(field.default)).split(', '))
        else:
            parts.append(f'{field_name}={field.default}')
    return ', '.join(parts)


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
