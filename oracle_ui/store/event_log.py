"""The event log: events by filter, and event ids reserved durably so that none is handed out twice, across
restarts and processes."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import String, cast, func, insert, select, update
from sqlalchemy.engine import Engine

from ..events import Event, EventType
from .dialect import ID, greatest, upsert
from .schema import events_table, meta_table

ID_LIMIT_KEY = 'event_id_limit'
"""The meta key of the first id not reserved yet."""


class EventLog:
    """:class:`~.database.Store`'s event and event id methods."""

    engine: Engine

    def reserve_ids(self, count: int, floor: int = 1) -> tuple[int, int]:
        """Durably reserve ``count`` event ids, none below ``floor`` nor below any id stored or reserved before
        (by this or another process); returns ``(first, limit)``: ids ``first .. limit - 1`` are the caller's."""
        with self.engine.begin() as conn:
            conn.execute(upsert(conn, meta_table).values(key=ID_LIMIT_KEY, value='1').on_conflict_do_nothing())
            highest = select(func.coalesce(func.max(events_table.c.id), 0) + 1).scalar_subquery()
            reserved = greatest(conn, cast(meta_table.c.value, ID), highest, floor)
            limit = conn.execute(
                update(meta_table)
                .where(meta_table.c.key == ID_LIMIT_KEY)
                .values(value=cast(reserved + count, String))
                .returning(meta_table.c.value)
            ).scalar_one()
        return int(limit) - count, int(limit)

    def first_event_id(self) -> int:
        """Where ids continue after a restart: past every id that may have been handed out."""
        with self.engine.connect() as conn:
            stored = conn.execute(select(func.max(events_table.c.id))).scalar() or 0
            reserved = conn.execute(select(meta_table.c.value).where(meta_table.c.key == ID_LIMIT_KEY)).scalar()
        return max(stored + 1, int(reserved or 1))

    def append_event(self, event_: Event) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(events_table).values(
                    id=event_.id,
                    type=event_.type.value,
                    topic=event_.topic.value,
                    timestamp=event_.timestamp,
                    source=event_.source,
                    client_id=event_.client_id,
                    data=orjson.dumps(event_.data).decode(),
                )
            )

    def events(
        self,
        *,
        topic: str | None = None,
        type_: str | None = None,
        since_id: int = 0,
        until_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        search: str | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Event]:
        """Stored events matching every given filter, by id."""
        conditions = [
            events_table.c.id > since_id,
            *_event_conditions(topic=topic, type_=type_, since=since, until=until, search=search),
        ]
        if until_id is not None:
            conditions.append(events_table.c.id <= until_id)
        order = events_table.c.id.desc() if newest_first else events_table.c.id.asc()
        query = select(events_table).where(*conditions).order_by(order).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [
                Event(
                    id=r.id,
                    type=EventType(r.type),
                    data=orjson.loads(r.data),
                    timestamp=r.timestamp,
                    source=r.source,
                    client_id=r.client_id,
                )
                for r in conn.execute(query)
            ]

    def count_events(
        self,
        *,
        topic: str | None = None,
        type_: str | None = None,
        since: float | None = None,
        until: float | None = None,
        search: str | None = None,
    ) -> int:
        conditions = _event_conditions(topic=topic, type_=type_, since=since, until=until, search=search)
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(events_table).where(*conditions)).scalar() or 0

    def oldest_event_id(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(func.min(events_table.c.id))).scalar()


def _event_conditions(
    *, topic: str | None, type_: str | None, since: float | None, until: float | None, search: str | None
) -> list[Any]:
    conditions: list[Any] = []
    if topic:
        conditions.append(events_table.c.topic == topic)
    if type_:
        conditions.append(events_table.c.type == type_)
    if since is not None:
        conditions.append(events_table.c.timestamp >= since)
    if until is not None:
        conditions.append(events_table.c.timestamp < until)
    if search:
        pattern = '%' + search.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_') + '%'
        conditions.append(
            events_table.c.data.ilike(pattern, escape='\\') | events_table.c.type.ilike(pattern, escape='\\')
        )
    return conditions
