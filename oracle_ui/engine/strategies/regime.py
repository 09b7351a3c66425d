"""``regime``: the original bot's strategy: detect each symbol's regime and route to trend following or range
trading."""

from __future__ import annotations

from pydantic import model_validator

from ...i18n import N_
from .. import indicators as ind
from ..models import Candle, Regime, Side, Signal
from .base import (
    IndicatorView,
    RegimeReading,
    Strategy,
    StrategyParams,
    adx_length,
    adx_trend_level,
    atr_length,
    bollinger_length,
    bollinger_width,
    param,
    rsi_length,
)
from .regime_rules import (
    RangeParams,
    TrendParams,
    range_signal,
    read_regime,
    regime_indicators,
    trend_indicators,
    trend_signal,
)


class RegimeParams(StrategyParams):
    adx_period: int = adx_length()
    adx_strong: float = param(
        25.0, N_('Strong trend above'), N_('ADX above this is a strong trend'), N_('ADX'), ge=0, le=100
    )
    adx_trending: float = adx_trend_level()
    bb_period: int = bollinger_length()
    bb_std: float = bollinger_width()
    bbw_low: float = param(
        0.03,
        N_('Low volatility below'),
        N_('Band width / middle below this is low volatility (0.03 = 3 %)'),
        N_('fraction'),
        ge=0,
        le=10,
    )
    bbw_high: float = param(
        0.10,
        N_('High volatility above'),
        N_('Band width / middle above this is high volatility: no range trades, half leverage'),
        N_('fraction'),
        gt=0,
        le=10,
    )
    rsi_period: int = rsi_length()
    atr_period: int = atr_length()
    trend: TrendParams = TrendParams()
    range: RangeParams = RangeParams()

    @model_validator(mode='after')
    def _ordered(self) -> RegimeParams:
        if self.adx_trending > self.adx_strong:
            raise ValueError(N_('adx_trending must not exceed adx_strong'))
        if self.bbw_low >= self.bbw_high:
            raise ValueError(N_('bbw_low must be smaller than bbw_high'))
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
            *trend_indicators(p.trend),
            ind.rsi('rsi', p.rsi_period),
            ind.atr('atr', p.atr_period),
            *regime_indicators(p.adx_period, p.bb_period, p.bb_std),
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
