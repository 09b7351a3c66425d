"""What ``GET /analytics``, /analytics and the reports show: the metrics, per-group tables and chart series."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PeriodName = Literal['today', '7d', '30d', 'ytd', 'all', 'custom']


class TradeStats(BaseModel):
    """Per closed trade (docs/ANALYTICS.md); money in quote currency, fee-inclusive."""

    trades: int
    wins: int
    losses: int
    win_rate_pct: float | None
    net_pnl: float
    gross_profit: float
    gross_loss: float
    profit_factor: float | None
    expectancy: float | None
    expectancy_r: float | None
    sqn: float | None
    avg_win: float | None
    avg_loss: float | None
    best_trade: float | None
    worst_trade: float | None
    best_trade_pct: float | None
    worst_trade_pct: float | None
    max_consecutive_wins: int
    max_consecutive_losses: int
    avg_holding_s: float | None
    median_holding_s: float | None
    fees: float
    fees_share_of_gross_profit_pct: float | None


class Metrics(TradeStats):
    """The headline figures: the equity curve's (quantstats' definitions) and the trades'."""

    start_equity: float
    end_equity: float
    return_pct: float | None
    cagr_pct: float | None
    volatility_pct: float | None
    sharpe: float | None
    sortino: float | None
    calmar: float | None
    max_drawdown_pct: float
    max_drawdown_duration_bars: int
    time_under_water_pct: float
    periods_per_year: float
    exposure_pct: float | None
    buy_hold_return_pct: float | None


class GroupRow(TradeStats):
    """One group's trades; periods also carry their return and drawdown from the equity curve."""

    key: str
    start_time: float | None = None
    return_pct: float | None = None
    max_drawdown_pct: float | None = None


class Slots(BaseModel):
    """Trades by the hour or weekday they were entered (UTC)."""

    label: list[str]
    trades: list[int]
    pnl: list[float]
    win_rate_pct: list[float | None]


class MonthReturn(BaseModel):
    month: str
    return_pct: float


class Histogram(BaseModel):
    edges: list[float]
    counts: list[int]


class HoldingScatter(BaseModel):
    holding_s: list[float]
    pnl: list[float]
    symbol: list[str]


class Series(BaseModel):
    """Chart data: curves as ``[times (Unix s), values]``, decimated to at most 2,000 points."""

    equity: tuple[list[float], list[float]]
    drawdown_pct: tuple[list[float], list[float]]
    cumulative_pnl: tuple[list[float], list[float]]
    monthly_returns: list[MonthReturn]
    pnl_histogram: Histogram
    by_hour: Slots
    by_weekday: Slots
    holding_vs_pnl: HoldingScatter


class Groups(BaseModel):
    """Per-group tables (a view that did not ask for one has it empty; the API and reports have them all)."""

    symbol: list[GroupRow] = []
    side: list[GroupRow] = []
    strategy: list[GroupRow] = []
    exit_reason: list[GroupRow] = []
    day: list[GroupRow] = []
    week: list[GroupRow] = []
    month: list[GroupRow] = []


class AnalyticsFilters(BaseModel):
    """Which trades and which time: a named period (UTC) or ``custom`` between ``since`` and ``until``."""

    period: PeriodName = '30d'
    since: float | None = Field(None, description='custom start, Unix seconds')
    until: float | None = Field(None, description='custom end (exclusive), Unix seconds')
    symbol: str | None = None
    side: Literal['long', 'short'] | None = None
    strategy: str | None = None
    periods_per_year: float | None = Field(None, gt=0, le=1e8)


class AnalyticsReport(BaseModel):
    """The analysis of the account (or a saved backtest) over a period."""

    source: str
    """``account`` or ``backtest #ID``."""
    start: float
    end: float
    filters: AnalyticsFilters
    equity_basis: Literal['account', 'filtered trades', 'backtest']
    """``filtered trades``: with a filter the curve is the period's starting equity plus the matching trades'
    closed PnL (the account's equity includes every trade)."""
    metrics: Metrics
    groups: Groups
    series: Series | None = None
    symbols: list[str] = []
    strategies: list[str] = []
