"""Sending alerts so that it never hurts trading: every channel has its own queue, its own worker task and its own
sending thread (Apprise blocks), so a dead or hanging channel delays no tick, no page and no other channel.

* An attempt that has not returned within ``timeout_s`` counts as failed; while its thread is still stuck, later
  attempts on that channel fail at once (one thread per channel, however long a service hangs).
* A failed message is tried ``attempts`` times in all, ``backoff_s`` doubling between tries; its final result
  (and the channel's counters) is reported through ``on_result``.
* At most ``rate_limit`` messages go out per ``rate_period_s``; the rest wait and leave as one digest as soon as
  the window allows. A backlog past ``BACKLOG`` messages drops the newest, reported as ``dropped``.
* Quiet hours hold non-critical alerts per owner and channel until they end, then send them as one digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..clock import Clock
from ..events import ChannelResult
from ..i18n import Language, using
from ..i18n.catalog import SOURCE_LANGUAGE
from . import channels, messages

log = logging.getLogger(__name__)
BACKLOG = 500


@dataclass(kw_only=True)
class Outgoing:
    """One message for one channel: an alert's, or a digest carrying several alerts."""

    trigger_id: int
    alert_id: int
    name: str
    severity: str
    title: str
    body: str
    message: str
    carried: list[Outgoing] = field(default_factory=list)
    """The alerts a digest stands for (their results follow its result)."""

    @property
    def alerts(self) -> list[Outgoing]:
        return self.carried or [self]


ResultCallback = Callable[[int, str, Outgoing, ChannelResult], None]
"""``(channel id, channel name, alert, result)`` for every alert's final result on a channel."""


class SendThread:
    """One daemon thread running one channel's blocking sends, one at a time (daemon: a send stuck in a dead
    service never holds up the process's exit)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.busy_since: float | None = None
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], asyncio.Future[Any]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def run(self, job: Callable[[], Any]) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name=f'alerts:{self.name}', daemon=True)
            self._thread.start()
        self.busy_since = time.monotonic()
        self._jobs.put((job, future))
        return future

    def close(self) -> None:
        self._jobs.put(None)

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, future = item
            loop = future.get_loop()
            try:
                result, error = job(), None
            except Exception as failure:
                result, error = None, failure
            self.busy_since = None
            with contextlib.suppress(RuntimeError):  # the loop closed while this send hung
                loop.call_soon_threadsafe(_settle, future, result, error)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


@dataclass(kw_only=True)
class ChannelConfig:
    id: int
    name: str
    url: str
    rate_limit: int
    rate_period_s: float
    owner: str = ''
    """Who added it: a digest of what its rate limit held back is written in their language."""


class ChannelSender:
    """A channel's queue and the task that works through it."""

    def __init__(self, config: ChannelConfig, dispatcher: Dispatcher) -> None:
        self.config = config
        self.dispatcher = dispatcher
        self.thread = SendThread(config.name)
        self.queue: deque[Outgoing] = deque()
        self.held: list[Outgoing] = []
        self.sent_times: deque[float] = deque()
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._work(), name=f'alerts-channel:{config.name}')

    def put(self, item: Outgoing) -> None:
        if len(self.queue) >= BACKLOG:
            self._report(item, 'dropped', 0, f'over {BACKLOG} messages waiting for this channel')
            return
        self.queue.append(item)
        self._wake.set()

    async def close(self) -> None:
        # cancel until it ends: Python 3.11's asyncio.wait_for loses a cancellation that arrives as its future
        # completes (a send's answer at the moment of shutdown), and the loop would wait for the next alert forever
        while not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=0.1)
        self.thread.close()

    async def _work(self) -> None:
        clock = self.dispatcher.clock
        while True:
            while self.queue:
                item = self.queue.popleft()
                if self._window_full():
                    self.held.append(item)
                else:
                    await self._deliver(item)
            if self.held and not self._window_full():
                held, self.held = self.held, []
                with using(self.dispatcher.language_of(self.config.owner)):
                    title, body = messages.digest([(i.name, i.message) for i in held], messages.held_reason('rate'))
                digest = Outgoing(
                    trigger_id=0,
                    alert_id=0,
                    name='digest',
                    severity=_loudest(held),
                    title=title,
                    body=body,
                    message=title,
                    carried=held,
                )
                await self._deliver(digest)
                continue
            self._wake.clear()
            if self.held:  # wake when the oldest send leaves the window
                delay = self.sent_times[0] + self.config.rate_period_s - clock.time()
                await first_of(self._wake.wait(), clock.sleep(max(delay, 0.0)))
            else:
                await self._wake.wait()

    def _window_full(self) -> bool:
        now, period = self.dispatcher.clock.time(), self.config.rate_period_s
        while self.sent_times and self.sent_times[0] <= now - period:
            self.sent_times.popleft()
        return len(self.sent_times) >= self.config.rate_limit

    async def _deliver(self, item: Outgoing) -> None:
        """Send with retries; report the final result of every alert it carries."""
        dispatcher = self.dispatcher
        self.sent_times.append(dispatcher.clock.time())
        error, attempts = '', 0
        for attempt in range(1, dispatcher.attempts + 1):
            attempts = attempt
            ok, error = await self.attempt(item.title, item.body, item.severity)
            if ok:
                break
            log.warning(
                'alert channel %s: attempt %d of %d failed: %s', self.config.name, attempt, dispatcher.attempts, error
            )
            if attempt < dispatcher.attempts:
                await dispatcher.clock.sleep(dispatcher.backoff_s * 2 ** (attempt - 1))
        for alert in item.alerts:
            self._report(alert, 'failed' if error else 'sent', attempts, error)
        dispatcher.on_channel_result(self.config.id, not error, error)

    async def attempt(self, title: str, body: str, severity: str) -> tuple[bool, str]:
        """One send, given ``timeout_s``; fails at once while an earlier send is still stuck in the thread."""
        thread, timeout = self.thread, self.dispatcher.timeout_s
        if thread.busy_since is not None:
            stuck = time.monotonic() - thread.busy_since
            return False, f'an earlier send has not returned for {stuck:.0f} s'
        job = thread.run(lambda: channels.send(self.config.url, title, body, severity))
        try:
            ok, error = await asyncio.wait_for(asyncio.shield(job), timeout)
        except TimeoutError:
            return False, f'no answer within {timeout:g} s'
        except Exception as failure:  # a bug in a plugin: report it as this channel's failure
            return False, channels.scrub(f'{type(failure).__name__}: {failure}', self.config.url)
        return bool(ok), str(error)

    def _report(self, alert: Outgoing, status: str, attempts: int, error: str) -> None:
        result = ChannelResult(
            channel=self.config.name, status=status, attempts=attempts, error=error, time=self.dispatcher.clock.time()
        )
        self.dispatcher.on_result(self.config.id, self.config.name, alert, result)


class Dispatcher:
    """Hands alerts to their channels' senders and holds them through their owners' quiet hours.

    :param on_result: each alert's final result on each channel
    :param on_channel_result: ``(channel id, ok, error)`` after each send (a digest counts once)
    :param timeout_s: how long one attempt may take (default: 10)
    :param attempts: tries per message (default: 3)
    :param backoff_s: wait after the first failed try, doubling after each (default: 2)
    :param language_of: the language an owner reads (their digests after quiet hours)
    """

    def __init__(
        self,
        *,
        clock: Clock,
        on_result: ResultCallback,
        on_channel_result: Callable[[int, bool, str], None],
        timeout_s: float = 10.0,
        attempts: int = 3,
        backoff_s: float = 2.0,
        language_of: Callable[[str], Language] = lambda _owner: SOURCE_LANGUAGE,
    ) -> None:
        self.clock = clock
        self.language_of = language_of
        self.on_result = on_result
        self.on_channel_result = on_channel_result
        self.timeout_s, self.attempts, self.backoff_s = timeout_s, attempts, backoff_s
        self.senders: dict[int, ChannelSender] = {}
        self.quiet_held: dict[tuple[str, int], list[Outgoing]] = {}
        self._quiet_tasks: dict[str, asyncio.Task[None]] = {}

    def set_channel(self, config: ChannelConfig) -> None:
        """Add a channel or change its URL or limits (its queue and history stay)."""
        sender = self.senders.get(config.id)
        if sender is None:
            self.senders[config.id] = ChannelSender(config, self)
        else:
            sender.config = config

    async def remove_channel(self, channel_id: int) -> None:
        sender = self.senders.pop(channel_id, None)
        if sender is not None:
            await sender.close()

    def submit(self, item: Outgoing, channel_ids: list[int], owner: str, quiet_until: float | None) -> None:
        """Queue ``item`` for each channel; while ``quiet_until`` (non-critical alerts in the owner's quiet hours)
        they wait for it in a digest."""
        for channel_id in channel_ids:
            sender = self.senders.get(channel_id)
            if sender is None:
                continue
            if quiet_until is not None:
                self.quiet_held.setdefault((owner, channel_id), []).append(item)
                self._wake_after_quiet(owner, quiet_until)
            else:
                sender.put(item)

    def _wake_after_quiet(self, owner: str, until: float) -> None:
        if owner in self._quiet_tasks and not self._quiet_tasks[owner].done():
            return

        async def release() -> None:
            await self.clock.sleep(max(until - self.clock.time(), 0.0))
            for (who, channel_id), held in list(self.quiet_held.items()):
                sender = self.senders.get(channel_id)
                if who != owner or sender is None:
                    continue
                del self.quiet_held[(who, channel_id)]
                with using(self.language_of(owner)):
                    title, body = messages.digest([(i.name, i.message) for i in held], messages.held_reason('quiet'))
                sender.put(
                    Outgoing(
                        trigger_id=0,
                        alert_id=0,
                        name='digest',
                        severity=_loudest(held),
                        title=title,
                        body=body,
                        message=title,
                        carried=held,
                    )
                )

        self._quiet_tasks[owner] = asyncio.get_running_loop().create_task(release(), name=f'alerts-quiet:{owner}')

    async def test(self, channel_id: int) -> tuple[bool, str, int, float]:
        """Send the channel's test message now, past its queue and limits: (ok, error, attempts, elapsed ms)."""
        sender = self.senders[channel_id]
        title, body = messages.test_message(sender.config.name)
        start = time.perf_counter()
        ok, error = await sender.attempt(title, body, 'info')
        self.on_channel_result(channel_id, ok, error)
        return ok, error, 1, (time.perf_counter() - start) * 1000

    async def close(self) -> None:
        for task in self._quiet_tasks.values():
            task.cancel()
        for sender in list(self.senders.values()):
            await sender.close()
        self.senders.clear()


def _loudest(items: list[Outgoing]) -> str:
    order = ('info', 'warning', 'critical')
    return max((i.severity for i in items), key=order.index, default='info')


async def first_of(*waits: Any) -> None:
    """Wait until the first of ``waits`` is done; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
