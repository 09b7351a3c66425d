"""The records the evaluator keeps and hands out: a rule as it is checked (:class:`Watch`), its condition and
firing history (:class:`RuleState`), and a rule that fired (:class:`Firing`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rules import Rule


@dataclass(kw_only=True)
class Watch:
    """A rule as the evaluator checks it: which alert, its condition and when it may fire."""

    alert_id: int
    rule: Rule
    cooldown_s: float = 0.0
    snoozed_until: float | None = None


@dataclass(kw_only=True)
class Firing:
    """A rule fired: the value it saw (a price, an indicator value, a PnL, seconds, an event's summary)."""

    alert_id: int
    rule: Rule
    value: float | str | None
    time: float
    symbol: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    """What the message needs besides the value (the other operand's value, a position id, the event that fired
    it, a summary's figures): JSON types only, as the event and the history keep it."""


class RuleState:
    """One enabled rule's condition and firing history."""

    __slots__ = ('holds', 'last_fired', 'last_value', 'needs_change', 'suppressed', 'watch')

    def __init__(self, watch: Watch, *, needs_change: bool) -> None:
        self.watch = watch
        self.holds: bool | None = None
        """Whether the condition holds (None: not known yet)."""
        self.needs_change = needs_change
        """The first known value only sets the condition, without firing."""
        self.last_fired: float | None = None
        self.last_value: float | str | None = None
        self.suppressed = 0
        """Times it would have fired but was cooling down or snoozed."""
