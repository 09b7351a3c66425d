"""Quiet hours: a user's daily span in their timezone during which warnings and infos wait (critical alerts pass)."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

QUIET_HOURS_KEY = 'alerts.quiet_hours'
CLOCK_TIME = r'^([01][0-9]|2[0-3]):([0-5][0-9])$'


@cache
def known_zones() -> tuple[str, ...]:
    """The IANA timezone names this machine knows, as the API schema lists them."""
    names = []
    for name in sorted(available_timezones()):
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            ZoneInfo(name)
            names.append(name)
    return tuple(names)


def zone_field() -> Any:
    """A timezone field: an IANA name (UTC by default); the schema lists the names accepted."""
    return Field(default='UTC', max_length=64, json_schema_extra={'enum': list(known_zones())})


class QuietHours(BaseModel):
    """From ``start`` to ``end`` (``HH:MM``, wrapping past midnight when ``end`` is earlier) in ``timezone``."""

    model_config = ConfigDict(extra='forbid', strict=True)

    enabled: bool = False
    start: str = Field(default='22:00', pattern=CLOCK_TIME)
    end: str = Field(default='07:00', pattern=CLOCK_TIME)
    timezone: str = zone_field()

    @field_validator('timezone')
    @classmethod
    def _zone(cls, value: str) -> str:
        return checked_zone(value)

    def until(self, now: float) -> float | None:
        """When the quiet span ``now`` falls in ends (Unix seconds), or None if it is not quiet now."""
        if not self.enabled or self.start == self.end:
            return None
        zone = ZoneInfo(self.timezone)
        local = datetime.fromtimestamp(now, zone)
        start, end = (_at(local, text) for text in (self.start, self.end))
        if start < end:  # the same day, e.g. 12:00-14:00
            return end.timestamp() if start <= local < end else None
        if local >= start:  # after the evening start: ends tomorrow morning
            return (end + timedelta(days=1)).timestamp()
        return end.timestamp() if local < end else None


def checked_zone(value: str) -> str:
    """``value`` if it is a known IANA timezone, else a ValueError naming it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'unknown timezone {value!r}; use an IANA name such as Europe/Berlin or UTC') from None
    return value


def _at(local: datetime, text: str) -> datetime:
    match = re.match(CLOCK_TIME, text)
    assert match is not None
    return local.replace(hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0)
