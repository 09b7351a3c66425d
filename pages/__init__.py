"""NiceGUI pages, one module per route; each has ``register(context)``."""

from __future__ import annotations

from oracle_ui.web.context import AppContext

from . import alerts, analytics, backtest, dashboard, events, login, settings, trades


def register_pages(context: AppContext) -> None:
    """Register every page of the app for ``context`` (the web app calls this once)."""
    for page in (login, dashboard, trades, events, alerts, analytics, backtest, settings):
        page.register(context)
