"""The alert tables: rules, channels (their URLs stored encrypted, as the caller hands them over) and triggers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Engine

from .schema import alert_channels_table, alert_rules_table, alert_triggers_table


@dataclass(kw_only=True)
class StoredChannel:
    id: int
    name: str
    secret: str
    """The Apprise URL, encrypted (see ``oracle_ui.alerts.channels``)."""
    masked: str
    service: str
    owner: str
    rate_limit: int
    rate_period_s: float
    created_time: float
    updated_time: float
    sent: int = 0
    failed: int = 0
    last_status: str = ''
    last_error: str = ''
    last_time: float | None = None


@dataclass(kw_only=True)
class StoredRule:
    id: int
    name: str
    owner: str
    enabled: bool
    severity: str
    rule: dict[str, Any]
    channels: list[int]
    cooldown_s: float
    snoozed_until: float | None
    created_time: float
    updated_time: float


@dataclass(kw_only=True)
class StoredTrigger:
    id: int
    alert_id: int
    name: str
    kind: str
    severity: str
    owner: str
    symbol: str | None
    time: float
    value: float | str | None
    message: str
    """In English."""
    channels: list[dict[str, Any]]
    acknowledged_by: str | None = None
    acknowledged_time: float | None = None
    rule: dict[str, Any] | None = None
    """The rule as it fired: with ``detail`` and ``value``, what the message is written from in any language (None
    in triggers stored before 0005)."""
    detail: dict[str, Any] | None = None
    """What the message names besides the value (the other operand's value, the price now, the event that fired
    it, a summary's figures)."""


class AlertStore:
    """Reads and writes the alert tables of a :class:`~oracle_ui.store.Store`'s database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- channels ----------------------------------------------------------------------------------------
    def channels(self) -> list[StoredChannel]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(alert_channels_table).order_by(alert_channels_table.c.id)).all()
        return [StoredChannel(**r._mapping) for r in rows]

    def add_channel(self, channel: StoredChannel) -> int:
        values = {k: v for k, v in vars(channel).items() if k != 'id'}
        with self.engine.begin() as conn:
            key = conn.execute(insert(alert_channels_table).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def update_channel(self, channel_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(alert_channels_table).where(alert_channels_table.c.id == channel_id).values(**values))

    def record_channel_result(self, channel_id: int, *, ok: bool, error: str, time: float) -> None:
        """Count one send (a digest counts once) and remember how it ended."""
        c = alert_channels_table.c
        counter = {'sent': c.sent + 1} if ok else {'failed': c.failed + 1}
        with self.engine.begin() as conn:
            conn.execute(
                update(alert_channels_table)
                .where(c.id == channel_id)
                .values(**counter, last_status='sent' if ok else 'failed', last_error=error, last_time=time)
            )

    def delete_channel(self, channel_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(alert_channels_table).where(alert_channels_table.c.id == channel_id))

    # ---- rules -------------------------------------------------------------------------------------------
    def rules(self) -> list[StoredRule]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(alert_rules_table).order_by(alert_rules_table.c.id)).all()
        return [_rule(r) for r in rows]

    def add_rule(self, rule: StoredRule) -> int:
        with self.engine.begin() as conn:
            key = conn.execute(insert(alert_rules_table).values(**_rule_row(rule))).inserted_primary_key
        assert key is not None
        return int(key[0])

    def update_rule(self, rule: StoredRule) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(alert_rules_table).where(alert_rules_table.c.id == rule.id).values(**_rule_row(rule)))

    def delete_rule(self, rule_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(alert_rules_table).where(alert_rules_table.c.id == rule_id))

    # ---- triggers ----------------------------------------------------------------------------------------
    def add_trigger(self, trigger: StoredTrigger) -> None:
        values = {
            **vars(trigger),
            'value': _json(trigger.value),
            'channels': _json(trigger.channels),
            'rule': _json_or_none(trigger.rule),
            'detail': _json_or_none(trigger.detail),
        }
        with self.engine.begin() as conn:
            conn.execute(insert(alert_triggers_table).values(**values))

    def set_trigger_channels(self, trigger_id: int, channels: list[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(alert_triggers_table)
                .where(alert_triggers_table.c.id == trigger_id)
                .values(channels=_json(channels))
            )

    def trigger(self, trigger_id: int) -> StoredTrigger | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(alert_triggers_table).where(alert_triggers_table.c.id == trigger_id)).first()
        return _trigger(row) if row is not None else None

    def triggers(
        self,
        *,
        alert_id: int | None = None,
        search: str | None = None,
        unacknowledged: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[StoredTrigger]:
        """Triggers matching every given filter, newest first."""
        t = alert_triggers_table.c
        query = select(alert_triggers_table).where(*_trigger_conditions(alert_id, search, unacknowledged))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.id.desc()).limit(limit).offset(offset)).all()
        return [_trigger(r) for r in rows]

    def count_triggers(
        self, *, alert_id: int | None = None, search: str | None = None, unacknowledged: bool = False
    ) -> int:
        conditions = _trigger_conditions(alert_id, search, unacknowledged)
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(alert_triggers_table).where(*conditions)).scalar() or 0

    def acknowledge(self, trigger_ids: list[int] | None, who: str, time: float) -> int:
        """Mark the given triggers (None: every one) acknowledged by ``who``; returns how many were unread."""
        t = alert_triggers_table.c
        query = update(alert_triggers_table).where(t.acknowledged_time.is_(None))
        if trigger_ids is not None:
            query = query.where(t.id.in_(trigger_ids))
        with self.engine.begin() as conn:
            return conn.execute(query.values(acknowledged_by=who, acknowledged_time=time)).rowcount


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _rule_row(rule: StoredRule) -> dict[str, Any]:
    values = {k: v for k, v in vars(rule).items() if k != 'id'}
    return {**values, 'rule': _json(rule.rule), 'channels': _json(rule.channels)}


def _rule(row: Any) -> StoredRule:
    values = dict(row._mapping)
    return StoredRule(**{**values, 'rule': orjson.loads(values['rule']), 'channels': orjson.loads(values['channels'])})


def _json_or_none(value: Any) -> str | None:
    return None if value is None else _json(value)


def _trigger(row: Any) -> StoredTrigger:
    values = dict(row._mapping)
    parsed = {name: orjson.loads(values[name]) for name in ('value', 'channels')}
    kept = {name: None if values[name] is None else orjson.loads(values[name]) for name in ('rule', 'detail')}
    return StoredTrigger(**{**values, **parsed, **kept})


def _trigger_conditions(alert_id: int | None, search: str | None, unacknowledged: bool) -> list[Any]:
    t = alert_triggers_table.c
    conditions: list[Any] = []
    if alert_id is not None:
        conditions.append(t.alert_id == alert_id)
    if unacknowledged:
        conditions.append(t.acknowledged_time.is_(None))
    if search:
        pattern = '%' + search.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        conditions.append(
            or_(*(column.ilike(pattern, escape='\\') for column in (t.name, t.message, t.symbol, t.channels)))
        )
    return conditions
