"""What every strategy is: closed candle + indicator values -> :class:`~oracle_ui.engine.models.Signal`, the
same code live and in backtests."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from .. import indicators as ind
from ..models import Candle, Regime, Side, Signal


class IndicatorView(Protocol):
    """Indicator values at the current closed candle (``view[name]``) and the one before (``view.prev(name)``)."""

    def __getitem__(self, name: str) -> float: ...

    def prev(self, name: str) -> float: ...


class StrategyError(ValueError):
    """Unknown strategy or invalid parameters; the message lists what is valid."""


class StrategyParams(BaseModel):
    """Base of strategy parameter models: unknown names are refused, values are frozen."""

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
    Params: ClassVar[type[StrategyParams]]

    def __init__(self, params: StrategyParams | None = None) -> None:
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


def any_nan(*values: float) -> bool:
    return any(math.isnan(v) for v in values)
