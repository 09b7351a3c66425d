"""What the alerts page, the chart and the API show of the running alerts: each alert with its state, channels,
history, the price levels of a symbol, and what a rule being edited would see now."""

from __future__ import annotations

from ..clock import Clock
from ..store.alerts import AlertStore, StoredChannel, StoredRule
from . import messages
from .evaluator import AlertEvaluator
from .rules import (
    RULE,
    Alert,
    AlertState,
    Channel,
    ChannelRef,
    HistoryPage,
    Preview,
    PriceLine,
    PriceRule,
    Rule,
    SummaryRule,
    Trigger,
)
from .schedule import SummaryScheduler


class AlertViews:
    """The read side of :class:`~.service.AlertService` (which sets what is declared here)."""

    store: AlertStore
    clock: Clock
    evaluator: AlertEvaluator
    summaries: SummaryScheduler
    rules: dict[int, StoredRule]
    channels: dict[int, StoredChannel]
    unread: int
    """Triggers nobody acknowledged yet (the bell's count)."""

    def state_of(self, stored: StoredRule) -> AlertState:
        if not stored.enabled:
            return 'disabled'
        now = self.clock.time()
        if stored.snoozed_until is not None and now < stored.snoozed_until:
            return 'snoozed'
        state = self.evaluator.states.get(stored.id)
        if state is not None and state.last_fired is not None and now - state.last_fired < stored.cooldown_s:
            return 'cooling_down'
        crossing = stored.rule.get('op') == 'crosses'  # holding means 'above' there, not 'triggered'
        if state is not None and state.holds and state.last_fired is not None and not crossing:
            return 'triggered'
        return 'armed'

    def view(self, stored: StoredRule) -> Alert:
        state = self.evaluator.states.get(stored.id)
        return Alert(
            id=stored.id,
            name=stored.name,
            owner=stored.owner,
            enabled=stored.enabled,
            severity=stored.severity,
            rule=stored.rule,
            channels=[
                ChannelRef(id=c, name=self.channels[c].name, masked=self.channels[c].masked)
                for c in stored.channels
                if c in self.channels
            ],
            cooldown_s=stored.cooldown_s,
            snoozed_until=stored.snoozed_until,
            state=self.state_of(stored),
            last_triggered=state.last_fired if state else None,
            created_time=stored.created_time,
            updated_time=stored.updated_time,
        )

    def channel_view(self, stored: StoredChannel) -> Channel:
        values = {k: v for k, v in vars(stored).items() if k not in ('secret', 'updated_time')}
        return Channel(**values)

    def history(
        self,
        *,
        alert_id: int | None = None,
        search: str | None = None,
        unacknowledged: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> HistoryPage:
        """Triggers, newest first, filtered; ``search`` looks in names, messages, symbols and channel results."""
        rows = self.store.triggers(
            alert_id=alert_id, search=search, unacknowledged=unacknowledged, limit=limit, offset=offset
        )
        total = self.store.count_triggers(alert_id=alert_id, search=search, unacknowledged=unacknowledged)
        return HistoryPage(triggers=[Trigger(**vars(r)) for r in rows], total=total, unread=self.unread)

    def price_lines(self, symbol: str) -> list[PriceLine]:
        """The price-level alerts of ``symbol``, for its chart."""
        lines = []
        for stored in self.rules.values():
            rule = stored.rule
            if rule.get('kind') == 'price' and rule.get('symbol') == symbol and rule.get('op') != 'moves':
                lines.append(
                    PriceLine(
                        id=stored.id, name=stored.name, level=rule['value'], op=rule['op'], state=self.state_of(stored)
                    )
                )
        return lines

    def price_rule(self, alert_id: int) -> PriceRule | None:
        stored = self.rules.get(alert_id)
        rule = RULE.validate_python(stored.rule) if stored is not None else None
        return rule if isinstance(rule, PriceRule) else None

    def preview(self, rule: Rule) -> Preview:
        """What ``rule`` would see now (for the editor's live preview)."""
        result = self.evaluator.current(rule)
        if result is None:
            text = self.summaries.upcoming(rule) if isinstance(rule, SummaryRule) else 'no value yet'
            return Preview(description=messages.describe(rule), holds=None, value=None, text=text)
        holds, value, _detail = result
        text = messages.value_text(rule, value) + (' · condition holds' if holds else ' · condition does not hold')
        return Preview(description=messages.describe(rule), holds=holds, value=value, text=text)
