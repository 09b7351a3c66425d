"""The psutil metrics sampler: CPU, memory, RSS, connections, event-loop lag and events/s on a timer.

Publishes ``system_metrics`` every ``interval_s``, a ``system_alert`` when a metric crosses its threshold
(once per crossing), and a ``health_update`` whenever the feed, database or bot health changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from .bus import EventBus
from .events import EventType, HealthUpdate, SystemAlert, SystemMetrics

log = logging.getLogger(__name__)

ALERT_THRESHOLDS = {'cpu_percent': 90.0, 'memory_percent': 90.0, 'event_loop_lag_ms': 500.0}


@dataclass(slots=True)
class MetricsSnapshot:
    cpu_percent: float = 0.0
    memory_percent: float = 0.0
    disk_percent: float = 0.0
    process_rss_mb: float = 0.0
    open_connections: int = 0
    event_loop_lag_ms: float = 0.0
    events_per_s: float = 0.0
    threads: int = 0
    open_files: int = 0
    asyncio_tasks: int = 0
    uptime_s: float = 0.0
    time: float = 0.0


def count_sockets() -> int:
    """Open sockets of this process (TCP connections, listeners and local sockets).

    Reading ``/proc/self/fd`` costs one readlink per descriptor, done without the GIL in a worker thread;
    psutil's ``net_connections`` parses ``/proc/net/tcp`` in Python, which blocks the event loop for tens of
    milliseconds once there are a thousand clients.
    """
    count = 0
    try:
        with os.scandir('/proc/self/fd') as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    count += os.readlink(entry.path).startswith('socket:')
    except OSError:
        return len(psutil.Process().net_connections(kind='inet'))
    return count


class MetricsSampler:
    """Samples the process and machine on a timer and publishes what it sees.

    :param interval_s: seconds between samples (default: 1)
    :param health: returns (feed, feed message, database, bot) health strings
    :param data_dir: directory whose disk usage is reported
    """

    def __init__(
        self,
        bus: EventBus,
        *,
        interval_s: float = 1.0,
        health: Callable[[], tuple[str, str, str, str]],
        data_dir: str = '.',
    ) -> None:
        self.bus = bus
        self.interval_s = interval_s
        self.health = health
        self.data_dir = data_dir
        self.latest = MetricsSnapshot()
        self.started = time.time()
        self._process = psutil.Process(os.getpid())
        self._process.cpu_percent(None)
        psutil.cpu_percent(None)
        self._alerting: set[str] = set()
        self._last_health: tuple[str, str, str, str] | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name='metrics-sampler')

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.interval_s
            await asyncio.sleep(self.interval_s)
            lag_ms = max(0.0, (loop.time() - expected) * 1000.0)
            try:
                sockets = await asyncio.to_thread(count_sockets)
                self.sample(lag_ms, sockets)
            except Exception:  # a sampling hiccup must not end the sampler
                log.exception('metrics sampling failed')

    def sample(self, lag_ms: float, sockets: int | None = None) -> MetricsSnapshot:
        """Take one sample now and publish it (``sockets``: open sockets, counted now if not given)."""
        process = self._process
        with process.oneshot():
            rss = process.memory_info().rss
            threads = process.num_threads()
            open_files = process.num_fds()
        connections = count_sockets() if sockets is None else sockets
        try:
            disk = psutil.disk_usage(self.data_dir).percent
        except OSError:
            disk = 0.0
        snapshot = MetricsSnapshot(
            cpu_percent=psutil.cpu_percent(None),
            memory_percent=psutil.virtual_memory().percent,
            disk_percent=disk,
            process_rss_mb=rss / 2**20,
            open_connections=connections,
            event_loop_lag_ms=lag_ms,
            events_per_s=self.bus.events_per_s(),
            threads=threads,
            open_files=open_files,
            asyncio_tasks=len(asyncio.all_tasks()),
            uptime_s=time.time() - self.started,
            time=time.time(),
        )
        self.latest = snapshot
        self.bus.publish(
            EventType.SYSTEM_METRICS,
            SystemMetrics(
                cpu_percent=snapshot.cpu_percent,
                memory_percent=snapshot.memory_percent,
                process_rss_mb=snapshot.process_rss_mb,
                open_connections=snapshot.open_connections,
                event_loop_lag_ms=snapshot.event_loop_lag_ms,
                events_per_s=snapshot.events_per_s,
                threads=snapshot.threads,
                open_files=snapshot.open_files,
                asyncio_tasks=snapshot.asyncio_tasks,
                uptime_s=snapshot.uptime_s,
                disk_percent=snapshot.disk_percent,
            ),
            source='metrics',
        )
        self._alerts(snapshot)
        self._health()
        return snapshot

    def adopt(self, metrics: SystemMetrics, time_s: float) -> None:
        """Take another process's sample as the latest (a web replica shows the engine's; it samples nothing)."""
        self.latest = MetricsSnapshot(**metrics.model_dump(), time=time_s)

    def _alerts(self, snapshot: MetricsSnapshot) -> None:
        for metric, threshold in ALERT_THRESHOLDS.items():
            value = getattr(snapshot, metric)
            if value >= threshold and metric not in self._alerting:
                self._alerting.add(metric)
                self.bus.publish(
                    EventType.SYSTEM_ALERT,
                    SystemAlert(
                        message=f'{metric.replace("_", " ")} is {value:.1f} (threshold {threshold:g})',
                        level='warning',
                        metric=metric,
                        value=value,
                        threshold=threshold,
                    ),
                    source='metrics',
                )
            elif value < threshold * 0.9 and metric in self._alerting:
                self._alerting.discard(metric)
                self.bus.publish(
                    EventType.SYSTEM_ALERT,
                    SystemAlert(
                        message=f'{metric.replace("_", " ")} back to normal ({value:.1f})',
                        level='info',
                        metric=metric,
                        value=value,
                        threshold=threshold,
                    ),
                    source='metrics',
                )

    def _health(self) -> None:
        health = self.health()
        if health != self._last_health:
            self._last_health = health
            feed, feed_message, database, bot = health
            self.bus.publish(
                EventType.HEALTH_UPDATE,
                HealthUpdate(feed=feed, feed_message=feed_message, database=database, bot=bot),
                source='metrics',
            )
