"""What a backtest is configured with and what it gives: its configuration, trades and result."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..engine import refusals
from ..engine.bars import format_time
from ..i18n import _, formats
from ..settings import RiskSettings

SYMBOL = 'ASSET'
SAMPLES_DIR = Path(__file__).parent.parent / 'samples'
"""CSV files shipped with the package: daily GOOG bars and simulated 1-minute BTC/USDT bars."""
Sizing = Literal['fixed', 'percent', 'risk', 'all-in']
SIZINGS: tuple[Sizing, ...] = ('fixed', 'percent', 'risk', 'all-in')


@dataclass(slots=True, frozen=True, kw_only=True)
class BacktestConfig:
    """How a backtest trades; the sizing defaults are the live engine's (:class:`RiskSettings`)."""

    cash: float = 10_000.0
    commission: float = 0.001
    sizing: Sizing = 'fixed'
    risk_pct: float = 1.0
    fixed_margin: float = 10.0
    """Margin per trade with ``sizing='fixed'`` (the live default's sizing)."""
    margin_pct: float = 5.0
    """Margin per trade as a percentage of the free balance with ``sizing='percent'``."""
    slippage: float = 0.0
    periods_per_year: float | None = None
    """Bars per year for annualised metrics (default: from the bar length, trading 365 days; 252 for stock days)."""

    def __post_init__(self) -> None:
        if not (self.cash > 0 and math.isfinite(self.cash)):
            raise ValueError(f'cash must be positive, got {self.cash:g}')
        if not 0 <= self.commission < 0.5:
            raise ValueError(f'commission must be a fraction in [0, 0.5), got {self.commission:g}')
        if self.sizing not in SIZINGS:
            raise ValueError(f'sizing must be one of {", ".join(SIZINGS)}, got {self.sizing!r}')
        if not (0 < self.fixed_margin <= 1e9):
            raise ValueError(f'margin per trade must be positive, got {self.fixed_margin:g}')
        if not (0 < self.margin_pct <= 100):
            raise ValueError(f'margin percentage must be in (0, 100], got {self.margin_pct:g}')
        if not (0 < self.risk_pct <= 100):
            raise ValueError(f'risk percentage must be in (0, 100], got {self.risk_pct:g}')
        if self.periods_per_year is not None and not (0 < self.periods_per_year <= 1e8):
            raise ValueError(f'periods per year must be positive, got {self.periods_per_year:g}')

    @classmethod
    def from_risk(cls, risk: RiskSettings, **values: Any) -> BacktestConfig:
        """The live risk settings' sizing (``values`` override any field)."""
        sizing = {
            'sizing': risk.sizing,
            'fixed_margin': risk.fixed_margin,
            'margin_pct': risk.margin_pct,
            'risk_pct': risk.risk_pct,
        }
        return cls(**{**sizing, **values})


@dataclass(slots=True, kw_only=True)
class BacktestTrade:
    entry_bar: int
    exit_bar: int | None
    entry_time: str
    exit_time: str | None
    side: str
    size: float
    entry_price: float
    exit_price: float | None
    fees: float
    pnl: float | None
    """Fee-inclusive; for an open trade, marked at the last close net of the entry fee only."""
    leverage: float = 1.0
    exit_reason: str | None = None
    """take-profit, stop-loss, strategy exit, liquidation (None while open)."""
    risk: float | None = None
    """The loss at the initial stop-loss in quote currency (None without a stop)."""


@dataclass(slots=True, frozen=True)
class Refusal:
    """An entry signal's order that was refused: at which bar, and why (in English, as the broker or the risk
    manager wrote it)."""

    bar: int
    reason: str

    def __str__(self) -> str:
        """``bar 12: <reason>`` in the current language."""
        # TRANSLATORS: {bar} is the number of the bar (candle) in the backtested file; {reason} why an order was refused
        return _('bar {bar}: {reason}').format(
            bar=formats.decimal(self.bar, 0, grouped=False), reason=refusals.translated(self.reason)
        )


@dataclass(slots=True, kw_only=True)
class BacktestResult:
    stats: dict[str, float | int | None]
    trades: list[BacktestTrade]
    equity: np.ndarray = field(repr=False)
    times: np.ndarray = field(repr=False)
    """Each bar's open time (Unix seconds), one per ``equity`` point."""
    rejections: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Warnings about the run (ruinous leverage, liquidations) and why it made no trade, in words."""

    def to_json(self) -> dict[str, Any]:
        """The documented JSON document: ``stats``, ``trades`` and ``equity`` as ``[[time_iso, equity], ...]``."""
        return {
            'stats': self.stats,
            'trades': [asdict(t) for t in self.trades],
            'equity': [[format_time(t), e] for t, e in zip(self.times.tolist(), self.equity.tolist(), strict=True)],
        }


def sample_files() -> dict[str, Path]:
    """The shipped samples by their file name."""
    return {p.name: p for p in sorted(SAMPLES_DIR.glob('*.csv'))}
