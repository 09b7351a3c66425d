"""Persistence: the bot's database (SQLAlchemy 2 Core) and its schema migrations."""

from .database import BUSY_TIMEOUT_MS, Store

__all__ = ['BUSY_TIMEOUT_MS', 'Store']
