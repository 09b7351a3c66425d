"""The store's writes off the event loop, for a database behind a network driver (PostgreSQL).

SQLite commits in the process in a fraction of a millisecond and keeps writing on the loop, as it always has.
A PostgreSQL commit is a round trip to a server: on the loop, every tick's event and every fill would stall the
whole app for it. There, one :class:`StoreWriter` thread runs the writes in the order they were handed over; what
waits for a write (the bus delivering the event it stored) runs on the event loop once it has committed.

What stays true: writes commit in the order they were made; a subscriber, and so any client, sees an event only
after it (and every write made before it) has committed; a read waits for the writes made before it, so whatever
reads the store sees what the app has written. What a crash can lose: the writes still queued (normally none or a
few, for a millisecond or so), which nobody has seen yet; the database stays an unbroken prefix of what happened.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from queue import SimpleQueue

log = logging.getLogger(__name__)

Done = Callable[[Exception | None], None]
"""Called on the event loop after a write: with None once it has committed, or with the error it failed with."""


@dataclass(slots=True, frozen=True)
class _Job:
    write: Callable[[], object] | None
    done: Done | None
    loop: asyncio.AbstractEventLoop | None


class StoreWriter:
    """One thread that runs writes in order; see the module docstring.

    :param name: the database, for the thread's name and log messages
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.on_error: Callable[[Exception], None] | None = None
        """Called on the event loop when a write without a ``done`` of its own fails (default: only logged)."""
        self.is_closed = False
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._run, name='store-writer', daemon=True)
        self._thread.start()

    @property
    def in_writer(self) -> bool:
        """The calling code runs on the writer thread."""
        return threading.current_thread() is self._thread

    def submit(self, write: Callable[[], object] | None, done: Done | None = None) -> None:
        """Run ``write`` (None: nothing, only ``done`` in its turn) after every write submitted before, then
        ``done`` on the event loop of the caller. Without a running event loop (a CLI, a worker thread), or once
        closed, the write runs at once on the calling thread, after the queued ones, and ``done`` right after it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            with self._idle:  # the same lock as close(): a job is queued before its end, or not at all
                if not self.is_closed:
                    self._pending += 1
                    self._jobs.put(_Job(write, done, loop))
                    return
        self.wait_idle()
        error = _run(write)
        if done is not None:
            done(error)
        elif error is not None:
            raise error

    def wait_idle(self) -> None:
        """Return once every write submitted so far has run (at once on the writer thread itself)."""
        if self.in_writer:
            return
        with self._idle:
            self._idle.wait_for(lambda: self._pending == 0)

    def close(self) -> None:
        """Run what is queued, then end the thread (writes after this run where they are made)."""
        with self._idle:
            if self.is_closed:
                return
            self.is_closed = True
            self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            error = _run(job.write)
            if error is not None:
                log.warning('database %s: a write failed: %s: %s', self.name, type(error).__name__, error)
            callback = job.done if job.done is not None else self._report if error is not None else None
            if callback is not None and job.loop is not None:
                with suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
                    job.loop.call_soon_threadsafe(callback, error)
            with self._idle:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()

    def _report(self, error: Exception | None) -> None:
        if error is not None and self.on_error is not None:
            self.on_error(error)


def _run(write: Callable[[], object] | None) -> Exception | None:
    if write is None:
        return None
    try:
        write()
    except Exception as error:  # reported to whoever waits, as the write would have raised on the loop
        return error
    return None
