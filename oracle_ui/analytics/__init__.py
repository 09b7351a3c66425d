"""Analytics: performance metrics of equity curves and trades, per-group tables, chart series, comparisons of live
trading with its backtest, and reports. No UI: pages, the API, the CLI and backtests call it."""

from .analysis import Analysis, analyze, decimate, exposure_pct
from .groups import GROUPINGS, group_table, period_codes, period_equity, period_table
from .metrics import drawdown_of, equity_metrics, periods_per_year, returns_of, trade_metrics
from .trades import TradeArrays

__all__ = [
    'GROUPINGS',
    'Analysis',
    'TradeArrays',
    'analyze',
    'decimate',
    'drawdown_of',
    'equity_metrics',
    'exposure_pct',
    'group_table',
    'period_codes',
    'period_equity',
    'period_table',
    'periods_per_year',
    'returns_of',
    'trade_metrics',
]
