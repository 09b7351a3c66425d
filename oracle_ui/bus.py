"""The typed event bus: the engine publishes, subscribers (state, WebSockets, UI) consume.

* ``publish`` is synchronous and never blocks on a consumer: each subscription owns a bounded queue.
  Overflow rule per subscription: ``drop_oldest`` (default; the consumer sees the newest events and a
  ``dropped`` count) or ``close`` (the subscription ends with :class:`SubscriptionOverflow`, for consumers
  that must not miss anything, e.g. a WebSocket client that is then disconnected).
* Non-sampled, non-test events are handed to ``persist`` before any subscriber sees them, so whatever a client
  received is already stored. With a ``writer`` (PostgreSQL: :mod:`oracle_ui.store.writer`) ``persist`` runs on
  its thread and every event, stored or not, is delivered on the loop once the writes before it have committed:
  the same guarantee and the same order, without the loop waiting for the database.
* Ids come from blocks reserved in the store (``reserve_ids``), so they never repeat across restarts, even
  after a crash, nor clash with ids another process (the ``users`` command's audit events) reserved.
* On a web replica (``forward``) the bus assigns no ids and stores nothing: what is published there goes to the
  engine, which publishes it for every process; what the engine published arrives through :meth:`EventBus.adopt`.
* Payloads are typed: :meth:`EventBus.publish` takes the payload model of the event's type and nothing else;
  test events (:meth:`EventBus.publish_test`) carry their data as sent, typed only if it fits the model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from functools import partial
from typing import Any, Literal, Protocol

from .clock import WALL_CLOCK, Clock
from .events import PAYLOAD_OF, SAMPLED_TYPES, BotError, Event, EventType, Notification, Payload, Topic, parse_payload

log = logging.getLogger(__name__)

Overflow = Literal['drop_oldest', 'close']
ID_BLOCK = 1000


class Sink(Protocol):
    """Anything that takes events without blocking, e.g. the WebSocket manager's fan-out."""

    def wants(self, event: Event) -> bool: ...

    def put(self, event: Event) -> None: ...


class Writer(Protocol):
    """Runs writes in order off the event loop, then calls ``done`` on the loop (``StoreWriter``)."""

    def submit(
        self, write: Callable[[], object] | None, done: Callable[[Exception | None], None] | None = None
    ) -> None: ...


class SubscriptionOverflow(Exception):
    """A ``close``-policy subscription fell more than its queue size behind."""


class Subscription:
    """A bounded queue of events for one consumer; iterate it with ``async for``."""

    def __init__(
        self,
        bus: EventBus,
        topics: Iterable[Topic] | None,
        maxsize: int,
        overflow: Overflow,
        types: Iterable[EventType] | None = None,
    ) -> None:
        self._bus = bus
        self.topics = frozenset(topics) if topics is not None else None
        self.types = frozenset(types) if types is not None else None
        self.maxsize = maxsize
        self.overflow = overflow
        self._queue: deque[Event] = deque(maxlen=maxsize if overflow == 'drop_oldest' else None)
        self._ready = asyncio.Event()
        self.dropped = 0
        self.is_overflowed = False
        self.is_closed = False

    def wants(self, event: Event) -> bool:
        return (self.topics is None or event.topic in self.topics) and (self.types is None or event.type in self.types)

    def put(self, event: Event) -> None:
        if self.is_closed or self.is_overflowed:
            return
        if len(self._queue) >= self.maxsize:
            if self.overflow == 'close':
                self.is_overflowed = True
                self._ready.set()
                return
            self.dropped += 1
        self._queue.append(event)
        self._ready.set()

    def close(self) -> None:
        self.is_closed = True
        self._bus._subscriptions.discard(self)
        self._ready.set()

    async def get(self) -> Event:
        """The next event; raises StopAsyncIteration when closed, SubscriptionOverflow when overflowed."""
        while not self._queue:
            if self.is_overflowed:
                raise SubscriptionOverflow(f'consumer fell more than {self.maxsize} events behind')
            if self.is_closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        if self.is_overflowed:
            raise SubscriptionOverflow(f'consumer fell more than {self.maxsize} events behind')
        return self._queue.popleft()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        return await self.get()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    """Assigns ids, persists, keeps recent history and fans events out to subscriptions.

    :param history_size: events kept in memory (default: 1000)
    :param persist: stores one event durably; called before delivery for non-sampled, non-test events
    :param reserve_ids: ``(count, floor)`` -> ``(first, limit)``: durably reserves ``count`` ids from at least
        ``floor``; ids in ``[first, limit)`` are this bus's to hand out
    :param first_id: the first id to hand out (after a restart: the stored high-water mark)
    :param clock: the time events are stamped with
    :param writer: runs ``persist`` off the event loop; events are delivered after it, in order (default: none,
        ``persist`` runs in ``publish``)
    :param forward: a web replica's: hands each published event (its id 0) to the engine, which publishes it with
        its own id; nothing is delivered here until it comes back through :meth:`adopt`
    """

    def __init__(
        self,
        *,
        history_size: int = 1000,
        persist: Callable[[Event], None] | None = None,
        reserve_ids: Callable[[int, int], tuple[int, int]] | None = None,
        first_id: int = 1,
        clock: Clock = WALL_CLOCK,
        writer: Writer | None = None,
        forward: Callable[[Event], None] | None = None,
    ) -> None:
        self.history: deque[Event] = deque(maxlen=history_size)
        self.clock = clock
        self._persist = persist
        self._writer = writer
        self.forward = forward
        self._reserve_ids = reserve_ids
        self._next_id = first_id
        self._id_limit = first_id if reserve_ids else 2**62
        self._subscriptions: set[Sink] = set()
        """Subscriptions and sinks: each is offered every event it wants."""
        self._published_times: deque[float] = deque(maxlen=10_000)
        self.published = 0
        self.persist_failures = 0
        self.store_failing = False
        """The last write to the store failed (announced once, with a notification when it recovers)."""

    @property
    def last_id(self) -> int:
        return self._next_id - 1

    def _take_id(self) -> int:
        if self._next_id >= self._id_limit and self._reserve_ids is not None:
            try:
                self._next_id, self._id_limit = self._reserve_ids(ID_BLOCK, self._next_id)
            except Exception as error:  # keep numbering in memory; a crash before the store recovers may reuse ids
                self._id_limit = self._next_id + ID_BLOCK
                self._store_failed(error)
        value = self._next_id
        self._next_id += 1
        return value

    def publish(
        self,
        type_: EventType,
        payload: Payload,
        *,
        source: str,
        client_id: str | None = None,
        timestamp: float | None = None,
    ) -> Event:
        """Build the envelope, persist it if durable, then hand it to every matching subscription.

        :raises TypeError: if ``payload`` is not ``type_``'s payload model (see ``PAYLOAD_OF``)
        """
        if not isinstance(payload, PAYLOAD_OF[type_]):
            raise TypeError(f'{type_} carries {PAYLOAD_OF[type_].__name__}, not {type(payload).__name__}')
        if self.forward is not None:
            event = Event(
                id=0, type=type_, payload=payload, timestamp=timestamp or 0.0, source=source, client_id=client_id
            )
            self.forward(event)
            return event
        event = Event(
            id=self._take_id(),
            type=type_,
            payload=payload,
            timestamp=self.clock.time() if timestamp is None else timestamp,
            source=source,
            client_id=client_id,
        )
        persist = self._persist if type_ not in SAMPLED_TYPES else None
        if self._writer is not None:
            self._writer.submit(persist and partial(persist, event), partial(self._stored, event, persist is not None))
        elif persist is None:
            self.deliver(event)
        else:
            try:
                persist(event)
            except Exception as error:
                self._stored(event, True, error)
            else:
                self._stored(event, True, None)
        return event

    def _stored(self, event: Event, is_durable: bool, error: Exception | None) -> None:
        """Deliver ``event`` once its write has ended (``error``: how it failed)."""
        if error is not None:  # a full disk must not stop the dashboard: deliver, and say so once
            log.warning('could not persist event %s (%s): %s', event.id, event.type, error)
            self.deliver(event)
            self._store_failed(error)
            return
        if is_durable and self.store_failing:
            self._store_recovered()
        self.deliver(event)

    def report_store_failure(self, error: Exception) -> None:
        """A write other than an event's failed (the writer reports them here): announced like an event's."""
        self._store_failed(error)

    def publish_test(self, type_: EventType | None, data: dict[str, Any]) -> Event:
        """A test event (``test: true``, ``source: "test"``, never stored): ``data`` goes out unchanged and is
        typed only if it fits ``type_``'s model, so odd test data never reaches typed consumers. Without a type:
        the original dashboard's test notification."""
        if type_ is None:
            type_, data = (
                EventType.NOTIFICATION,
                {'message': 'Test notification from the dashboard API', 'level': 'info', 'category': 'test'},
            )
        if self.forward is not None:
            forwarded = Event(id=0, type=type_, data=dict(data), timestamp=0.0, source='test', test=True)
            self.forward(forwarded)
            return forwarded
        event = Event(
            id=self._take_id(),
            type=type_,
            payload=parse_payload(type_, data),
            data=dict(data),
            timestamp=self.clock.time(),
            source='test',
            test=True,
        )
        if self._writer is not None:  # in its turn behind the stored events before it
            self._writer.submit(None, partial(self._stored, event, False))
        else:
            self.deliver(event)
        return event

    def _store_failed(self, error: Exception) -> None:
        """Count a failed write; the first of a run of failures is announced as a ``bot_error``."""
        self.persist_failures += 1
        if not self.store_failing:
            self.store_failing = True
            self.publish(
                EventType.BOT_ERROR,
                BotError(
                    message=f'event store failed: {type(error).__name__}: {error}', component='store', recoverable=True
                ),
                source='bus',
            )

    def _store_recovered(self) -> None:
        self.store_failing = False
        self.publish(
            EventType.NOTIFICATION,
            Notification(
                message=f'event store recovered ({self.persist_failures} writes failed in all)',
                level='info',
                category='store',
            ),
            source='bus',
        )

    def follow_engine(self, forward: Callable[[Event], None]) -> None:
        """Make this a web replica's bus: ids come from the engine's events (:meth:`adopt`), what is published here
        goes to ``forward``."""
        self.forward = forward
        self._next_id = 1
        self._reserve_ids = None

    def adopt(self, event: Event) -> None:
        """Deliver an event another process's bus published (its id is kept: later ids come from there too)."""
        self._next_id = max(self._next_id, event.id + 1)
        self.deliver(event)

    def deliver(self, event: Event) -> None:
        """Record ``event`` in history and queue it for every subscription that wants it."""
        self.history.append(event)
        self.published += 1
        self._published_times.append(time.monotonic())
        for subscription in tuple(self._subscriptions):
            if subscription.wants(event):
                subscription.put(event)

    def stream(
        self,
        topics: Iterable[Topic] | None = None,
        *,
        types: Iterable[EventType] | None = None,
        maxsize: int = 1000,
        overflow: Overflow = 'drop_oldest',
    ) -> Subscription:
        """A new subscription to ``topics`` (None: all) and, if given, only ``types`` of them; use as
        ``async with bus.stream(...) as events: async for e in events``."""
        subscription = Subscription(self, topics, maxsize, overflow, types)
        self._subscriptions.add(subscription)
        return subscription

    def add_sink(self, sink: Sink) -> Callable[[], None]:
        """Hand every event to ``sink.put`` synchronously (it must only enqueue); returns the remover."""
        self._subscriptions.add(sink)
        return lambda: self._subscriptions.discard(sink)

    def subscribe(
        self,
        callback: Callable[[Event], Any],
        topics: Iterable[Topic] | None = None,
        *,
        types: Iterable[EventType] | None = None,
        maxsize: int = 1000,
    ) -> Callable[[], None]:
        """Run ``callback`` (sync or async) for each event in its own task; returns the unsubscribe function.

        A callback error is logged with the callback's name and never reaches the publisher.
        """
        subscription = self.stream(topics, types=types, maxsize=maxsize)
        name = getattr(callback, '__qualname__', repr(callback))

        async def consume() -> None:
            async for event in subscription:
                try:
                    result = callback(event)
                    if asyncio.iscoroutine(result):
                        await result
                except Exception:
                    log.exception('event subscriber %s failed on %s', name, event.type)

        task = asyncio.get_running_loop().create_task(consume(), name=f'bus-subscriber:{name}')

        def unsubscribe() -> None:
            subscription.close()
            task.cancel()

        return unsubscribe

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def events_per_s(self, window_s: float = 10.0) -> float:
        """Published events per second over the last ``window_s`` seconds."""
        now = time.monotonic()
        recent = sum(1 for t in reversed(self._published_times) if now - t <= window_s)
        return recent / window_s

    def recent(
        self, *, topic: Topic | None = None, type_: EventType | None = None, since_id: int = 0, limit: int = 100
    ) -> list[Event]:
        """Events still in memory, oldest first, filtered."""
        matches = [
            e
            for e in self.history
            if e.id > since_id and (topic is None or e.topic == topic) and (type_ is None or e.type == type_)
        ]
        return matches[-limit:] if since_id == 0 else matches[:limit]
