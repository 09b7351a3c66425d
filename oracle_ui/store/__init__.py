"""Persistence: the bot's database (SQLAlchemy 2 Core) and its schema migrations."""

from .database import BUSY_TIMEOUT_MS, EquityPoint, Store
from .migrate import Migration, MigrationError

__all__ = ['BUSY_TIMEOUT_MS', 'EquityPoint', 'Migration', 'MigrationError', 'Store']
