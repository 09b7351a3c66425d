"""``trend_following`` and ``range_trading``: each of the original bot's two rules on its own."""

from __future__ import annotations

from .. import indicators as ind
from ..models import Candle, Regime, Side, Signal
from .base import IndicatorView, RegimeReading, Strategy
from .regime_rules import (
    RangeParams,
    TrendParams,
    range_signal,
    read_regime,
    regime_indicators,
    trend_indicators,
    trend_signal,
)


class TrendFollowing(Strategy):
    """Trend following alone: trades only while ADX says the market trends."""

    name = 'trend_following'
    Params = TrendParams
    params: TrendParams

    def indicators(self) -> list[ind.Indicator]:
        p = self.params
        return [
            *trend_indicators(p),
            ind.rsi('rsi', p.rsi_period),
            ind.atr('atr', p.atr_period),
            *regime_indicators(p.adx_period, 20, 2.0),
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
            *regime_indicators(p.adx_period, p.bb_period, p.bb_std),
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
