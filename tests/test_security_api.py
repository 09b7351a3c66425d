"""Accounts, roles, throttling and the HTTP/WebSocket guard, over real sockets."""

import argparse
import io
import secrets
import sqlite3

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from oracle_ui import cli
from oracle_ui.cli.serve import add_serve_arguments, settings_from_args
from oracle_ui.security.accounts import AccountError, Accounts, Role
from oracle_ui.settings import Settings
from oracle_ui.store import Store

from .apiserver import api_client as client
from .apiserver import running_server
from .helpers import FakeClock

PASSWORD = 'correct horse battery staple'


def serve_flags() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    return parser


def test_passwords_and_tokens_are_stored_only_as_hashes(tmp_path) -> None:
    store = Store(tmp_path / 'oracle.db')
    accounts = Accounts(store.engine)
    accounts.add_user('alice', PASSWORD, Role.OPERATOR)
    token = accounts.add_token('ci', Role.VIEWER)
    with pytest.raises(AccountError, match='too short'):
        accounts.add_user('bob', 'short', Role.VIEWER)
    with pytest.raises(AccountError, match='too easy'):
        accounts.add_user('bob', 'password123', Role.VIEWER)
    with pytest.raises(AccountError, match='invalid name'):
        accounts.add_user('<script>', PASSWORD, Role.VIEWER)
    assert accounts.verify_password('alice', PASSWORD).role is Role.OPERATOR
    assert accounts.verify_password('alice', PASSWORD + 'x') is None
    assert accounts.verify_password('nobody', PASSWORD) is None
    assert accounts.token_principal(token).name == 'ci' and accounts.token_principal(token + 'x') is None
    store.close()
    with sqlite3.connect(tmp_path / 'oracle.db') as db:
        db.execute('PRAGMA wal_checkpoint(FULL)')
    raw = (tmp_path / 'oracle.db').read_bytes()
    assert PASSWORD.encode() not in raw and token.encode() not in raw
    assert b'$argon2id$' in raw


def test_cli_manages_users_and_tokens_and_exposure_needs_one(tmp_path, monkeypatch, capsys) -> None:
    data = str(tmp_path / 'd')
    with pytest.raises(ValueError, match='oracle-trader users add NAME --role operator'):
        settings_from_args(serve_flags().parse_args(['--host', '0.0.0.0', '--data-dir', data]))
    monkeypatch.setattr('sys.stdin', io.StringIO(PASSWORD + '\n'))
    assert cli.main(['users', 'add', 'alice', '--role', 'operator', '--password-stdin', '--data-dir', data]) == 0
    assert oct((tmp_path / 'd').stat().st_mode & 0o777) == '0o700'  # password hashes: for the owner only
    assert oct((tmp_path / 'd' / 'oracle.db').stat().st_mode & 0o777) == '0o600'
    assert cli.main(['tokens', 'add', 'ci', '--data-dir', data]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith('ot_') and len(token) > 40
    assert cli.main(['users', 'list', '--data-dir', data]) == 0
    assert cli.main(['tokens', 'list', '--data-dir', data]) == 0
    listing = capsys.readouterr().out
    assert 'alice' in listing and 'operator' in listing and 'ci' in listing and token not in listing
    settings = settings_from_args(serve_flags().parse_args(['--host', '0.0.0.0', '--data-dir', data]))
    assert settings.host == '0.0.0.0'
    assert cli.main(['tokens', 'remove', 'ci', '--data-dir', data]) == 0
    assert cli.main(['users', 'remove', 'nobody', '--data-dir', data]) == 1
    monkeypatch.setattr('sys.stdin', io.StringIO('weak\n'))
    assert cli.main(['users', 'add', 'bob', '--password-stdin', '--data-dir', data]) == 2
    assert 'password too short' in capsys.readouterr().err


async def test_viewer_tokens_read_but_cannot_control_and_denials_are_audited(secured_server) -> None:
    async with (
        client(secured_server, secured_server.viewer) as viewer,
        client(secured_server, secured_server.operator) as operator,
    ):
        assert (await viewer.get('/dashboard-data')).status_code == 200
        for method, path, body in (
            ('POST', '/bot-control/stop', None),
            ('POST', '/positions/close-all', None),
            ('PUT', '/settings', {'risk': {'max_positions': 1}}),
            ('POST', '/emit-test-event', None),
        ):
            refused = await viewer.request(method, path, json=body)
            assert refused.status_code == 403, path
            assert refused.json()['detail'] == (
                'forbidden: token:dash-viewer has the viewer role; this needs an operator'
            )
        assert secured_server.system.controller.state.value == 'running'
        assert secured_server.system.engine.risk.settings.max_positions != 1
        stopped = await operator.post('/bot-control/stop')
        assert stopped.status_code == 200 and stopped.json()['state'] == 'stopped'
        audit = (await operator.get('/events', params={'topic': 'audit', 'limit': 100})).json()['events']
        denied = [e['data'] for e in audit if e['data']['result'] == 'denied']
        assert [d['action'] for d in denied] == ['stop', 'close_all', 'change_settings', 'emit_test_event']
        assert all(d['actor'] == 'token:dash-viewer' and d['origin'].startswith('127.0.0.1:') for d in denied)
        done = [e['data'] for e in audit if e['data']['result'] == 'ok']
        assert done[-1]['actor'] == 'token:ops' and done[-1]['action'] == 'stop'


async def test_repeated_bad_tokens_lock_the_client_out_for_a_minute(secured_server) -> None:
    clock = FakeClock(1000.0)
    secured_server.system.access.throttle.clock = clock.time
    async with client(secured_server, 'wrong') as bad, client(secured_server, secured_server.operator) as good:
        for _ in range(5):
            assert (await bad.get('/dashboard-data')).status_code == 401
        locked = await good.get('/dashboard-data')
        assert locked.status_code == 429 and locked.headers['retry-after'] == '60'
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f'{secured_server.ws_base}/dashboard/ws/monitor?token={secured_server.operator}'):
                pass
        assert refused.value.response.status_code == 403
        clock.now += 61
        assert (await good.get('/dashboard-data')).status_code == 200


async def test_cross_site_requests_and_foreign_hosts_are_refused(tmp_path) -> None:
    async with running_server(tmp_path) as server:  # no login configured: the guard is what stands in the way
        async with client(server, Origin='https://evil.example') as evil:
            refused = await evil.post('/bot-control/stop')
            assert refused.status_code == 403 and refused.json()['detail'] == 'cross-site request refused'
        async with client(server, **{'Sec-Fetch-Site': 'cross-site'}) as evil:
            assert (await evil.post('/positions/close-all')).status_code == 403
        assert server.system.controller.state.value == 'running'
        async with client(server, Host='rebound.evil.example') as rebound:
            assert (await rebound.get('/dashboard-data')).status_code == 400
        with pytest.raises(InvalidStatus) as ws_refused:
            async with connect(f'{server.ws_base}/dashboard/ws/monitor', origin='https://evil.example'):
                pass
        assert ws_refused.value.response.status_code == 403
        own_origin = server.base
        async with client(server, Origin=own_origin) as same:
            response = await same.post('/bot-control/stop')
            assert response.status_code == 200 and response.json()['state'] == 'stopped'
            assert 'access-control-allow-origin' not in response.headers  # CORS off without an allow-list
            for header, value in (
                ('x-content-type-options', 'nosniff'),
                ('x-frame-options', 'DENY'),
                ('cache-control', 'no-store'),
                ('referrer-policy', 'same-origin'),
            ):
                assert response.headers[header] == value
            assert "frame-ancestors 'none'" in response.headers['content-security-policy']
        async with connect(f'{server.ws_base}/dashboard/ws/monitor', origin=own_origin) as ws:
            assert 'connection_established' in await ws.recv()


async def test_cors_allow_list_and_body_limits(tmp_path) -> None:
    async with running_server(tmp_path, cors_origins='https://desk.example', max_body_bytes=4096) as server:
        async with client(server, Origin='https://desk.example') as desk:
            preflight = await desk.options('/bot-control/stop', headers={'Access-Control-Request-Method': 'POST'})
            assert preflight.headers['access-control-allow-origin'] == 'https://desk.example'
            assert (await desk.post('/bot-control/stop')).status_code == 200
        async with client(server) as plain:
            big = await plain.post(
                '/emit-test-event',
                content=b'{"type": "notification", "data": {"x": "' + b'a' * 5000 + b'"}}',
                headers={'Content-Type': 'application/json'},
            )
            assert big.status_code == 413 and big.json()['detail'] == 'request body over 4096 bytes'

            async def chunks():
                for _ in range(10):
                    yield b' ' * 1000

            streamed = await plain.post('/emit-test-event', content=chunks())
            assert streamed.status_code == 413


def test_settings_reject_bad_origins_and_warn_about_weak_tokens() -> None:
    with pytest.raises(ValueError, match='invalid origin'):
        Settings(cors_origins='javascript:alert(1)', _env_file=None)
    with pytest.raises(ValueError, match='invalid proxy address'):
        Settings(trusted_proxies='127.0.0.1,proxy.example', _env_file=None)
    assert Settings(trusted_proxies=' 127.0.0.1, 10.0.0.0/8', _env_file=None).trusted_proxies == [
        '127.0.0.1/32',
        '10.0.0.0/8',
    ]
    from oracle_ui.security.access import weak_secret_warnings

    assert weak_secret_warnings('changeme') and not weak_secret_warnings(secrets.token_urlsafe(32))
