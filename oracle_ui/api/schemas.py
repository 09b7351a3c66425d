"""Pydantic response and request models of the REST API (the original's fields plus ours)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ..engine.bars import parse_time
from ..events import EventType
from ..live_settings import RuntimeSettings

# ---- query parameters checked against the very pattern the schema states -----------------------------------
SYMBOL_PATTERN = r'^[A-Za-z0-9]{1,20}([/_-][A-Za-z0-9]{1,20})?(:[A-Za-z0-9]{1,20})?$'
_YEAR = r'(19[7-9][0-9]|20[0-9][0-9])'
_LEAP_YEAR = r'(19(7[26]|8[048]|9[26])|20(0[048]|[2468][048]|[13579][26]))'
_MONTH_DAY = r'((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)'
_DATE = rf'({_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)'
_TIME = r'T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?'
TIME_PATTERN = rf'^([0-9]{{1,10}}(\.[0-9]{{1,6}})?|{_DATE}({_TIME})?)$'
"""Unix seconds, or an ISO 8601 date or date-time (1970-2099; no offset means UTC): only real calendar days."""


def _matching(pattern: str, what: str, convert: Callable[[str], Any] = str) -> BeforeValidator:
    """Accept what ``pattern`` matches (by Python's ``re.search``, as schema fuzzers read a pattern, so a trailing
    newline before ``$`` passes and is dropped) and convert it; anything else is a 422 naming ``what`` it must be."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if value is None:
            return None
        if not (isinstance(value, str) and compiled.search(value)):
            raise ValueError(f'{value!r} is not {what}')
        return convert(value.rstrip('\n'))

    return BeforeValidator(check)


SymbolQuery = Annotated[
    str | None,
    _matching(SYMBOL_PATTERN, 'a symbol like BTC/USDT, BTC-USDT or BTCUSDT'),
    WithJsonSchema({'type': 'string', 'pattern': SYMBOL_PATTERN, 'examples': ['BTC/USDT', 'ETH-USDT']}),
]
TimeQuery = Annotated[
    float | None,
    _matching(TIME_PATTERN, 'an ISO 8601 date or time (2026-11-26, 2026-11-26T10:00:00Z) or Unix seconds', parse_time),
    WithJsonSchema({'type': 'string', 'pattern': TIME_PATTERN, 'examples': ['2026-11-26T10:00:00Z', '1795728470']}),
]


class ControlResponse(BaseModel):
    success: bool
    message: str
    action: str
    state: str


class ClosedPosition(BaseModel):
    id: int
    symbol: str
    side: str
    quantity: float
    entry_price: float
    exit_price: float
    pnl: float
    fees: float
    status: str


class CloseResponse(BaseModel):
    success: bool
    message: str
    closed: list[ClosedPosition]


class EventOut(BaseModel):
    id: int
    type: str
    topic: str
    data: dict[str, Any]
    timestamp: float
    source: str
    client_id: str | None
    test: bool = False


class EventsPage(BaseModel):
    events: list[EventOut]
    count: int
    next_since_id: int | None
    """Pass as ``since_id`` for the next page; null when this page is the last."""
    last_event_id: int


class TestEventRequest(BaseModel):
    model_config = ConfigDict(extra='forbid')

    type: EventType
    data: dict[str, Any] = Field(default_factory=dict)


class EmitResponse(BaseModel):
    success: bool
    message: str
    event_id: int
    type: str


class ErrorResponse(BaseModel):
    detail: str


Action = Literal['start', 'stop', 'restart']


class SettingsResponse(BaseModel):
    settings: RuntimeSettings
    strategies: dict[str, str]
    """Every strategy with its parameters and defaults."""
