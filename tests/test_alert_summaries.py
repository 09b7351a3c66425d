"""Scheduled summaries: a ``summary`` rule fires at its time of day in its timezone (weekly: on its weekday only),
once per period, with the figures ``/analytics`` shows for the same period, through real channels and the inbox;
quiet hours hold it like any non-critical alert. The market is a replay traded by ``sma_cross``; the schedule
follows the manual clock (it starts on Sunday 2025-06-15 15:06:40 UTC, 17:06:40 in Berlin)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from oracle_ui import preferences
from oracle_ui.alerts import messages
from oracle_ui.alerts.quiet import QuietHours
from oracle_ui.alerts.rules import AlertSpec, SummaryRule
from oracle_ui.alerts.schedule import next_due
from oracle_ui.engine.feed import FeedStatus
from oracle_ui.i18n import Language, using
from oracle_ui.security.accounts import LOCAL
from oracle_ui.views import account_analysis
from oracle_ui.views.analytics import market_now
from oracle_ui.views.analytics_models import AnalyticsFilters

from .helpers import advance_until, eventually
from .receivers import json_hook
from .test_alert_rules import triggers, write_bars

ZIGZAG = [100, 101, 103, 102, 99, 97, 98, 101, 104, 103, 100, 96, 97, 99, 102, 105, 103, 101, 98, 99, 103, 106, 104]
DAY = 86_400.0


@pytest.fixture
async def traded(make_system, tmp_path, clock):
    """A system whose replay of ``ZIGZAG`` was traded to its end (some trades won, some lost)."""
    csv = write_bars(tmp_path / 'bars.csv', ZIGZAG)
    system = make_system(
        feed=f'replay:{csv}',
        symbols=['BTC/USDT'],
        speed=60,
        strategy='sma_cross',
        strategy_params={'fast': 2, 'slow': 3},
        risk={'sizing': 'fixed', 'fixed_margin': 5000, 'max_daily_loss_pct': 100},
        metrics_interval_s=3600,
    )
    await system.start()
    await system.commands.control('start', who=LOCAL, origin='test', reason='test')
    await advance_until(clock, lambda: system.engine.feed.status is FeedStatus.ENDED, limit_s=60, what='replay end')
    assert len(system.store.trades(closed_only=True)) >= 2
    yield system
    await system.stop()


async def summary(system, rule: dict, channels: list[str], **fields: object):
    spec = AlertSpec.model_validate(
        {'name': 'summary', 'rule': {'kind': 'summary', **rule}, 'channels': channels, **fields}
    )
    return await system.alert_commands.create(spec, who=LOCAL, origin='test')


def figures(message: str) -> dict[str, str]:
    """The named figures of a summary's text."""
    _, _, listed = message.partition(' UTC: ')
    found = {}
    for part in listed.split(', '):
        match = re.match(r'(return|net PnL|win rate|profit factor|max drawdown|best|worst) (.+)', part)
        if match:
            found[match.group(1)] = match.group(2)
        elif part.endswith(('trade', 'trades')):
            found['trades'] = part.split()[0]
    return found


def number(text: str) -> float:
    return float(re.sub(r'[^0-9.+-]', '', text.split(' (')[-1] if '(' in text else text))


async def test_a_daily_summary_fires_at_its_time_once_a_day_with_the_analytics_figures(traded, clock) -> None:
    system = traded
    with json_hook() as hook:
        made = await summary(system, {'every': 'day', 'at': '17:10', 'timezone': 'Europe/Berlin'}, [hook.url])
        assert made.severity == 'info' and made.rule == SummaryRule(
            kind='summary', at='17:10', timezone='Europe/Berlin'
        )
        due = datetime(2025, 6, 15, 15, 10, tzinfo=UTC).timestamp()
        await clock.advance(due - clock.time() - 1)
        assert triggers(system, made.id) == [], 'not before its time'
        await clock.advance(1)
        await eventually(lambda: triggers(system, made.id), what='the summary')
        assert clock.time() == due
        await eventually(lambda: hook.received, what='the webhook')
        (fired,) = triggers(system, made.id)
        message = fired.data['message']
        assert hook.bodies[0]['title'] == '[INFO] summary' and hook.bodies[0]['message'].startswith(message)

        now = market_now(system)
        expected = account_analysis(system, AnalyticsFilters(period='custom', since=now - DAY, until=now + 1), now=now)
        m, symbols = expected.metrics, expected.groups.symbol
        shown = figures(message)
        assert message.startswith('Daily summary ')
        assert number(shown['return']) == pytest.approx(m.return_pct, abs=0.005)
        assert number(shown['net PnL']) == pytest.approx(m.net_pnl, abs=0.005)
        assert int(shown['trades']) == m.trades == len(system.store.trades(closed_only=True))
        assert number(shown['win rate']) == pytest.approx(m.win_rate_pct, abs=0.05)
        assert number(shown['profit factor']) == pytest.approx(m.profit_factor, rel=1e-3)
        assert number(shown['max drawdown']) == pytest.approx(m.max_drawdown_pct, abs=0.05)
        assert shown['best'].startswith('BTC/USDT') and number(shown['best']) == pytest.approx(
            symbols[0].net_pnl, abs=0.005
        )
        assert fired.data['value'] == pytest.approx(m.return_pct)

        await clock.advance(DAY - 1)
        assert len(triggers(system, made.id)) == 1, 'once a day'
        await clock.advance(1)
        await eventually(lambda: len(triggers(system, made.id)) == 2, what='the next day')
        await clock.advance(600)
        assert len(triggers(system, made.id)) == 2


def test_weekly_is_due_only_on_its_weekday_and_daylight_saving_keeps_the_local_time() -> None:
    rule = SummaryRule(kind='summary', every='week', at='08:00', weekday=2, timezone='Europe/Berlin')
    start = datetime(2025, 3, 20, tzinfo=UTC).timestamp()  # a Thursday
    dues, moment = [], start
    for _ in range(3):
        moment = next_due(rule, moment)
        dues.append(datetime.fromtimestamp(moment, UTC))
    assert [d.strftime('%a %Y-%m-%d %H:%M') for d in dues] == [
        'Wed 2025-03-26 07:00',  # CET
        'Wed 2025-04-02 06:00',  # CEST since March 30
        'Wed 2025-04-09 06:00',
    ]
    assert SummaryRule(kind='summary', every='week', at='08:00').weekday == 0, 'Monday unless given'


async def test_a_weekly_summary_fires_only_on_its_weekday(traded, clock) -> None:
    system = traded
    made = await summary(system, {'every': 'week', 'weekday': 1, 'at': '17:10', 'timezone': 'Europe/Berlin'}, [])
    assert made.rule.weekday == 1  # type: ignore[union-attr]
    await clock.advance(2 * DAY)  # Sunday and Monday 17:10 in Berlin pass
    assert triggers(system, made.id) == []
    await clock.advance(DAY)  # Tuesday's
    await eventually(lambda: triggers(system, made.id), what='the weekly summary')
    (fired,) = triggers(system, made.id)
    assert fired.data['message'].startswith('Weekly summary ') and fired.data['severity'] == 'info'
    await clock.advance(6 * DAY)
    assert len(triggers(system, made.id)) == 1


async def test_quiet_hours_hold_a_summary_unless_it_is_made_critical(traded, clock) -> None:
    system = traded
    with json_hook() as hook:
        quiet = QuietHours(enabled=True, start='17:00', end='18:00', timezone='Europe/Berlin')
        await system.alert_commands.set_quiet_hours(quiet, who=LOCAL, origin='test')
        rule = {'every': 'day', 'at': '17:10', 'timezone': 'Europe/Berlin'}
        await summary(system, rule, [hook.url], name='evening')
        await summary(system, rule, [hook.url], name='urgent', severity='critical')
        await clock.advance(200)
        await eventually(lambda: len(hook.received) == 1, what='the critical summary')
        assert hook.bodies[0]['title'] == '[CRITICAL] urgent'
        held = next(e.data for e in triggers(system) if e.data['name'] == 'evening')
        assert held['severity'] == 'info' and held['channels'][0]['status'] == 'held'
        assert 'quiet hours until 16:00 UTC' in held['channels'][0]['error']
        await clock.advance(3000)  # 18:00 in Berlin: the held summary comes as a digest
        await eventually(lambda: len(hook.received) == 2, what='the digest')
        assert hook.bodies[1]['message'].startswith('• evening: Daily summary ')


async def test_a_summary_reaches_a_german_owner_in_german(traded, clock) -> None:
    system = traded
    with json_hook() as hook:
        made = await summary(system, {'every': 'day', 'at': '17:10', 'timezone': 'Europe/Berlin'}, [hook.url])
        preferences.save_language(system, made.owner, Language('de'))
        due = datetime(2025, 6, 15, 15, 10, tzinfo=UTC).timestamp()
        await clock.advance(due - clock.time())
        await eventually(lambda: hook.received, what='the webhook')
        (fired,) = triggers(system, made.id)
        assert fired.data['message'].startswith('Daily summary '), 'the history stays English'
        sent = hook.bodies[0]['message']
        assert sent.startswith('Tageszusammenfassung ') and 'Trefferquote' in sent, sent
        data = fired.data  # its figures came along: a page writes the summary in its viewer's language too
        with using('de'):
            assert sent.startswith(messages.written_again(data['rule'], data['value'], data['detail'], data['message']))
        with using('en'):
            assert messages.written_again(data['rule'], data['value'], data['detail'], '') == data['message']
