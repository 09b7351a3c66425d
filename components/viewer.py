"""What a page knows about its viewer: the browser's timezone (UTC until the browser says)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nicegui import ui


@dataclass
class Viewer:
    timezone: tzinfo = field(default=UTC)
    timezone_name: str = 'UTC'

    async def learn_timezone(self) -> bool:
        """Ask the browser for its timezone; True if it differs from the current one."""
        with contextlib.suppress(Exception):
            name = await ui.run_javascript('Intl.DateTimeFormat().resolvedOptions().timeZone', timeout=3)
            if isinstance(name, str) and name and name != self.timezone_name:
                with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                    self.timezone, self.timezone_name = ZoneInfo(name), name
                    return True
        return False
