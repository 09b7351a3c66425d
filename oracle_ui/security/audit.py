"""Audit events: who did what, from where, and how it ended (topic ``audit``, persisted, shown on /events)."""

from __future__ import annotations

from typing import Any, Literal

from ..bus import EventBus
from ..events import EventType, UserAction
from .accounts import Principal


def record(
    bus: EventBus,
    *,
    who: Principal | str,
    action: str,
    origin: str,
    result: Literal['ok', 'failed', 'denied'],
    details: dict[str, Any] | None = None,
    type_: EventType = EventType.USER_ACTION,
) -> None:
    """Publish one audit event; ``who`` is a principal or a free-form actor name (e.g. a failed login's)."""
    actor = who.label if isinstance(who, Principal) else who
    bus.publish(
        type_,
        UserAction(actor=actor, action=action, origin=origin, result=result, details=details or {}),
        source='audit',
    )
