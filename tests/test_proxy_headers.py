"""Forwarded client addresses count only from trusted proxies (against the real app in a subprocess)."""

import httpx
import pytest

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from .liveapp import live_app


def operator_token(data_dir) -> str:
    store = Store(data_dir / 'oracle.db')
    token = Accounts(store.engine).add_token('ops', Role.OPERATOR)
    store.close()
    return token


def audit_origins(base: str, token: str) -> list[str]:
    events = httpx.get(
        base + '/dashboard/api/events', params={'topic': 'audit', 'limit': 100}, headers={'Authorization': token}
    ).json()['events']
    return [e['data']['origin'] for e in events]


@pytest.mark.slow
def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path) -> None:
    data_dir = tmp_path / 'data'
    token = f'Bearer {operator_token(data_dir)}'
    with live_app(data_dir) as base:
        api = base + '/dashboard/api'
        stop = httpx.post(api + '/bot-control/stop', headers={'Authorization': token, 'X-Forwarded-For': '10.9.9.9'})
        assert stop.status_code == 200
        assert [o.split(':')[0] for o in audit_origins(base, token)] == ['127.0.0.1']
        redirect = httpx.get(base + '/settings', headers={'X-Forwarded-Prefix': '//evil.example'})
        assert redirect.headers['location'] == '/login?redirect_to=/settings'
        for _ in range(5):
            assert httpx.get(api + '/dashboard-data', headers={'Authorization': 'Bearer wrong'}).status_code == 401
        for forged in ('10.1.1.1', '10.1.1.2', '10.1.1.3, 10.1.1.4'):
            locked = httpx.get(api + '/dashboard-data', headers={'Authorization': token, 'X-Forwarded-For': forged})
            assert locked.status_code == 429, forged
    # behind a proxy that is trusted, each forwarded client is its own
    with live_app(tmp_path / 'proxied', ORACLE_TRUSTED_PROXIES='127.0.0.1', ORACLE_API_TOKEN=token[7:]) as base:
        api = base + '/dashboard/api'
        for _ in range(5):
            wrong = httpx.get(
                api + '/dashboard-data', headers={'Authorization': 'Bearer x', 'X-Forwarded-For': '10.1.1.1'}
            )
            assert wrong.status_code == 401
        locked = httpx.get(api + '/dashboard-data', headers={'Authorization': token, 'X-Forwarded-For': '10.1.1.1'})
        assert locked.status_code == 429
        other = httpx.post(api + '/bot-control/stop', headers={'Authorization': token, 'X-Forwarded-For': '10.2.2.2'})
        assert other.status_code == 200
        assert [o.split(':')[0] for o in audit_origins(base, token)] == ['10.2.2.2']
