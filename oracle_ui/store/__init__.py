"""Persistence: the bot's database (SQLAlchemy 2 Core) and its schema migrations."""

from .database import BUSY_TIMEOUT_MS, Store
from .migrate import Migration, MigrationError

__all__ = ['BUSY_TIMEOUT_MS', 'Migration', 'MigrationError', 'Store']
