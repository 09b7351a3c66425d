"""What every strategy is: closed candle + indicator values -> :class:`~oracle_ui.engine.models.Signal`, the
same code live and in backtests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field

from ...i18n import N_
from .. import indicators as ind
from ..models import Candle, Regime, Side, Signal


class IndicatorView(Protocol):
    """Indicator values at the current closed candle (``view[name]``) and the one before (``view.prev(name)``)."""

    def __getitem__(self, name: str) -> float: ...

    def prev(self, name: str) -> float: ...


class StrategyError(ValueError):
    """Unknown strategy or invalid parameters; the message lists what is valid."""


def param(default: Any, title: str, description: str, unit: str = '', **bounds: Any) -> Any:
    """A strategy parameter with what forms show: a ``title``, a one-line ``description`` and a ``unit``
    (``candles``, ``× ATR``, ...; in the JSON schema as ``unit``), and pydantic ``bounds`` (ge, le, ...)."""
    return Field(default, title=title, description=description, json_schema_extra={'unit': unit}, **bounds)


def adx_length() -> Any:
    """The ADX averaging length, as every regime rule names it."""
    return param(
        14,
        N_('ADX length'),
        N_('Candles the trend strength (ADX, +DI/-DI) is averaged over'),
        N_('candles'),
        ge=2,
        le=500,
    )


def adx_trend_level() -> Any:
    """The ADX above which the market trends, as every regime rule names it."""
    return param(
        20.0,
        N_('Trend above'),
        N_('ADX above this is a trend (up or down by +DI/-DI); at or below: no trend'),
        N_('ADX'),
        ge=0,
        le=100,
    )


def bollinger_length() -> Any:
    return param(20, N_('Bollinger length'), N_('Candles of the Bollinger bands'), N_('candles'), ge=2, le=500)


def bollinger_width() -> Any:
    return param(
        2.0,
        N_('Bollinger width'),
        N_('Band distance from the middle in standard deviations'),
        N_('× std dev'),
        gt=0,
        le=10,
    )


def rsi_length() -> Any:
    return param(14, N_('RSI length'), N_('Candles of the relative strength index'), N_('candles'), ge=2, le=500)


def atr_length() -> Any:
    return param(
        14,
        N_('ATR length'),
        N_('Candles of the average true range that sets stop distances'),
        N_('candles'),
        ge=1,
        le=500,
    )


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
        lookbacks = [_lookback(i.kind, [int(x) for x in i.params]) for i in self.indicators()]
        return max(lookbacks, default=0) + 1


def _lookback(kind: str, p: list[int]) -> int:
    """Closed candles before an indicator of ``kind`` with parameters ``p`` has its first value, less one."""
    match kind:
        case 'macd':
            return max(p[0], p[1]) + p[2] - 2
        case 'adx':
            return 2 * p[0] - 1
        case 'stoch':
            return p[0] + p[1] + p[2] - 3
        case 'bbands' | 'sma' | 'ema' | 'volume_sma':
            return p[0] - 1
        case _:
            return p[0]


def any_nan(*values: float) -> bool:
    """Whether any value is NaN (an indicator not warmed up yet); called for every candle, so no generator."""
    for value in values:  # noqa: SIM110 (a loop: any() over a generator costs a fifth of a backtest)
        if value != value:  # only NaN differs from itself
            return True
    return False
