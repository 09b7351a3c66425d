"""``sma_cross``: long when SMA(fast) crosses above SMA(slow), flat when it crosses below."""

from __future__ import annotations

from pydantic import model_validator

from ...i18n import N_, _
from .. import indicators as ind
from ..models import Candle, Side, Signal, SignalKind
from .base import IndicatorView, Strategy, StrategyParams, any_nan, param


class SmaCrossParams(StrategyParams):
    fast: int = param(
        10,
        N_('Fast SMA'),
        N_('Length of the fast moving average; long when it crosses above the slow one'),
        N_('candles'),
        ge=1,
        le=1000,
    )
    slow: int = param(
        20,
        N_('Slow SMA'),
        N_('Length of the slow moving average; flat when the fast one crosses below it'),
        N_('candles'),
        ge=2,
        le=5000,
    )

    @model_validator(mode='after')
    def _fast_below_slow(self) -> SmaCrossParams:
        if self.fast >= self.slow:
            raise ValueError(
                _('fast ({fast}) must be smaller than slow ({slow})').format(fast=self.fast, slow=self.slow)
            )
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
        if any_nan(fast, slow, fast_prev, slow_prev):
            return None
        if position is None and fast_prev <= slow_prev and fast > slow:
            return Signal(symbol=candle.symbol, kind=SignalKind.LONG, reason='SMA fast crossed above slow')
        if position is Side.LONG and fast_prev >= slow_prev and fast < slow:
            return Signal(symbol=candle.symbol, kind=SignalKind.FLAT, reason='SMA fast crossed below slow')
        return None
