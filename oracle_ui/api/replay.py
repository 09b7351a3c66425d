"""Replay on request: a client's missed events, in id order, before any live one and none twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..bus import EventBus
from ..events import Event

if TYPE_CHECKING:
    from .connections import Connection


async def replay(
    connection: Connection, bus: EventBus, since_id: int, load_stored: Callable[[int, int], Awaitable[list[Event]]]
) -> None:
    """Send the client's missed events after ``since_id``, then ``replay_complete``, then live ones.

    Events this connection already got live are not sent again: the replay ends below the first of them.
    """
    to_id = bus.last_id if connection.first_live_id is None else connection.first_live_id - 1
    connection.replay_buffer = []  # from here on, live events wait (same synchronous step as to_id)
    try:
        memory = [e for e in bus.history if since_id < e.id <= to_id]
        oldest_in_memory = bus.history[0].id if bus.history else to_id + 1
        stored: list[Event] = []
        if since_id + 1 < oldest_in_memory:
            stored = await load_stored(since_id, min(to_id, oldest_in_memory - 1))
        seen: set[int] = set()
        count = 0
        for event in [*stored, *memory]:
            if event.id in seen or event.topic not in connection.topics:
                continue
            seen.add(event.id)
            connection.send(event.json)
            count += 1
        # below the memory window only stored (non-sampled) events survive: ticks and metrics there are gone
        truncated = since_id < to_id and since_id + 1 < oldest_in_memory
        connection.send_json(
            {
                'type': 'replay_complete',
                'from_id': since_id + 1,
                'to_id': to_id,
                'count': count,
                'truncated': truncated,
            }
        )
    finally:
        buffered, connection.replay_buffer = connection.replay_buffer, None
        for text, frame in buffered or []:
            connection.send(text, frame)
