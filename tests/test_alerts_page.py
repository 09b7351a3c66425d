"""``/alerts`` and the header's bell through NiceGUI's simulated user: create an alert in the editor (with its live
preview), add and test a channel, snooze, disable, duplicate, test and delete from the table, acknowledge from the
inbox, the toast and unread count on any page when an alert fires, and a viewer who sees it all without controls."""

from __future__ import annotations

import pytest
from nicegui import app
from nicegui.testing import User

from oracle_ui.alerts.rules import AlertSpec
from oracle_ui.events import EventType
from oracle_ui.security.accounts import LOCAL

from .helpers import eventually
from .receivers import json_hook
from .sessions import log_in


def system():
    return app.state.system


async def test_create_an_alert_add_a_channel_and_snooze(user: User) -> None:
    with json_hook() as hook:
        await user.open('/alerts')
        await user.should_see('Inbox')
        user.find(marker='channel-name').type('team')
        user.find(marker='channel-url').type(hook.url + '?-X-Key=abcdef123456')
        user.find(marker='add-channel').click()
        await user.should_see(f'channel "team" added: {hook.url}')
        user.find(marker='new-alert').click()
        await user.should_see('New alert')
        user.find(marker='alert-name').type('btc high')
        user.find(marker='alert-value').clear().type('1000000')
        await user.should_see('now: ')  # the preview of the condition on the current price
        preview = user.find(marker='alert-preview').elements.pop().text
        assert 'condition does not hold' in preview or 'no value yet' in preview
        user.find(marker='alert-channels').elements.pop().set_value(['team'])
        user.find(marker='alert-save').click()
        await user.should_see('alert "btc high" saved')
        (alert,) = system().alerts.rules.values()
        assert alert.rule == {
            'kind': 'price',
            'symbol': 'BTC/USDT',
            'op': 'crosses_above',
            'value': 1e6,
            'window_s': None,
        }
        table = user.find(marker='alerts-table').elements.pop()
        assert [(r['name'], r['state'], r['channels']) for r in table.rows] == [('btc high', 'armed', 'team')]
        user.find(marker='alerts-table').trigger('action', {'action': 'snooze', 'row': table.rows[0]})
        await user.should_see('Snooze this alert for')
        user.find(marker='snooze-8 h').click()
        await eventually(lambda: table.rows[0]['state'] == 'snoozed', what='snoozed')
        assert system().alerts.rules[alert.id].snoozed_until == pytest.approx(system().engine.clock.time() + 8 * 3600)
        channels = user.find(marker='channels-table').elements.pop()
        assert channels.rows[0]['masked'] == hook.url and 'abcdef' not in str(channels.rows)


async def test_a_weekly_summary_is_made_in_the_editor(user: User) -> None:
    await user.open('/alerts')
    user.find(marker='new-alert').click()
    await user.should_see('New alert')
    user.find(marker='alert-name').type('week in review')
    user.find(marker='alert-kind').elements.pop().set_value('summary')
    user.find(marker='alert-every').elements.pop().set_value('week')
    user.find(marker='alert-at').clear().type('25:00')
    await user.should_see('at: String should match pattern')
    user.find(marker='alert-at').clear().type('19:30')
    user.find(marker='alert-timezone').clear().type('Europe/Berlin')
    await user.should_see('now: next on Mon ')
    assert user.find(marker='alert-severity').elements.pop().value == 'info'
    user.find(marker='alert-save').click()
    await user.should_see('alert "week in review" saved')
    (alert,) = system().alerts.rules.values()
    rule = {'kind': 'summary', 'every': 'week', 'at': '19:30', 'weekday': 0, 'timezone': 'Europe/Berlin'}
    assert alert.rule == rule and alert.severity == 'info'
    table = user.find(marker='alerts-table').elements.pop()
    assert table.rows[0]['condition'] == 'weekly summary on Monday at 19:30 Europe/Berlin'


async def test_a_firing_alert_toasts_counts_on_the_bell_and_is_acknowledged(user: User) -> None:
    await user.open('/settings')
    spec = {'name': 'bot watch', 'rule': {'kind': 'event', 'types': ['bot_stopped']}, 'cooldown_s': 0}
    await system().alert_commands.create(AlertSpec.model_validate(spec), who=LOCAL, origin='test')
    await system().commands.control('stop', who=LOCAL, origin='test', reason='test')
    await user.should_see('WARNING · bot watch: bot_stopped: bot stopped (test)')  # the toast, on any page
    bell = user.find(marker='alert-count').elements.pop()
    await eventually(lambda: bell.text == '1', what='the unread count')
    await user.open('/alerts')
    inbox = user.find(marker='inbox-table').elements.pop()
    assert [r['name'] for r in inbox.rows] == ['bot watch']
    user.find(marker='ack-all').click()
    await eventually(lambda: not inbox.rows, what='the inbox emptied')
    assert system().alerts.unread == 0
    history = user.find(marker='history-table').elements.pop()
    assert history.rows[0]['ack'].startswith('local ')
    stored = system().store.events(type_=EventType.ALERT_TRIGGERED.value, limit=5)
    assert [e.data['name'] for e in stored] == ['bot watch']


@pytest.mark.usefixtures('accounts')
async def test_a_viewer_sees_alerts_without_controls(user: User) -> None:
    rule = {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'above', 'value': 1e7}
    await system().alert_commands.create(AlertSpec(name='far away', rule=rule), who=LOCAL, origin='test')
    await user.open('/login')
    await log_in(user, 'victor')
    await user.open('/alerts')
    await user.should_see('My quiet hours')
    assert [r['name'] for r in user.find(marker='alerts-table').elements.pop().rows] == ['far away']
    await user.should_not_see(marker='new-alert')
    await user.should_not_see(marker='add-channel')
    await user.should_not_see(marker='ack-all')
    assert 'actions' not in [c['name'] for c in user.find(marker='alerts-table').elements.pop().columns]


async def test_disable_duplicate_test_and_delete_from_the_table(user: User) -> None:
    with json_hook() as hook:
        rule = {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'above', 'value': 1e7}
        spec = AlertSpec(name='far away', rule=rule, channels=[hook.url])
        alert = await system().alert_commands.create(spec, who=LOCAL, origin='test')
        await user.open('/alerts')
        table = user.find(marker='alerts-table').elements.pop()

        def act(action: str, name: str) -> None:
            row = next(r for r in table.rows if r['name'] == name)
            user.find(marker='alerts-table').trigger('action', {'action': action, 'row': row})

        act('toggle', 'far away')
        await eventually(lambda: table.rows[0]['state'] == 'disabled', what='disabled')
        assert system().alerts.rules[alert.id].enabled is False
        act('duplicate', 'far away')
        await eventually(lambda: len(table.rows) == 2, what='the copy')
        assert sorted(r['name'] for r in table.rows) == ['far away', 'far away (copy)']
        act('test', 'far away')
        await user.should_see(f'JSON 127.0.0.1 {hook.port}: sent')  # the result of each channel is shown
        assert hook.bodies[0]['title'].startswith('Oracle Trader')
        act('delete', 'far away (copy)')
        await user.should_see('Delete the alert "far away (copy)"?')
        user.find(marker='confirm-delete-alert').click()
        await eventually(lambda: [r['name'] for r in table.rows] == ['far away'], what='the copy deleted')
        assert [r.name for r in system().alerts.rules.values()] == ['far away']


async def test_a_german_viewer_reads_the_toast_and_the_history_in_german(user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'de'
    await user.open('/settings')
    spec = {'name': 'bot watch', 'rule': {'kind': 'event', 'types': ['bot_stopped']}, 'cooldown_s': 0}
    await system().alert_commands.create(AlertSpec.model_validate(spec), who=LOCAL, origin='test')
    await system().commands.control('stop', who=LOCAL, origin='test', reason='test')
    await user.should_see('WARNUNG · bot watch: bot_stopped: Bot gestoppt (test)')  # the toast
    await user.open('/alerts')
    history = user.find(marker='history-table').elements.pop()
    assert [r['message'] for r in history.rows] == ['bot_stopped: Bot gestoppt (test)']
    (trigger,) = system().alerts.history().triggers
    assert trigger.message == 'bot_stopped: bot stopped (test)', 'the history keeps the English for the API'
    stored = system().store.events(type_=EventType.ALERT_TRIGGERED.value, limit=5)
    assert [e.data['message'] for e in stored] == ['bot_stopped: bot stopped (test)'], 'and so does the event'
