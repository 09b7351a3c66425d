"""Persistence: the bot's database (SQLAlchemy 2 Core) and its schema migrations."""

from .backtest_runs import BacktestRuns, SavedRun
from .database import BUSY_TIMEOUT_MS, DatabaseUnavailable, Store
from .migrate import Migration, MigrationError

__all__ = ['BUSY_TIMEOUT_MS', 'BacktestRuns', 'DatabaseUnavailable', 'Migration', 'MigrationError', 'SavedRun', 'Store']
