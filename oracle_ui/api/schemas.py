"""Pydantic response and request models of the REST API (the original's fields plus ours)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..events import EventType
from ..live_settings import RuntimeSettings


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
