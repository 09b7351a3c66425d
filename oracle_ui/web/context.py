"""What the web package hands every page: the running system and the shared state its pages bind to."""

from __future__ import annotations

from dataclasses import dataclass

from ..system import System
from .state import SharedState


@dataclass(frozen=True, slots=True)
class AppContext:
    """Built once by :func:`oracle_ui.web.app.build_app`; each page module's ``register`` receives it."""

    system: System
    state: SharedState
