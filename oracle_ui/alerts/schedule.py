"""Scheduled summaries: when each ``summary`` rule is next due (its time of day in its timezone, daylight saving
included), and one task that sleeps on the clock until the earliest, computes that period's analytics off the
event loop and hands the report on to be fired like any alert.

A summary due while the server was down is not sent late; after a jump of the clock only one is sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..clock import Clock
from ..views.analytics import account_report_data
from ..views.analytics_models import AnalyticsFilters, AnalyticsReport
from . import messages
from .delivery import first_of
from .rules import RULE, SummaryRule

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store import Store

log = logging.getLogger(__name__)
SPAN_S = {'day': 86_400.0, 'week': 7 * 86_400.0}
"""The period a summary covers, up to the market's time when it is sent."""
PeriodReport = Callable[[float], AnalyticsReport]
"""``(span_s) -> the account's analytics of the last span_s seconds`` (blocking: run in a thread)."""
Fire = Callable[..., None]
"""``(alert id, value, text=summary)``: the evaluator's :meth:`~.evaluator.AlertEvaluator.fire_scheduled`."""


def period_report(store: Store, settings: Settings, symbols: list[str], now: float, span_s: float) -> AnalyticsReport:
    """The account's analytics of the ``span_s`` seconds up to ``now`` (market time), as ``/analytics`` shows a
    custom period (the per-symbol table included, no series)."""
    filters = AnalyticsFilters(period='custom', since=now - span_s, until=now + 1)
    report, _trades = account_report_data(
        store, settings, filters, symbols=symbols, now=now, with_series=False, groupings=('symbol',)
    )
    return report


def next_due(rule: SummaryRule, after: float) -> float:
    """The first time strictly after ``after`` (Unix seconds) that ``rule`` is due."""
    zone = ZoneInfo(rule.timezone)
    hour, minute = (int(part) for part in rule.at.split(':'))
    day = datetime.fromtimestamp(after, zone).date()
    for offset in range(9):
        date = day + timedelta(days=offset)
        if rule.every == 'week' and date.weekday() != rule.weekday:
            continue
        due = datetime.combine(date, time(hour, minute), zone).timestamp()
        if due > after:
            return due
    raise AssertionError('a weekday recurs within 8 days')  # pragma: no cover


class SummaryScheduler:
    """The summary rules and when each is next due; :meth:`run` sends them (a task of the alert service).

    :param report: the period's analytics, computed in a worker thread
    :param fire: called on the loop with each summary (its period's return and text)
    """

    def __init__(self, *, clock: Clock, report: PeriodReport, fire: Fire) -> None:
        self.clock = clock
        self.report = report
        self.fire = fire
        self.due: dict[int, tuple[float, SummaryRule]] = {}
        """Alert id -> (when it is next due, its rule)."""
        self._wake = asyncio.Event()

    def put(self, alert_id: int, rule: dict[str, Any], *, enabled: bool) -> None:
        """A stored rule was added or changed: schedule it from now if it is an enabled summary, else drop it."""
        checked = RULE.validate_python(rule) if rule.get('kind') == 'summary' else None
        if not enabled or not isinstance(checked, SummaryRule):
            self.remove(alert_id)
        elif alert_id not in self.due or self.due[alert_id][1] != checked:
            self.due[alert_id] = (next_due(checked, self.clock.time()), checked)
            self._wake.set()

    def upcoming(self, rule: SummaryRule) -> str:
        """When ``rule`` would next be sent, in words (the editor's preview)."""
        due = datetime.fromtimestamp(next_due(rule, self.clock.time()), ZoneInfo(rule.timezone))
        return f'next on {due:%a %Y-%m-%d %H:%M} {rule.timezone}'

    def remove(self, alert_id: int) -> None:
        if self.due.pop(alert_id, None) is not None:
            self._wake.set()

    async def run(self) -> None:
        """Sleep until the next summary is due (or the rules change), send it, schedule its next time."""
        while True:
            self._wake.clear()
            if not self.due:
                await self._wake.wait()
                continue
            alert_id, (due, rule) = min(self.due.items(), key=lambda item: item[1][0])
            delay = due - self.clock.time()
            if delay > 0:
                await first_of(self._wake.wait(), self.clock.sleep(delay))
                continue
            self.due[alert_id] = (next_due(rule, max(due, self.clock.time())), rule)
            await self._send(alert_id, rule)

    async def _send(self, alert_id: int, rule: SummaryRule) -> None:
        try:
            report = await asyncio.to_thread(self.report, SPAN_S[rule.every])
        except Exception:  # one failed summary must not end the task
            log.exception('summary of alert %s could not be computed', alert_id)
            return
        if self.due.get(alert_id, (0.0, None))[1] == rule:  # not deleted or changed meanwhile
            self.fire(
                alert_id, report.metrics.return_pct, summary=messages.SummaryFigures.of(report).model_dump(mode='json')
            )
