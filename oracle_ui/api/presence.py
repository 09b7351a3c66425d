"""``clients_changed``: WebSocket comings and goings summed up at most once a second.

A thousand clients reconnecting after a restart must not mean a thousand events to each of a thousand
dashboards (quadratic); per-client ``client_connected``/``client_disconnected`` go to the ``clients`` topic,
and every dashboard gets this summary instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ..bus import EventBus
from ..events import ClientsChanged, EventType


class ClientsSummary:
    """Counts joins and leaves and publishes ``clients_changed``: the first change after a quiet ``interval_s``
    on the next loop turn, later ones together once ``interval_s`` has passed since the previous summary.

    :param counts: the connected clients by endpoint, read when the summary goes out
    """

    def __init__(self, bus: EventBus, counts: Callable[[], dict[str, int]], interval_s: float = 1.0) -> None:
        self.bus = bus
        self.counts = counts
        self.interval_s = interval_s
        self.joined = 0
        self.left = 0
        self._last: float | None = None
        self._pending: asyncio.Handle | None = None

    def joined_one(self) -> None:
        self.joined += 1
        self._schedule()

    def left_one(self) -> None:
        self.left += 1
        self._schedule()

    def _schedule(self) -> None:
        """Publish on a later loop turn even when due now: a leave can happen inside another event's fan-out,
        and publishing there would overtake that event for the clients not yet served."""
        if self._pending is not None:
            return
        loop = asyncio.get_running_loop()
        wait = 0.0 if self._last is None else self._last + self.interval_s - loop.time()
        self._pending = loop.call_later(wait, self._publish) if wait > 0 else loop.call_soon(self._publish)

    def _publish(self) -> None:
        self._pending = None
        self._last = asyncio.get_running_loop().time()
        by_endpoint = self.counts()
        joined, left, self.joined, self.left = self.joined, self.left, 0, 0
        self.bus.publish(
            EventType.CLIENTS_CHANGED,
            ClientsChanged(connected=sum(by_endpoint.values()), by_endpoint=by_endpoint, joined=joined, left=left),
            source='websocket',
        )

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
