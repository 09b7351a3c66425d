"""What pages and the API show, built in one place from the engine, the store and the sampler.

Pages and routes read the system only through these functions and models, never the broker's or store's
internals, so both show the same numbers.
"""

from .account import open_position, open_positions, position_of, recent_trades, trading_metrics
from .analytics import (
    account_analysis,
    account_report_data,
    backtest_analysis,
    backtest_report_data,
    market_now,
    period_bounds,
)
from .analytics_models import AnalyticsFilters, AnalyticsReport
from .backtest_chart import BacktestChart
from .chart_indicators import ChartIndicator, parse_indicators, strategy_indicators
from .charts import candles, chart_timeframes, forming_candle, trade_markers
from .models import (
    CandleOut,
    CandlesResponse,
    DashboardData,
    OpenPosition,
    SystemStatus,
    TradeMarker,
    TradingMetrics,
    WebSocketStats,
)
from .status import bot_info, dashboard_data, market_quotes, regime_of, system_status
from .time_base import TimeBase, time_base
from .trades import (
    SORTS,
    TRADE_FIELDS,
    TradeRow,
    TradeSort,
    TradesPage,
    TradeTotals,
    symbol_named,
    trade_row,
    trade_totals,
    trades_csv,
    trades_page,
)

__all__ = [
    'SORTS',
    'TRADE_FIELDS',
    'AnalyticsFilters',
    'AnalyticsReport',
    'BacktestChart',
    'CandleOut',
    'CandlesResponse',
    'ChartIndicator',
    'DashboardData',
    'OpenPosition',
    'SystemStatus',
    'TimeBase',
    'TradeMarker',
    'TradeRow',
    'TradeSort',
    'TradeTotals',
    'TradesPage',
    'TradingMetrics',
    'WebSocketStats',
    'account_analysis',
    'account_report_data',
    'backtest_analysis',
    'backtest_report_data',
    'bot_info',
    'candles',
    'chart_timeframes',
    'dashboard_data',
    'forming_candle',
    'market_now',
    'market_quotes',
    'open_position',
    'open_positions',
    'parse_indicators',
    'period_bounds',
    'position_of',
    'recent_trades',
    'regime_of',
    'strategy_indicators',
    'symbol_named',
    'system_status',
    'time_base',
    'trade_markers',
    'trade_row',
    'trade_totals',
    'trades_csv',
    'trades_page',
    'trading_metrics',
]
