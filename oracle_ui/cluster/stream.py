"""The events between processes: the engine appends them to a Redis stream, web replicas follow it.

The stream's entry ids are the event ids (``<id>-0``), so an entry is never added twice and both sides can tell a
gap: the engine fills the stream from the database after Redis was away (every stored event, in order); a replica
that finds the stream trimmed past what it saw last reads the missing stored events from the database first.
Sampled events (ticks, metrics) and test events are never stored: the ones sent while Redis was away are lost,
as they would be for a client that was offline.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..bus import EventBus
from ..events import Event
from .keys import RETRY_S

log = logging.getLogger(__name__)

LoadStored = Callable[[int, int], Awaitable[list[Event]]]
"""``(since_id, limit)`` -> the stored events after ``since_id``, oldest first, at most ``limit``."""
BATCH = 500
QUEUE_LIMIT = 100_000
"""Events held for the stream while it is behind; past this they are dropped (stored ones come from the database)."""
BLOCK_MS = 1000


def entry_id(event_id: int) -> str:
    return f'{event_id}-0'


def event_id_of(entry: bytes | str) -> int:
    text = entry.decode() if isinstance(entry, bytes) else entry
    return int(text.partition('-')[0])


async def last_entry_id(redis: Redis, key: str) -> int:
    """The id of the newest event in the stream (0: empty or missing)."""
    newest: Any = await redis.xrevrange(key, count=1)
    return event_id_of(newest[0][0]) if newest else 0


async def first_entry_id(redis: Redis, key: str) -> int:
    """The id of the oldest event still in the stream (0: empty or missing)."""
    oldest: Any = await redis.xrange(key, count=1)
    return event_id_of(oldest[0][0]) if oldest else 0


class StreamPublisher:
    """The engine's side: a bus sink that appends every delivered event to the stream, in order.

    Events reach it after their database commit (the bus delivers them then). While Redis is away the stream falls
    behind; when it is back the stored events it missed are appended from the database before newer ones.
    """

    def __init__(self, redis: Redis, key: str, *, maxlen: int, load_stored: LoadStored) -> None:
        self.redis = redis
        self.key = key
        self.maxlen = maxlen
        self.load_stored = load_stored
        self.last_id = 0
        """The newest event in the stream."""
        self.is_behind = True
        """Events may be missing from the stream (at start, and after Redis failed): fill from the database."""
        self.appended = 0
        self._queue: deque[Event] = deque(maxlen=QUEUE_LIMIT)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wants(self, event: Event) -> bool:
        return True

    def put(self, event: Event) -> None:
        self._queue.append(event)
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name='stream-publisher')

    async def stop(self) -> None:
        """Append what is queued (if Redis answers within a second), then stop."""
        if self._task is None:
            return
        self._task.cancel()
        self._task = None
        if self._queue and not self.is_behind:
            try:
                await asyncio.wait_for(self._append(list(self._queue)), 1.0)
            except (RedisError, OSError, TimeoutError) as error:
                log.warning('events not appended to the stream at shutdown: %s', error)

    async def _run(self) -> None:
        while True:
            if not self._queue and not self.is_behind:
                self._wake.clear()
                await self._wake.wait()
            try:
                if self.is_behind:
                    await self._catch_up()
                batch = [self._queue.popleft() for _ in range(min(BATCH, len(self._queue)))]
                await self._append(batch)
            except (RedisError, OSError) as error:
                if not self.is_behind:
                    log.warning('Redis is unreachable (%s): the event stream waits; trading and storing go on', error)
                self.is_behind = True
                self._queue.clear()  # the stored ones come back from the database
                await asyncio.sleep(RETRY_S)

    async def _catch_up(self) -> None:
        """Append the stored events the stream missed, oldest first, then follow the queue."""
        self.last_id = max(self.last_id, await last_entry_id(self.redis, self.key))
        while True:
            missed = await self.load_stored(self.last_id, BATCH)
            if not missed:
                break
            await self._append(missed)
            log.info('event stream caught up to %s from the database', self.last_id)
        self.is_behind = False

    async def _append(self, events: list[Event]) -> None:
        fresh = [e for e in events if e.id > self.last_id]
        if not fresh:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in fresh:
                pipe.xadd(self.key, {'e': event.json}, id=entry_id(event.id), maxlen=self.maxlen, approximate=True)
            await pipe.execute()
        self.last_id = fresh[-1].id
        self.appended += len(fresh)


class StreamFollower:
    """A web replica's side: reads the stream into the replica's bus (``bus.adopt``), in id order, none twice.

    :param on_link: called with False when Redis stopped answering or the engine fell silent for ``quiet_s`` (it
        samples its metrics every second or so: an engine that publishes nothing is not running), True when events
        flow again
    """

    def __init__(
        self,
        redis: Redis,
        key: str,
        bus: EventBus,
        *,
        load_stored: LoadStored,
        on_link: Callable[[bool], None],
        history: int,
        quiet_s: float,
    ) -> None:
        self.redis = redis
        self.key = key
        self.bus = bus
        self.load_stored = load_stored
        self.on_link = on_link
        self.history = history
        self.quiet_s = quiet_s
        self.is_linked = False
        self.received = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Fill the bus's memory with the stream's newest events (as many as it keeps), then follow it."""
        try:
            newest: Any = await self.redis.xrevrange(self.key, count=self.history)
        except (RedisError, OSError) as error:
            log.warning('Redis is unreachable (%s): the engine link is down until it answers', error)
            newest = []
        for _entry, fields in reversed(newest):
            self.bus.adopt(Event.from_json(fields[b'e']))
        self._task = asyncio.get_running_loop().create_task(self._run(), name='stream-follower')

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _link(self, is_linked: bool) -> None:
        if is_linked != self.is_linked:
            self.is_linked = is_linked
            if is_linked:
                log.info('engine link up: its events arrive')
            else:
                log.warning('engine link lost: Redis does not answer, or the engine published nothing for a while')
            self.on_link(is_linked)

    async def _run(self) -> None:
        checked = False
        loop = asyncio.get_running_loop()
        heard = loop.time()
        while True:
            try:
                if not checked:
                    await self._fill_gap()
                    checked = True
                response: Any = await self.redis.xread(
                    {self.key: entry_id(self.bus.last_id)}, count=BATCH, block=BLOCK_MS
                )
                if response:
                    heard = loop.time()
                self._link(loop.time() - heard < self.quiet_s)
            except (RedisError, OSError):
                self._link(False)
                checked = False
                await asyncio.sleep(RETRY_S)
                continue
            for _key, entries in response:
                for entry, fields in entries:
                    if event_id_of(entry) > self.bus.last_id:
                        self.bus.adopt(Event.from_json(fields[b'e']))
                        self.received += 1

    async def _fill_gap(self) -> None:
        """If the stream no longer holds the event after the last one seen, read the stored ones from the database."""
        seen = self.bus.last_id
        if seen == 0:
            return
        first = await first_entry_id(self.redis, self.key)
        until = first - 1 if first else None
        while True:
            missed = [e for e in await self.load_stored(self.bus.last_id, BATCH) if until is None or e.id <= until]
            if not missed:
                return
            for event in missed:
                self.bus.adopt(event)
            if until is not None and self.bus.last_id >= until:
                return
