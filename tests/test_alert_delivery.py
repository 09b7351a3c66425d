"""Alerts delivered to real local services: a JSON webhook (an HTTP server in a thread), e-mail (aiosmtpd), a closed
port; retries, per-channel results, quiet hours, rate limits with a digest, a hanging channel, and secrets that
never leave the server."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from oracle_ui import preferences
from oracle_ui.alerts.quiet import QuietHours
from oracle_ui.alerts.rules import AlertSpec, ChannelSpec
from oracle_ui.events import EventType
from oracle_ui.i18n import Language
from oracle_ui.security.accounts import LOCAL

from .helpers import advance_until, eventually
from .receivers import closed_port, json_hook, smtp_inbox
from .test_alert_rules import bars, triggers, write_bars

CROSSING = [100, 100, 101, 105, 104, 99, 98, 106, 107, 107]
"""Crosses 102 upwards in bar 3, falls back below in bar 5, crosses again in bar 7."""


@pytest.fixture
async def replay(make_system, tmp_path):
    """A started system replaying ``CROSSING`` (or the closes given), one bar per clock second."""
    started = []

    async def start(closes: list[float] = CROSSING, **overrides: object):
        csv = write_bars(tmp_path / 'bars.csv', closes)
        system = make_system(feed=f'replay:{csv}', symbols=['BTC/USDT'], speed=60, **overrides)
        await system.start()
        started.append(system)
        return system

    yield start
    for system in started:
        await system.stop()


async def alert(system, channels: list[str], *, value: float = 102, **fields: object):
    rule = {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_above', 'value': value}
    spec = AlertSpec.model_validate({'name': 'btc up', 'rule': rule, 'channels': channels, 'cooldown_s': 0, **fields})
    return await system.alert_commands.create(spec, who=LOCAL, origin='test')


def delivered(system) -> list[dict]:
    return [e.data for e in system.bus.recent(type_=EventType.ALERT_DELIVERED, limit=1000)]


class CrossingTicks:
    """A bus sink noting when each price tick at or above a level was published (``time.perf_counter``)."""

    def __init__(self, level: float) -> None:
        self.level, self.times, self.previous = level, [], None

    def wants(self, event) -> bool:
        return event.type is EventType.PRICE_UPDATE

    def put(self, event) -> None:
        price = event.data['price']
        if price >= self.level and (self.previous is None or self.previous < self.level):
            self.times.append(time.perf_counter())
        self.previous = price


async def test_a_replayed_crossing_reaches_the_webhook_once_per_crossing_within_a_second(replay) -> None:
    with json_hook() as hook:
        system = await replay()
        made = await alert(system, [hook.url])
        ticks = CrossingTicks(102)
        system.bus.add_sink(ticks)
        await bars(system, 5)
        await eventually(lambda: len(hook.received) == 1, what='the first webhook')
        assert len(ticks.times) == 1 and hook.received[0][0] - ticks.times[0] < 1.0
        body = hook.received[0][1]
        assert body['title'] == '[WARNING] btc up' and body['type'] == 'warning'
        assert body['message'].startswith('BTC/USDT crossed above 102.000: 105.000')
        await bars(system, 2)  # 104 stays above, 99 and 98 clear it
        assert len(hook.received) == 1 and len(triggers(system, made.id)) == 1
        await bars(system, 3)  # crosses again
        await eventually(lambda: len(hook.received) == 2, what='the second webhook')
        assert len(ticks.times) == 2 and hook.received[1][0] - ticks.times[1] < 1.0
        await eventually(lambda: len(delivered(system)) == 2)
        assert [d['result']['status'] for d in delivered(system)] == ['sent', 'sent']
        history = system.alerts.history(alert_id=made.id).triggers
        assert [t.channels[0].status for t in history] == ['sent', 'sent']


async def test_an_alert_reaches_a_german_owners_channel_in_german(replay) -> None:
    with json_hook() as hook:
        system = await replay()
        made = await alert(system, [hook.url])
        preferences.save_language(system, made.owner, Language('de'))  # as the header's menu keeps it
        await bars(system, 5)
        await eventually(lambda: hook.received, what='the webhook')
        body = hook.received[0][1]
        assert body['title'] == '[WARNUNG] btc up', body
        assert body['message'].startswith('BTC/USDT stieg über 102,000: 105,000'), body
        (trigger,) = system.alerts.history(alert_id=made.id).triggers
        assert trigger.message.startswith('BTC/USDT crossed above 102.000'), 'the history and the API stay English'


async def test_an_email_arrives_over_real_smtp(replay) -> None:
    with smtp_inbox() as inbox:
        system = await replay()
        await alert(system, [inbox.url()], severity='critical')
        await bars(system, 5)
        await eventually(lambda: inbox.mails, what='the mail')
        (mail,) = inbox.mails
        assert mail['Subject'] == '[CRITICAL] btc up' and mail['To'] == 'trader@example.com'
        text = (
            mail.get_payload(decode=True) if not mail.is_multipart() else mail.get_payload(0).get_payload(decode=True)
        )
        assert b'BTC/USDT crossed above 102.000: 105.000' in text


async def test_a_dead_channel_retries_is_reported_and_trading_goes_on(replay) -> None:
    with json_hook() as hook:
        system = await replay([100, 100, 101, 105, *range(106, 140)])
        dead = f'json://127.0.0.1:{closed_port()}/hook'
        made = await alert(system, [dead, hook.url])
        await bars(system, 5)
        await eventually(lambda: hook.received, what='the live channel')  # not held up by the dead one
        published = system.bus.published
        clock = system.engine.clock
        await advance_until(
            clock,
            lambda: any(d['result']['status'] == 'failed' for d in delivered(system)),
            what='the dead channel given up on',
        )
        (failed,) = [d['result'] for d in delivered(system) if d['result']['status'] == 'failed']
        assert failed['attempts'] == 3 and 'Connection refused' in failed['error']
        assert system.bus.published > published + 20, 'prices kept flowing while it retried'
        channels = {c.name: c for c in system.alerts.channels.values()}
        assert channels[f'JSON 127.0.0.1 {dead.split(":")[2].split("/")[0]}'].failed == 1
        (trigger,) = system.alerts.history(alert_id=made.id).triggers
        assert sorted(r.status for r in trigger.channels) == ['failed', 'sent']


async def test_quiet_hours_hold_a_warning_and_pass_a_critical(replay, clock) -> None:
    with json_hook() as hook:
        system = await replay()
        now = time.gmtime(clock.time())
        start, end = f'{now.tm_hour:02d}:{now.tm_min:02d}', f'{(now.tm_hour + 1) % 24:02d}:{now.tm_min:02d}'
        quiet = QuietHours(enabled=True, start=start, end=end, timezone='UTC')
        await system.alert_commands.set_quiet_hours(quiet, who=LOCAL, origin='test')
        await alert(system, [hook.url], name='warned', severity='warning')
        await alert(system, [hook.url], name='urgent', severity='critical')
        await bars(system, 5)
        await eventually(lambda: hook.received, what='the critical alert')
        await bars(system, 1)
        assert [b['title'] for b in hook.bodies] == ['[CRITICAL] urgent'], 'the warning waits'
        held = next(e.data for e in triggers(system) if e.data['name'] == 'warned')
        assert held['channels'][0]['status'] == 'held' and 'quiet hours until' in held['channels'][0]['error']
        await clock.advance(3600)  # the quiet hour ends: the held alerts come as one digest
        await eventually(lambda: len(hook.received) == 3, what='the digest')
        digest = hook.bodies[-1]
        assert digest['title'] == 'Oracle Trader: 2 alerts held back (quiet hours)'
        assert digest['message'].count('• warned: BTC/USDT crossed above') == 2


async def two_sent_three_held(system) -> None:
    """Five triggers through a channel that sends two a minute: two sent, and (the sender's loop holds the rest as
    soon as the second send is reported) three held for the digest."""
    await eventually(lambda: len(triggers(system)) == 5, what='five triggers stored')  # all five handed over
    sent = lambda: [d for d in delivered(system) if d['result']['status'] == 'sent']  # noqa: E731
    await eventually(lambda: len(sent()) == 2, what='two sent')


async def test_a_rate_limit_holds_the_rest_for_one_digest(replay, clock) -> None:
    with json_hook() as hook:
        system = await replay([100, 105, 99, 105, 99, 105, 99, 105, 99, 105, 99])
        channel = await system.alert_commands.create_channel(
            ChannelSpec(name='team', url=hook.url, rate_limit=2, rate_period_s=60), who=LOCAL, origin='test'
        )
        await alert(system, ['team'])
        await bars(system, 11)  # five crossings
        await two_sent_three_held(system)
        await clock.advance(60)
        await eventually(lambda: len(hook.received) == 3, what='the digest')
        assert hook.bodies[2]['title'] == 'Oracle Trader: 3 alerts held back (rate limit)'
        await eventually(lambda: system.alerts.channels[channel.id].sent == 3, what='the count after the send')


async def test_a_rate_limit_digest_is_in_the_channel_owners_language(replay, clock) -> None:
    with json_hook() as hook:
        system = await replay([100, 105, 99, 105, 99, 105, 99, 105, 99, 105, 99])
        channel = await system.alert_commands.create_channel(
            ChannelSpec(name='team', url=hook.url, rate_limit=2, rate_period_s=60), who=LOCAL, origin='test'
        )
        preferences.save_language(system, channel.owner, Language('de'))
        await alert(system, ['team'])
        await bars(system, 11)
        await two_sent_three_held(system)
        await clock.advance(60)
        await eventually(lambda: len(hook.received) == 3, what='the digest')
        assert hook.bodies[2]['title'] == 'Oracle Trader: 3 Alarme zurückgehalten (Ratenlimit)'


async def test_a_hanging_channel_delays_no_other_channel(replay) -> None:
    hang_s = 6.0
    with json_hook(hang_s=hang_s) as hanging, json_hook() as quick:
        system = await replay(alert_timeout_s=2 * hang_s)  # sent one after the other, quick would wait out the hang
        await alert(system, [hanging.url + '?rto=30', quick.url])
        await bars(system, 5)
        await eventually(lambda: quick.received and hanging.received, what='both channels asked')
        assert quick.received[0][0] - hanging.received[0][0] < hang_s / 2, 'the quick one waited for the hanging one'


async def test_channel_secrets_never_leave_the_server(replay, caplog, tmp_path) -> None:
    secret_url = 'jsons://alice:hunter2-very-secret@127.0.0.1:1/hook/t0kenSECRET'
    caplog.set_level(logging.INFO)  # what the server logs (Apprise's own lines never reach its handlers)
    system = await replay()
    spec = ChannelSpec(name='x', url=secret_url)
    channel = await system.alert_commands.create_channel(spec, who=LOCAL, origin='test')
    made = await alert(system, ['x'])
    await bars(system, 5)
    await advance_until(system.engine.clock, lambda: delivered(system), what='the failure')
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO and r.name != 'apprise']
    shown = [channel.model_dump_json(), made.model_dump_json(), *logged, *(e.json for e in system.bus.history)]
    for text in shown:
        assert 'hunter2' not in text and 't0kenSECRET' not in text
    assert channel.masked == 'jsons://alice:****@127.0.0.1:1/hook/t...T'
    with sqlite3.connect(system.settings.database_path) as db:
        stored = ' '.join(str(v) for row in db.execute('SELECT * FROM alert_channels') for v in row)
    assert 'hunter2' not in stored and 't0kenSECRET' not in stored
