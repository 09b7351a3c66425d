"""``regime``: the original bot's strategy: detect each symbol's regime and route to trend following or range
trading."""

from __future__ import annotations

from pydantic import Field, model_validator

from .. import indicators as ind
from ..models import Candle, Regime, Side, Signal
from .base import IndicatorView, RegimeReading, Strategy, StrategyParams
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
