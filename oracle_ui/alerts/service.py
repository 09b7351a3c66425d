"""The running alerts: rules checked on the bus (:mod:`.evaluator`), firings turned into ``alert_triggered``
events, inbox entries and messages (:mod:`.delivery`), results recorded. Started and stopped with the system;
what it shows of them is :mod:`.views`.

Firings wait in a queue for the one task that publishes and sends them (never inside the publisher's call). The
queue holds at most ``MAX_PENDING`` firings; past that the newest are dropped and counted (rules de-duplicate and
cool down, so it takes a bug or 10,000 rules firing at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from ..bus import EventBus
from ..clock import Clock
from ..engine.models import Position
from ..events import AlertDelivered, AlertTriggered, ChannelResult, EventType
from ..i18n import PREFERENCE, SOURCE, Language, stored_language, using
from ..store.alerts import AlertStore, StoredChannel, StoredRule, StoredTrigger
from . import messages
from .channels import SecretBox
from .conditions import CandleSource
from .delivery import ChannelConfig, Dispatcher, Outgoing, first_of
from .evaluator import AlertEvaluator
from .quiet import QUIET_HOURS_KEY, QuietHours
from .rules import RULE, Rule
from .schedule import PeriodReport, SummaryScheduler
from .states import Firing, Watch
from .views import AlertViews
from .watch import OpenPosition

log = logging.getLogger(__name__)
MAX_PENDING = 10_000


@dataclass(kw_only=True)
class AlertSettings:
    timeout_s: float = 10.0
    attempts: int = 3
    backoff_s: float = 2.0
    language: str = 'en'
    """What an owner who never chose a language reads their alerts in (``ORACLE_LOCALE``)."""


class Preferences:
    """Where users' quiet hours are kept (the store's preferences)."""

    def __init__(self, get: Callable[[str, str], str | None], put: Callable[[str, str, str], None]) -> None:
        self.get, self.put = get, put


class AlertService(AlertViews):
    """Alert rules, channels and history of one system.

    :param candles: stored candles, to warm indicator rules up
    :param account: ``() -> (open positions, last prices, equity peak)`` when the service starts
    :param report: the account's analytics of a period, for summaries (blocking: called in a thread)
    """

    def __init__(
        self,
        *,
        store: AlertStore,
        preferences: Preferences,
        bus: EventBus,
        clock: Clock,
        box: SecretBox,
        candles: CandleSource,
        account: Callable[[], tuple[list[Position], dict[str, float], float]],
        report: PeriodReport,
        settings: AlertSettings,
    ) -> None:
        self.store = store
        self.preferences = preferences
        self.bus = bus
        self.clock = clock
        self.box = box
        self.account = account
        self.evaluator = AlertEvaluator(on_fire=self._on_fire, candles=candles, clock=clock)
        self.summaries = SummaryScheduler(clock=clock, report=report, fire=self.evaluator.fire_scheduled)
        self.dispatcher = Dispatcher(
            clock=clock,
            on_result=self._on_result,
            on_channel_result=self._on_channel_result,
            timeout_s=settings.timeout_s,
            attempts=settings.attempts,
            backoff_s=settings.backoff_s,
            language_of=self.language_of,
        )
        self.default_language = Language(settings.language)
        self.rules: dict[int, StoredRule] = {}
        self.channels: dict[int, StoredChannel] = {}
        self.unread = 0
        self.dropped = 0
        self._pending: deque[Firing] = deque()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._remove_sink: Callable[[], None] | None = None
        self._watchdog_wake = asyncio.Event()

    # ---- lifecycle ---------------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the rules, channels and unread count from the store (a web replica shows them; nothing is checked)."""
        self.channels = {c.id: c for c in self.store.channels()}
        self.rules = {r.id: r for r in self.store.rules()}
        self.unread = self.store.count_triggers(unacknowledged=True)

    async def reload(self) -> None:
        """Check what the store holds now (a web replica changed it): conditions already holding do not fire."""
        old_rules, old_channels = set(self.rules), set(self.channels)
        self.load()
        self.evaluator.set_rules(self._watch(r) for r in self.rules.values() if r.enabled)
        for rule_id in old_rules - set(self.rules):
            self.summaries.remove(rule_id)
        for stored in self.rules.values():
            self.summaries.put(stored.id, stored.rule, enabled=stored.enabled)
        for channel_id in old_channels - set(self.channels):
            await self.dispatcher.remove_channel(channel_id)
        for channel in self.channels.values():
            self.dispatcher.set_channel(self._config(channel))

    async def start(self) -> None:
        self.load()
        positions, prices, peak = self.account()
        evaluator = self.evaluator
        evaluator.prices.update(prices)
        evaluator.positions.update({p.symbol: OpenPosition.of(p) for p in positions})
        evaluator.equity_peak = peak
        evaluator.last_tick_time = self.clock.time()
        evaluator.set_rules(self._watch(r) for r in self.rules.values() if r.enabled)
        for stored in self.rules.values():
            self.summaries.put(stored.id, stored.rule, enabled=stored.enabled)
        for channel in self.channels.values():
            self.dispatcher.set_channel(self._config(channel))
        evaluator.on_watchdog_replan = self._watchdog_wake.set
        self._remove_sink = self.bus.add_sink(evaluator)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._publish_firings(), name='alerts-firings'),
            loop.create_task(self._watch_feed(), name='alerts-feed-watchdog'),
            loop.create_task(self.summaries.run(), name='alerts-summaries'),
        ]

    async def stop(self) -> None:
        if self._remove_sink is not None:
            self._remove_sink()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.dispatcher.close()

    # ---- firing ------------------------------------------------------------------------------------------
    def _on_fire(self, firing: Firing) -> None:
        if len(self._pending) >= MAX_PENDING:
            self.dropped += 1
            log.warning('alert %s fired with %d firings waiting: dropped', firing.alert_id, MAX_PENDING)
            return
        self._pending.append(firing)
        self._wake.set()

    async def _publish_firings(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                firing = self._pending.popleft()
                try:
                    self._trigger(firing)
                except Exception:  # one bad firing must not end the task
                    log.exception('alert %s could not be triggered', firing.alert_id)

    def _trigger(self, firing: Firing) -> None:
        stored = self.rules.get(firing.alert_id)
        if stored is None:  # deleted while the firing waited
            return
        with using(SOURCE):  # the event's and the history's message: English, as every other event's text
            message = messages.trigger_text(firing.rule, firing.value, firing.detail)
        rule = firing.rule.model_dump(mode='json')  # with the value and detail, what pages write it again from
        quiet_until = None if stored.severity == 'critical' else self.quiet_hours(stored.owner).until(firing.time)
        status, note = ('held', messages.held_reason('quiet', quiet_until)) if quiet_until else ('pending', '')
        results = [
            ChannelResult(channel=self.channels[c].name, status=status, error=note)
            for c in stored.channels
            if c in self.channels
        ]
        event = self.bus.publish(
            EventType.ALERT_TRIGGERED,
            AlertTriggered(
                alert_id=stored.id,
                name=stored.name,
                kind=firing.rule.kind,
                severity=stored.severity,
                owner=stored.owner,
                message=message,
                value=firing.value,
                symbol=firing.symbol,
                channels=results,
                rule=rule,
                detail=firing.detail,
            ),
            source='alerts',
        )
        self._write(
            self.store.add_trigger,
            StoredTrigger(
                id=event.id,
                alert_id=stored.id,
                name=stored.name,
                kind=firing.rule.kind,
                severity=stored.severity,
                owner=stored.owner,
                symbol=firing.symbol,
                time=firing.time,
                value=firing.value,
                message=message,
                channels=[r.model_dump() for r in results],
                rule=rule,
                detail=firing.detail,
            ),
        )
        self.unread += 1
        with using(self.language_of(stored.owner)):  # what the channels get: in the owner's language
            told = messages.trigger_text(firing.rule, firing.value, firing.detail)
            outgoing = Outgoing(
                trigger_id=event.id,
                alert_id=stored.id,
                name=stored.name,
                severity=stored.severity,
                title=messages.title(stored.name, stored.severity),
                body=messages.body(told, firing.time),
                message=told,
            )
        self.dispatcher.submit(outgoing, stored.channels, stored.owner, quiet_until)

    def language_of(self, owner: str) -> Language:
        """The language ``owner`` chose (kept with their preferences), else the server's default."""
        return stored_language(self.preferences.get(owner, PREFERENCE)) or self.default_language

    def _on_result(self, channel_id: int, channel: str, alert: Outgoing, result: ChannelResult) -> None:
        """Record one alert's final result on one channel: in its history row and as ``alert_delivered``."""
        self._write(self._record_result, alert.trigger_id, channel, result)
        self.bus.publish(
            EventType.ALERT_DELIVERED,
            AlertDelivered(trigger_id=alert.trigger_id, alert_id=alert.alert_id, name=alert.name, result=result),
            source='alerts',
        )

    def _record_result(self, trigger_id: int, channel: str, result: ChannelResult) -> None:
        trigger = self.store.trigger(trigger_id)
        if trigger is not None:
            results = [r for r in trigger.channels if r.get('channel') != channel] + [result.model_dump()]
            self.store.set_trigger_channels(trigger_id, results)

    def _write(self, write: Callable[..., None], *args: object) -> None:
        """A history write; when the database fails, alerts (about that, too) are still published and sent."""
        try:
            write(*args)
        except SQLAlchemyError as error:
            log.warning('alert history not stored: %s', getattr(error, 'orig', None) or error)

    def _on_channel_result(self, channel_id: int, ok: bool, error: str) -> None:
        now = self.clock.time()
        self._write(lambda: self.store.record_channel_result(channel_id, ok=ok, error=error, time=now))
        channel = self.channels.get(channel_id)
        if channel is not None:
            channel.sent, channel.failed = channel.sent + ok, channel.failed + (not ok)
            channel.last_status, channel.last_error, channel.last_time = ('sent' if ok else 'failed'), error, now

    async def _watch_feed(self) -> None:
        """Wake when the next ``feed_stale`` rule would start to hold; sleep on the clock, not poll."""
        evaluator = self.evaluator
        while True:
            deadline = evaluator.stale_feed_deadline()
            self._watchdog_wake.clear()
            if deadline is None:
                await self._watchdog_wake.wait()
                continue
            delay = deadline - self.clock.time()
            if delay <= 0:
                evaluator.check_stale_feed()
                await first_of(self._watchdog_wake.wait(), self.clock.sleep(1.0))  # until a price clears it
                continue
            await first_of(self._watchdog_wake.wait(), self.clock.sleep(delay))

    def quiet_hours(self, owner: str) -> QuietHours:
        stored = self.preferences.get(owner, QUIET_HOURS_KEY)
        return QuietHours.model_validate_json(stored) if stored else QuietHours()

    def save_quiet_hours(self, owner: str, quiet: QuietHours) -> None:
        self.preferences.put(owner, QUIET_HOURS_KEY, quiet.model_dump_json())

    # ---- changes (the alert commands call these after checking and before auditing) ----------------------
    def put_rule(self, stored: StoredRule) -> None:
        """Store a new or changed rule and start (or stop) checking it."""
        if stored.id == 0:
            stored.id = self.store.add_rule(stored)
        else:
            self.store.update_rule(stored)
        self.rules[stored.id] = stored
        if stored.enabled:
            self.evaluator.add(self._watch(stored))
        else:
            self.evaluator.remove(stored.id)
        self.summaries.put(stored.id, stored.rule, enabled=stored.enabled)

    def delete_rule(self, rule_id: int) -> None:
        self.store.delete_rule(rule_id)
        self.rules.pop(rule_id, None)
        self.evaluator.remove(rule_id)
        self.summaries.remove(rule_id)

    def put_channel(self, stored: StoredChannel, url: str) -> None:
        if stored.id == 0:
            stored.id = self.store.add_channel(stored)
        else:
            values = {k: v for k, v in vars(stored).items() if k != 'id'}
            self.store.update_channel(stored.id, **values)
        self.channels[stored.id] = stored
        self.dispatcher.set_channel(
            ChannelConfig(
                id=stored.id,
                name=stored.name,
                url=url,
                rate_limit=stored.rate_limit,
                rate_period_s=stored.rate_period_s,
                owner=stored.owner,
            )
        )

    async def delete_channel(self, channel_id: int) -> None:
        self.store.delete_channel(channel_id)
        self.channels.pop(channel_id, None)
        await self.dispatcher.remove_channel(channel_id)

    def acknowledge(self, trigger_ids: list[int] | None, who: str) -> int:
        count = self.store.acknowledge(trigger_ids, who, self.clock.time())
        self.unread = self.store.count_triggers(unacknowledged=True)
        return count

    def _watch(self, stored: StoredRule) -> Watch:
        rule: Rule = RULE.validate_python(stored.rule)
        return Watch(alert_id=stored.id, rule=rule, cooldown_s=stored.cooldown_s, snoozed_until=stored.snoozed_until)

    def _config(self, stored: StoredChannel) -> ChannelConfig:
        return ChannelConfig(
            id=stored.id,
            name=stored.name,
            url=self.box.decrypt(stored.secret),
            rate_limit=stored.rate_limit,
            rate_period_s=stored.rate_period_s,
            owner=stored.owner,
        )
