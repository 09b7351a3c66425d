"""Backtests: the live strategy and broker code over a CSV of bars (:func:`run_backtest`), their configuration and
results (:mod:`.models`) and stats (:mod:`.stats`)."""

from .models import SAMPLES_DIR, SIZINGS, SYMBOL, BacktestConfig, BacktestResult, BacktestTrade, Sizing, sample_files
from .run import run_backtest
from .stats import backtest_stats, closed_trade_arrays, parse_iso, run_notes

__all__ = [
    'SAMPLES_DIR',
    'SIZINGS',
    'SYMBOL',
    'BacktestConfig',
    'BacktestResult',
    'BacktestTrade',
    'Sizing',
    'backtest_stats',
    'closed_trade_arrays',
    'parse_iso',
    'run_backtest',
    'run_notes',
    'sample_files',
]
