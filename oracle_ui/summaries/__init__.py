"""One-line human summaries of events, for toasts, the live feed, ``/events`` and ``oracle-trader events``: one
function per event type, registered by type and reading the typed payload; numbers go through
:mod:`oracle_ui.formatting`, never as raw floats. In the current language (English outside a page); free text an
event carries (a reason, a message) is shown as it is, but for the engine's own reasons an order was refused."""

from __future__ import annotations

from . import audit, market, system  # noqa: F401 (each registers its types' summaries)
from .registry import has_summary, summarize, summarizes, value_text
from .trading import EXIT_NAMES, exit_name, levels_text

__all__ = [
    'EXIT_NAMES',
    'exit_name',
    'has_summary',
    'levels_text',
    'summarize',
    'summarizes',
    'value_text',
]
