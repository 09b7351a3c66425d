"""Oracle Trader core: engine, event bus, store and API (no UI code here)."""

__version__ = '0.1.0'
