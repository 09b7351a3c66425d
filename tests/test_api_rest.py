"""The REST API over a real socket with httpx."""

import asyncio
import itertools
import sqlite3

import httpx
import pytest

from .apiserver import running_server
from .helpers import advance_until


async def test_dashboard_data_has_the_original_fields_with_real_values(server, http) -> None:
    data = (await http.get('/dashboard-data')).json()
    for field in (
        'timestamp',
        'bot_status',
        'active_positions',
        'total_trades',
        'daily_pnl',
        'total_balance',
        'market_data',
        'recent_trades',
        'system_health',
        'account_overview',
    ):
        assert field in data, field
    assert data['bot_status'] == 'running'
    engine = server.system.engine
    assert set(data['market_data']) == set(engine.symbols)
    assert all(q['price'] > 0 for q in data['market_data'].values())
    assert data['total_balance'] == pytest.approx(engine.broker.balance, rel=1e-6)
    assert data['account_overview'][0]['currency'] == 'USDT'
    assert set(data['system_health']) == {'cpu_usage', 'memory_usage', 'disk_usage', 'websocket_connections'}
    assert data['bot']['strategy'] == 'regime' and data['bot']['feed_status'] == 'live'


async def test_trading_metrics_and_system_status(server, http) -> None:
    await advance_until(server.clock, lambda: server.system.store.count_trades(closed_only=True), what='a trade')
    metrics = (await http.get('/trading-metrics')).json()
    for field in (
        'total_trades',
        'profitable_trades',
        'losing_trades',
        'win_rate',
        'total_pnl',
        'average_pnl_per_trade',
        'max_profit',
        'max_loss',
        'max_drawdown',
    ):
        assert field in metrics, field
    trades = server.system.store.trades(closed_only=True)
    assert metrics['total_trades'] == len(trades) >= 1
    assert metrics['total_pnl'] == pytest.approx(sum(t.pnl for t in trades), rel=1e-9)
    assert metrics['profitable_trades'] + metrics['losing_trades'] <= metrics['total_trades']
    assert metrics['fees'] > 0
    status = (await http.get('/system-status')).json()
    assert status['bot_running'] is True and status['uptime'] > 0 and status['database_size_bytes'] > 0
    assert status['feed'] == {'name': 'sim', 'status': 'live', 'message': 'simulated market x60'}
    assert set(status) >= {
        'cpu_usage',
        'memory_usage',
        'websocket_connections',
        'last_update',
        'threads',
        'process_rss_mb',
        'event_loop_lag_ms',
    }


async def test_bot_control_is_idempotent_serialized_and_rejects_unknown_actions(server, http) -> None:
    stop = await http.post('/bot-control/stop')
    assert stop.status_code == 200 and stop.json()['state'] == 'stopped' and stop.json()['success']
    again = await http.post('/bot-control/stop')
    assert again.status_code == 200 and again.json()['message'] == 'bot is already stopped'
    bad = await http.post('/bot-control/explode')
    assert bad.status_code == 400 and bad.json()['detail'] == "unknown action 'explode'; allowed: start, stop, restart"
    results = await asyncio.gather(*(http.post(f'/bot-control/{a}') for a in ['start', 'restart', 'start', 'stop']))
    assert [r.status_code for r in results] == [200] * 4
    assert (await http.get('/dashboard-data')).json()['bot_status'] == server.system.controller.state.value


async def test_close_one_and_close_all_positions(server, http) -> None:
    await advance_until(server.clock, lambda: server.system.engine.broker.positions, what='an open position')
    data = (await http.get('/dashboard-data')).json()  # the market stands still until the clock moves again
    symbol = data['positions'][0]['symbol']
    closed = await http.post(f'/positions/{symbol.replace("/", "-")}/close')
    assert closed.status_code == 200 and closed.json()['closed'][0]['symbol'] == symbol
    assert closed.json()['closed'][0]['status'] == 'CLOSED_MANUAL'
    missing = await http.post(f'/positions/{symbol}/close')
    assert missing.status_code == 404 and missing.json()['detail'] == f'no open position on {symbol}'
    assert (await http.post('/positions/DOGE-USDT/close')).status_code == 404
    await http.post('/bot-control/stop')
    everything = await http.post('/positions/close-all')
    assert everything.status_code == 200 and everything.json()['success']
    assert (await http.get('/dashboard-data')).json()['active_positions'] == 0


async def test_events_history_filters_and_pages(server, http) -> None:
    await server.clock.advance(1)
    await http.post('/bot-control/stop')
    await server.clock.advance(1)  # events are stamped with the clock's time
    await http.post('/bot-control/start')
    page = (await http.get('/events', params={'topic': 'bot_status', 'limit': 2})).json()
    assert page['count'] == 2 and all(e['topic'] == 'bot_status' for e in page['events'])
    assert page['next_since_id'] == page['events'][-1]['id']
    following = (await http.get('/events', params={'topic': 'bot_status', 'since_id': page['next_since_id']})).json()
    assert following['events'][0]['id'] > page['events'][-1]['id']
    typed = (await http.get('/events', params={'type': 'bot_stopped'})).json()
    assert typed['count'] >= 1 and {e['type'] for e in typed['events']} == {'bot_stopped'}
    middle = typed['events'][0]['timestamp']
    later = (await http.get('/events', params={'since': middle, 'topic': 'bot_status'})).json()['events']
    earlier = (await http.get('/events', params={'until': middle, 'topic': 'bot_status'})).json()['events']
    assert later and all(e['timestamp'] >= middle for e in later)
    assert earlier and all(e['timestamp'] < middle for e in earlier)
    assert (await http.get('/events', params={'topic': 'weather'})).status_code == 422
    assert (await http.get('/events', params={'limit': 0})).status_code == 422


async def test_candles_with_indicators_and_trades(server, http) -> None:
    body = (await http.get('/candles', params={'symbol': 'ETH/USDT', 'limit': 50})).json()
    assert len(body['candles']) == 50
    assert all(len(v) == 50 for v in body['indicators'].values())
    assert {'ema_10', 'ema_20', 'ema_50', 'bb_upper', 'bb_middle', 'bb_lower'} <= set(body['indicators'])
    assert body['indicators']['ema_10'][-1] is not None, 'warmed up from earlier history'
    times = [c['time'] for c in body['candles']]
    assert times == sorted(times) and all(b - a == 60 for a, b in itertools.pairwise(times))
    five = (await http.get('/candles', params={'symbol': 'ETH-USDT', 'timeframe': '5m', 'limit': 5})).json()
    assert all(c['time'] % 300 == 0 for c in five['candles'])
    assert (await http.get('/candles', params={'symbol': 'ETH/USDT', 'timeframe': '90s'})).status_code == 400
    assert (await http.get('/candles', params={'symbol': 'ETH/USDT', 'timeframe': 'soon'})).status_code == 400
    assert (await http.get('/candles', params={'symbol': 'NOPE'})).status_code == 404
    assert (await http.get('/candles')).status_code == 422


async def test_test_events_reach_the_bus_unchanged_but_are_not_stored_or_traded(server, http, tmp_path) -> None:
    plain = await http.post('/emit-test-event')
    assert plain.status_code == 200 and plain.json()['type'] == 'notification'
    payload = {'symbol': 'BTC/USDT', 'price': 1.0, 'sent_at': 123.456, 'nested': {'k': [1, 2]}}
    sent = await http.post('/emit-test-event', json={'type': 'price_update', 'data': payload})
    assert sent.status_code == 200
    event = next(e for e in server.system.bus.history if e.id == sent.json()['event_id'])
    assert event.data == payload and event.test and event.source == 'test'
    for _ in range(5):  # several ticks later the real price is still reported
        await server.clock.advance(0.5)
        assert (await http.get('/dashboard-data')).json()['market_data']['BTC/USDT']['price'] > 1000
    stored = sqlite3.connect(tmp_path / 'oracle.db').execute(
        'select count(*) from events where id in (?, ?)', (plain.json()['event_id'], sent.json()['event_id'])
    )
    assert stored.fetchone() == (0,)
    assert (await http.post('/emit-test-event', json={'type': 'nope'})).status_code == 422
    assert (await http.post('/emit-test-event', json={'type': 'notification', 'data': [1]})).status_code == 422
    assert (await http.post('/emit-test-event', content=b'{not json')).status_code == 422
    huge = {'type': 'notification', 'data': {'x': 'a' * 70_000}}
    assert (await http.post('/emit-test-event', json=huge)).status_code == 413


async def test_token_is_required_when_configured(tmp_path) -> None:
    async with (
        running_server(tmp_path, api_token='s3cret-token') as server,
        httpx.AsyncClient(base_url=server.base + '/dashboard/api') as http,
    ):
        assert (await http.get('/system-status')).status_code == 401
        wrong = await http.get('/system-status', headers={'Authorization': 'Bearer nope'})
        assert wrong.status_code == 401 and wrong.headers['www-authenticate'] == 'Bearer'
        ok = await http.get('/system-status', headers={'Authorization': 'Bearer s3cret-token'})
        assert ok.status_code == 200


async def test_settings_are_validated_applied_persisted_and_audited(server, http, tmp_path) -> None:
    current = (await http.get('/settings')).json()
    assert current['settings']['strategy'] == 'regime' and 'sma_cross' in current['strategies']
    assert 'fast=10' in current['strategies']['sma_cross']
    changed = await http.put(
        '/settings',
        json={'strategy': 'sma_cross', 'strategy_params': {'fast': 5, 'slow': 12}, 'risk': {'max_positions': 2}},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()['settings']
    assert body['strategy'] == 'sma_cross' and body['strategy_params'] == {'fast': 5, 'slow': 12}
    assert body['risk']['max_positions'] == 2 and body['risk']['fixed_margin'] == 10
    assert server.system.engine.strategy.name == 'sma_cross' and server.system.engine.risk.settings.max_positions == 2
    audit = (await http.get('/events', params={'type': 'settings_changed'})).json()['events'][-1]
    assert audit['topic'] == 'audit' and audit['data']['actor'] == 'local'
    assert audit['data']['details']['changes']['strategy'] == {'from': 'regime', 'to': 'sma_cross'}
    for bad, status, message in (
        ({'strategy': 'nope'}, 422, "strategy: Input should be 'regime'"),
        ({'strategy_params': {'fast': 'x'}}, 422, "fast: 'x' is not a number"),
        ({'strategy_params': {'fast': 50}}, 409, 'fast (50) must be smaller than slow (12)'),
        ({'strategy_params': {'adx_period': 9}}, 409, 'for sma_cross: adx_period'),  # regime's, not the running one's
        ({'risk': {'max_positions': 0}}, 422, 'risk.max_positions'),
        ({'risk': {'max_positions': None}}, 422, 'risk.max_positions'),
        ({'risk': {'sizing': 'yolo'}}, 422, 'risk.sizing'),
        ({'colour': 'red'}, 422, 'Extra inputs'),
    ):
        response = await http.put('/settings', json=bad)
        assert response.status_code == status and message in str(response.json()['detail']), (bad, response.text)
    assert server.system.engine.strategy.name == 'sma_cross', 'a rejected change changes nothing'
    await server.system.stop()
    from oracle_ui.settings import Settings
    from oracle_ui.system import build_system

    again = build_system(Settings(data_dir=tmp_path, autostart=False, _env_file=None))
    await again.start()
    assert again.engine.strategy.name == 'sma_cross' and again.engine.risk.settings.max_positions == 2
    await again.stop()


async def test_a_method_a_path_lacks_is_answered_with_every_method_it_has(server, http) -> None:
    for path, allowed in (('/settings', 'GET, PUT'), ('/candles', 'GET'), ('/bot-control/stop', 'POST')):
        response = await http.request('DELETE', path)
        assert response.status_code == 405 and response.headers['allow'] == allowed, path
    assert (await http.options('/settings')).headers['allow'] == 'GET, PUT'
