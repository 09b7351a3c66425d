"""The original bot's rules (``shared/reference/original-strategies.md``) with its bugs fixed: regime detection
from ADX/±DI and Bollinger width as a fraction (the original compared a percentage), the trend-following score
capped at 1.0, and the range signal built without crashing."""

from __future__ import annotations

import math

from pydantic import model_validator

from ...i18n import N_
from .. import indicators as ind
from ..models import Candle, Regime, Side, Signal, SignalKind
from .base import (
    IndicatorView,
    RegimeReading,
    StrategyParams,
    adx_length,
    adx_trend_level,
    any_nan,
    atr_length,
    bollinger_length,
    bollinger_width,
    param,
    rsi_length,
)


class TrendParams(StrategyParams):
    ema_fast: int = param(
        10,
        N_('Fast EMA'),
        N_('Fast exponential average; a trend entry needs fast > mid > slow (long) or the reverse'),
        N_('candles'),
        ge=1,
        le=500,
    )
    ema_mid: int = param(
        20, N_('Middle EMA'), N_('Middle exponential average; the close must be beyond it'), N_('candles'), ge=1, le=500
    )
    ema_slow: int = param(50, N_('Slow EMA'), N_('Slow exponential average'), N_('candles'), ge=1, le=1000)
    rsi_period: int = rsi_length()
    macd_fast: int = param(
        12,
        N_('MACD fast'),
        N_('Fast average of the MACD; MACD above its signal line adds 0.3 to a long score'),
        N_('candles'),
        ge=1,
        le=500,
    )
    macd_slow: int = param(26, N_('MACD slow'), N_('Slow average of the MACD'), N_('candles'), ge=2, le=500)
    macd_signal: int = param(
        9, N_('MACD signal'), N_('Average of the MACD line it is compared with'), N_('candles'), ge=1, le=500
    )
    atr_period: int = atr_length()
    volume_period: int = param(
        20,
        N_('Volume average'),
        N_('Volume above its average over this many candles adds 0.1 to the score'),
        N_('candles'),
        ge=1,
        le=500,
    )
    adx_period: int = adx_length()
    adx_trending: float = adx_trend_level()
    """ADX above this is a trend (weak up to ``adx_strong``)."""
    atr_stop_mult: float = param(
        1.5, N_('Stop distance'), N_('Stop-loss beyond the candle extreme by this many ATRs'), N_('× ATR'), gt=0, le=20
    )
    reward_risk: float = param(
        # TRANSLATORS: strategy parameters; keep the market's terms for take-profit and stop-loss (see the glossary)
        2.0,
        N_('Take-profit'),
        N_('Take-profit distance as a multiple of the stop distance'),
        N_('× risk'),
        gt=0,
        le=20,
    )
    min_score: float = param(
        0.5, N_('Minimum score'), N_('Signals scoring below this are not traded'), N_('0–1'), ge=0, le=1
    )
    rsi_long_min: float = param(
        50.0,
        N_('Long RSI from'),
        N_('A long adds 0.3 to its score with RSI between this and the next'),
        N_('RSI'),
        ge=0,
        le=100,
    )
    rsi_long_max: float = param(70.0, N_('Long RSI to'), N_('Upper end of the long RSI band'), N_('RSI'), ge=0, le=100)
    rsi_short_min: float = param(
        30.0,
        N_('Short RSI from'),
        N_('A short adds 0.3 to its score with RSI between this and the next'),
        N_('RSI'),
        ge=0,
        le=100,
    )
    rsi_short_max: float = param(
        50.0, N_('Short RSI to'), N_('Upper end of the short RSI band'), N_('RSI'), ge=0, le=100
    )
    leverage_tiers: tuple[tuple[float, float], ...] = ((0.9, 15.0), (0.7, 10.0), (0.5, 5.0))
    """(minimum score, leverage), highest first."""

    @model_validator(mode='after')
    def _ordered(self) -> TrendParams:
        if not self.ema_fast < self.ema_mid < self.ema_slow:
            raise ValueError(N_('ema_fast < ema_mid < ema_slow is required'))
        if self.macd_fast >= self.macd_slow:
            raise ValueError(N_('macd_fast must be smaller than macd_slow'))
        return self


class RangeParams(StrategyParams):
    bb_period: int = bollinger_length()
    bb_std: float = bollinger_width()
    rsi_period: int = rsi_length()
    atr_period: int = atr_length()
    adx_period: int = adx_length()
    adx_sideways: float = param(
        20.0, N_('Sideways at or below'), N_('ADX at or below this is a sideways market'), N_('ADX'), ge=0, le=100
    )
    """ADX at or below this is sideways."""
    bbw_high: float = param(
        0.10,
        N_('High volatility above'),
        N_('Band width / middle above this is high volatility: no range trades, half leverage'),
        N_('fraction'),
        gt=0,
        le=10,
    )
    """Bollinger width (fraction) above this is high volatility: no range trades."""
    rsi_oversold: float = param(
        30.0, N_('Oversold below'), N_('A long at the lower band needs RSI below this'), N_('RSI'), ge=0, le=100
    )
    rsi_overbought: float = param(
        70.0, N_('Overbought above'), N_('A short at the upper band needs RSI above this'), N_('RSI'), ge=0, le=100
    )
    rsi_extreme_low: float = param(
        25.0, N_('Extreme oversold'), N_('RSI below this adds 0.2 to a long score'), N_('RSI'), ge=0, le=100
    )
    rsi_extreme_high: float = param(
        75.0, N_('Extreme overbought'), N_('RSI above this adds 0.2 to a short score'), N_('RSI'), ge=0, le=100
    )
    atr_stop_mult: float = param(
        1.0, N_('Stop distance'), N_('Stop-loss beyond the candle extreme by this many ATRs'), N_('× ATR'), gt=0, le=20
    )
    reward_risk: float = param(
        1.5, N_('Take-profit'), N_('Take-profit distance as a multiple of the stop distance'), N_('× risk'), gt=0, le=20
    )
    min_score: float = param(
        0.8, N_('Minimum score'), N_('Signals scoring below this are not traded'), N_('0–1'), ge=0, le=1
    )
    leverage_tiers: tuple[tuple[float, float], ...] = ((0.95, 5.0), (0.8, 3.0))


def _leverage(score: float, tiers: tuple[tuple[float, float], ...], high_volatility: bool) -> float:
    leverage = next((lev for minimum, lev in tiers if score >= minimum - 1e-12), 1.0)
    return max(1.0, math.floor(leverage / 2)) if high_volatility else leverage


def regime_indicators(adx_period: int, bb_period: int, bb_std: float) -> list[ind.Indicator]:
    return [ind.adx('adx', adx_period), ind.bbands('bb', bb_period, bb_std)]


def read_regime(
    view: IndicatorView, *, adx_strong: float, adx_trending: float, bbw_low: float, bbw_high: float
) -> RegimeReading | None:
    """Classify trend (ADX, +DI/-DI) and volatility (Bollinger width as a fraction); None until warmed up."""
    adx, plus_di, minus_di = view['adx'], view['adx_plus_di'], view['adx_minus_di']
    upper, middle, lower = view['bb_upper'], view['bb_middle'], view['bb_lower']
    if any_nan(adx, plus_di, minus_di, upper, middle, lower) or middle == 0:
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
    if any_nan(e_fast, e_mid, e_slow, line, signal_line, rsi, atr):
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
    if any_nan(rsi, atr, lower, middle, upper):
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


def trend_indicators(p: TrendParams) -> list[ind.Indicator]:
    return [
        ind.ema('ema_fast', p.ema_fast),
        ind.ema('ema_mid', p.ema_mid),
        ind.ema('ema_slow', p.ema_slow),
        ind.macd('macd', p.macd_fast, p.macd_slow, p.macd_signal),
        ind.volume_sma('vol_sma', p.volume_period),
    ]
