"""The alerts REST API over a real server: the issue's create body, read/update/snooze/duplicate/delete, channels
(masked, in use), 'send test' results, history and acknowledgement, validation, and viewer vs operator."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from oracle_ui.events import EventType

from .apiserver import api_client as client
from .apiserver import running_server
from .helpers import eventually
from .receivers import closed_port, json_hook

BODY = {
    'name': 'btc above 70k',
    'rule': {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_above', 'value': 70000},
    'channels': ['json://127.0.0.1:9999/hook'],
    'cooldown_s': 300,
}


@pytest.fixture
def server(secured_server):
    return secured_server


async def test_the_issues_body_creates_a_price_alert(server) -> None:
    async with client(server, server.operator) as api:
        created = await api.post('/alerts', json=BODY)
        assert created.status_code == 201, created.text
        alert = created.json()
        assert alert['id'] >= 1 and alert['name'] == 'btc above 70k' and alert['owner'] == 'token:ops'
        assert alert['rule'] == {**BODY['rule'], 'value': 70000.0, 'window_s': None}
        assert alert['enabled'] is True and alert['severity'] == 'warning' and alert['cooldown_s'] == 300
        assert alert['state'] == 'armed' and alert['snoozed_until'] is None
        assert alert['channels'] == [{'id': 1, 'name': 'JSON 127.0.0.1 9999', 'masked': 'json://127.0.0.1:9999/hook'}]
        assert (await api.get(f'/alerts/{alert["id"]}')).json() == alert
        assert [a['id'] for a in (await api.get('/alerts')).json()] == [alert['id']]
        again = await api.post('/alerts', json={**BODY, 'channels': ['JSON 127.0.0.1 9999']})
        assert again.json()['channels'] == alert['channels'], 'by name: the same stored channel'
        inline = await api.post('/alerts', json=BODY)
        assert inline.json()['channels'][0]['id'] == 1, 'the same URL again: reused, not stored twice'
        assert len((await api.get('/alert-channels')).json()) == 1


async def test_a_daily_summary_is_created_as_an_info_alert(server) -> None:
    rule = {'kind': 'summary', 'every': 'day', 'at': '18:00', 'timezone': 'Europe/Berlin'}
    async with client(server, server.operator) as api:
        created = await api.post('/alerts', json={'name': 'evening summary', 'rule': rule})
        assert created.status_code == 201, created.text
        alert = created.json()
        assert alert['rule'] == {**rule, 'weekday': None} and alert['severity'] == 'info' and alert['state'] == 'armed'
        loud = await api.post('/alerts', json={'name': 'loud', 'rule': rule, 'severity': 'critical'})
        assert loud.json()['severity'] == 'critical'


async def test_update_snooze_duplicate_and_delete(server) -> None:
    async with client(server, server.operator) as api:
        alert = (await api.post('/alerts', json=BODY)).json()
        path = f'/alerts/{alert["id"]}'
        changed = (await api.patch(path, json={'enabled': False, 'severity': 'critical', 'name': 'btc'})).json()
        assert (changed['enabled'], changed['severity'], changed['name'], changed['state']) == (
            False,
            'critical',
            'btc',
            'disabled',
        )
        snoozed = (await api.patch(path, json={'enabled': True, 'snooze_s': 3600})).json()
        assert snoozed['state'] == 'snoozed' and snoozed['snoozed_until'] == pytest.approx(server.clock.time() + 3600)
        assert (await api.patch(path, json={'snooze_s': 0})).json()['state'] == 'armed'
        copy = await api.post(f'{path}/duplicate')
        assert copy.status_code == 201 and copy.json()['name'] == 'btc (copy)' and copy.json()['enabled'] is False
        assert (await api.delete(path)).status_code == 204
        assert (await api.get(path)).status_code == 404
        assert (await api.delete(path)).json() == {'detail': f'no alert {alert["id"]}'}
    actions = [e.data['action'] for e in server.system.bus.recent(type_=EventType.USER_ACTION, limit=100)]
    assert actions == [
        'create_channel',
        'create_alert',
        'update_alert',
        'update_alert',
        'update_alert',
        'create_alert',
        'delete_alert',
    ]


async def test_channels_are_masked_tested_and_kept_while_in_use(server) -> None:
    with json_hook() as hook:
        async with client(server, server.operator) as api:
            made = await api.post(
                '/alert-channels', json={'name': 'ops-hook', 'url': hook.url + '?-X-Token=s3cr3t-v4lue'}
            )
            assert made.status_code == 201, made.text
            channel = made.json()
            assert channel['masked'] == hook.url and 's3cr3t' not in made.text and channel['service'] == 'JSON'
            tested = (await api.post(f'/alert-channels/{channel["id"]}/test')).json()
            assert tested['ok'] is True and tested['error'] == '' and tested['channel'] == 'ops-hook'
            await eventually(lambda: hook.bodies, what='the test message')
            assert hook.bodies[0]['title'] == 'Oracle Trader: test'
            dead = await api.post('/alert-channels', json={'name': 'dead', 'url': f'json://127.0.0.1:{closed_port()}'})
            failed = (await api.post(f'/alert-channels/{dead.json()["id"]}/test')).json()
            assert failed['ok'] is False and 'Connection refused' in failed['error']
            listed = {c['name']: c for c in (await api.get('/alert-channels')).json()}
            assert (listed['ops-hook']['sent'], listed['dead']['failed'], listed['dead']['last_status']) == (
                1,
                1,
                'failed',
            )
            alert = (await api.post('/alerts', json={**BODY, 'channels': ['ops-hook', 'dead']})).json()
            results = (await api.post(f'/alerts/{alert["id"]}/test')).json()
            assert [(r['channel'], r['ok']) for r in results] == [('ops-hook', True), ('dead', False)]
            refused = await api.delete(f'/alert-channels/{channel["id"]}')
            assert refused.status_code == 409 and 'used by: btc above 70k' in refused.json()['detail']
            renamed = await api.patch(f'/alert-channels/{channel["id"]}', json={'name': 'team', 'rate_limit': 3})
            assert (renamed.json()['name'], renamed.json()['rate_limit']) == ('team', 3)
            assert (await api.get(f'/alerts/{alert["id"]}')).json()['channels'][0]['name'] == 'team'
            await api.delete(f'/alerts/{alert["id"]}')
            assert (await api.delete(f'/alert-channels/{channel["id"]}')).status_code == 204


BAD_ALERTS = [
    ({**BODY, 'rule': {**BODY['rule'], 'symbol': 'DOGE/USDT'}}, "unknown symbol 'DOGE/USDT'; traded: BTC/USDT"),
    ({**BODY, 'rule': {**BODY['rule'], 'op': 'sideways'}}, "rule.price.op: Input should be 'above'"),
    ({**BODY, 'rule': {'kind': 'weather'}}, "rule: Input tag 'weather' found using 'kind' does not match"),
    ({**BODY, 'channels': ['bogus://x']}, 'not a usable Apprise URL'),
    ({**BODY, 'cooldown_s': -1}, 'cooldown_s: Input should be greater than or equal to 0'),
    ({'rule': BODY['rule']}, 'name: Field required'),
    (
        {**BODY, 'rule': {'kind': 'summary', 'every': 'day', 'at': '25:00', 'timezone': 'Europe/Berlin'}},
        'rule.summary.at: String should match pattern',
    ),
    (
        {**BODY, 'rule': {'kind': 'summary', 'every': 'day', 'at': '18:00', 'timezone': 'Mars/Olympus'}},
        "rule.summary.timezone: Value error, unknown timezone 'Mars/Olympus'",
    ),
    (
        {**BODY, 'rule': {'kind': 'indicator', 'symbol': 'BTC/USDT', 'left': 'rsi:1', 'op': 'above', 'right': 70}},
        'rsi period must be between 2 and 1000',
    ),
    (
        {
            **BODY,
            'rule': {
                'kind': 'indicator',
                'symbol': 'BTC/USDT',
                'timeframe': '7m',
                'left': 'close',
                'op': 'above',
                'right': 'ema:50',
            },
        },
        "timeframe '7m' is not one of 1m, 5m, 15m, 1h, 4h, 1d",
    ),
]
"""Bodies the API refuses, each with what its 422 says."""


async def test_bad_alerts_are_422s_naming_the_problem(tmp_path) -> None:
    async with running_server(tmp_path, symbols='BTC/USDT') as server, httpx.AsyncClient(base_url=server.base) as api:
        for body, problem in BAD_ALERTS:  # one server for all: a refusal changes nothing
            refused = await api.post('/dashboard/api/alerts', json=body)
            assert refused.status_code == 422 and problem in refused.json()['detail'], (body, refused.text)
        assert (await api.get('/dashboard/api/alerts')).json() == []


async def test_an_unknown_channel_name_is_a_404_and_a_usable_url_is_stored_once(tmp_path) -> None:
    async with running_server(tmp_path, symbols='BTC/USDT') as server, httpx.AsyncClient(base_url=server.base) as api:
        missing = await api.post('/dashboard/api/alerts', json={**BODY, 'channels': ['nobody']})
        assert missing.status_code == 404 and "no channel named 'nobody'" in missing.json()['detail']
        made = [await api.post('/dashboard/api/alerts', json={**BODY, 'name': f'n{k}'}) for k in range(2)]
        assert [m.status_code for m in made] == [201, 201]
        assert len((await api.get('/dashboard/api/alert-channels')).json()) == 1, 'one channel for one URL'
        rated = await api.post('/dashboard/api/alert-channels', json={'name': 'hook', 'url': BODY['channels'][0] + '2'})
        assert rated.status_code == 201
        changed = await api.patch(f'/dashboard/api/alert-channels/{rated.json()["id"]}', json={'rate_limit': 44.0})
        assert changed.status_code == 200 and changed.json()['rate_limit'] == 44, 'JSON has one number type'
        half = await api.patch(f'/dashboard/api/alert-channels/{rated.json()["id"]}', json={'rate_limit': 4.5})
        assert half.status_code == 422


async def test_a_preview_checks_the_symbol_as_saving_does(tmp_path) -> None:
    rule = {'kind': 'event', 'types': ['bot_error'], 'symbol': 'AAA'}
    async with running_server(tmp_path, symbols='BTC/USDT') as server, httpx.AsyncClient(base_url=server.base) as api:
        refused = await api.post('/dashboard/api/alerts/preview', json={'rule': rule})
        assert refused.status_code == 422 and "unknown symbol 'AAA'" in refused.json()['detail']
        seen = await api.post('/dashboard/api/alerts/preview', json={'rule': {**rule, 'symbol': 'btc-usdt'}})
        assert seen.status_code == 200, seen.text


async def test_a_daily_summary_keeps_no_weekday(tmp_path) -> None:
    body = {**BODY, 'rule': {'kind': 'summary', 'every': 'day', 'at': '18:00', 'weekday': 3}}
    async with running_server(tmp_path, symbols='BTC/USDT') as server, httpx.AsyncClient(base_url=server.base) as api:
        made = await api.post('/dashboard/api/alerts', json=body)
        assert made.status_code == 201 and made.json()['rule']['weekday'] is None, made.text


async def test_history_and_acknowledgement(server) -> None:
    with json_hook() as hook:
        async with client(server, server.operator) as api:
            rule = {'kind': 'event', 'types': ['bot_started', 'bot_stopped']}
            alert = (
                await api.post('/alerts', json={'name': 'bot', 'rule': rule, 'channels': [hook.url], 'cooldown_s': 0})
            ).json()
            await api.post('/bot-control/stop')
            await api.post('/bot-control/start')
            await eventually(lambda: len(hook.bodies) == 2, what='both webhooks')
            await eventually(lambda: len(server.system.bus.recent(type_=EventType.ALERT_DELIVERED)) == 2)
            page = (await api.get('/alerts/history')).json()
            assert page['total'] == 2 and page['unread'] == 2
            newest, oldest = page['triggers']
            assert newest['message'].startswith('bot_started: bot running') and newest['alert_id'] == alert['id']
            assert newest['channels'][0]['status'] == 'sent' and newest['channels'][0]['attempts'] == 1
            assert (await api.get('/alerts/history', params={'search': 'bot_stopped'})).json()['total'] == 1
            assert (await api.get(f'/alerts/{alert["id"]}/history')).json()['total'] == 2
            done = (await api.post('/alerts/history/acknowledge', json={'ids': [oldest['id']]})).json()
            assert done == {'acknowledged': 1, 'unread': 1}
            assert (await api.get('/alerts/history', params={'unacknowledged': True})).json()['total'] == 1
            assert (await api.post('/alerts/history/acknowledge', json={})).json() == {'acknowledged': 1, 'unread': 0}
            acked = (await api.get('/alerts/history')).json()['triggers'][0]
            assert acked['acknowledged_by'] == 'token:ops'
            stored = server.system.store.events(type_='alert_triggered', limit=10)
            assert [e.id for e in stored] == [oldest['id'], newest['id']], 'alert_triggered is a stored event'


async def test_viewers_read_alerts_but_cannot_change_them(server) -> None:
    async with client(server, server.operator) as operator, client(server, server.viewer) as viewer:
        alert = (await operator.post('/alerts', json=BODY)).json()
        assert (await viewer.get('/alerts')).status_code == 200
        assert (await viewer.get(f'/alerts/{alert["id"]}')).json()['channels'][0]['masked'].startswith('json://')
        assert (await viewer.get('/alert-channels')).status_code == 200
        assert (await viewer.get('/alerts/history')).status_code == 200
        for method, path, body in [
            ('post', '/alerts', BODY),
            ('patch', f'/alerts/{alert["id"]}', {'enabled': False}),
            ('delete', f'/alerts/{alert["id"]}', None),
            ('post', f'/alerts/{alert["id"]}/test', None),
            ('post', f'/alerts/{alert["id"]}/duplicate', None),
            ('post', '/alert-channels', {'name': 'x', 'url': 'json://127.0.0.1:1'}),
            ('post', '/alert-channels/1/test', None),
            ('post', '/alerts/history/acknowledge', {}),
        ]:
            refused = await viewer.request(method, path, json=body)
            assert refused.status_code == 403, (method, path, refused.text)
            assert refused.json()['detail'].startswith('forbidden: token:dash-viewer has the viewer role')
    denied = [e.data for e in server.system.bus.recent(type_=EventType.USER_ACTION, limit=100)]
    assert sum(1 for d in denied if d['result'] == 'denied') == 8


async def test_the_schema_lists_the_alert_operations(server) -> None:
    async with httpx.AsyncClient(base_url=server.base, headers={'Authorization': f'Bearer {server.viewer}'}) as api:
        schema = (await api.get('/openapi.json')).json()
    paths, models = schema['paths'], schema['components']['schemas']
    indicator = models['IndicatorRule']['properties']
    assert indicator['timeframe']['enum'] == ['1m', '5m', '15m', '1h', '4h', '1d'], 'the charted timeframes'
    assert re.fullmatch(indicator['symbol']['pattern'], 'eth-usdt'), 'a traded symbol, spelled as people do'
    assert not re.fullmatch(indicator['symbol']['pattern'], 'DOGE/USDT')
    assert 'x-oracle-values' not in json.dumps(schema), 'every configured value is stated'
    assert set(paths['/dashboard/api/alerts']) == {'get', 'post'}
    assert set(paths['/dashboard/api/alerts/{alert_id}']) == {'get', 'patch', 'delete'}
    assert {
        '/dashboard/api/alerts/{alert_id}/test',
        '/dashboard/api/alerts/history',
        '/dashboard/api/alert-channels',
        '/dashboard/api/alert-channels/{channel_id}/test',
    } <= set(paths)
