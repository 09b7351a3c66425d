"""``GET trades`` and ``GET positions`` over a real server whose bot replayed a CSV to the end (a fixed state)."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, datetime

import httpx
import pytest

from oracle_ui import views
from oracle_ui.engine.bars import format_time, load_bars
from oracle_ui.engine.feed import FeedStatus, ReplayFeed
from oracle_ui.security.accounts import Role
from oracle_ui.settings import RiskSettings

from .apiserver import api_client, running_server
from .helpers import GOOG_SAMPLE, eventually
from .postgres import slow_on_postgresql, sqlite_only

OPERATOR = 'op-' + secrets.token_urlsafe(24)


@pytest.fixture
async def replayed(tmp_path, database_url):
    """800 days of the GOOG sample replayed at full speed by the regime strategy: 39 trades, both sides, one open."""
    csv_path = tmp_path / 'goog.csv'
    csv_path.write_text(''.join(GOOG_SAMPLE.read_text().splitlines(keepends=True)[:801]))
    risk = RiskSettings(sizing='risk', max_positions=1, max_daily_loss_pct=100)
    async with running_server(
        tmp_path,
        ReplayFeed(csv_path, ['GOOG/USD'], '1d', speed='max'),
        symbols=['GOOG/USD'],
        timeframe='1d',
        speed='max',
        strategy='regime',
        risk=risk,
        api_token=OPERATOR,
        database_url=database_url,  # each query on SQLite and on PostgreSQL
    ) as server:
        await eventually(lambda: server.system.engine.feed.status is FeedStatus.ENDED, timeout_s=60, what='replay end')
        server.viewer = server.system.access.accounts.add_token('wallboard', Role.VIEWER)
        server.csv = csv_path
        yield server


def client(server, token: str | None = OPERATOR) -> httpx.AsyncClient:
    return api_client(server, token)


async def _trades(http: httpx.AsyncClient, **params) -> dict:
    response = await http.get('/trades', params=params)
    assert response.status_code == 200, response.text
    return response.json()


@slow_on_postgresql
async def test_trades_are_filtered_sorted_and_paged_with_the_csv_exports_fields(replayed) -> None:
    store = replayed.system.store
    async with client(replayed) as http:
        everything = await _trades(http, limit=1000)
        rows = everything['trades']
        assert everything['total'] == len(rows) == store.count_trades() >= 30
        assert [r['entry_time'] for r in rows] == sorted((r['entry_time'] for r in rows), reverse=True)
        assert rows[0]['status'] == 'OPEN' and rows[0]['exit_price'] is None and rows[0]['exit_time'] is None

        in_csv = views.trades_csv(map(views.trade_row, store.trades(newest_first=False)), UTC)
        exported = list(csv.DictReader(io.StringIO(in_csv)))
        assert list(rows[0]) == list(exported[0]) == list(views.TRADE_FIELDS)
        by_id = {int(r['id']): r for r in exported}
        for row in rows:  # the same fields and values; the CSV has ISO 8601 times and no PnL while open
            times = {k: datetime.fromtimestamp(v, UTC).isoformat() if v else '' for k, v in row.items() if 'time' in k}
            pnl = {'pnl': '' if row['status'] == 'OPEN' else str(row['pnl'])}
            assert {k: '' if v is None else str(v) for k, v in row.items()} | times | pnl == by_id[row['id']]

        sides = {side: await _trades(http, side=side, limit=1000) for side in ('long', 'short')}
        for side, page in sides.items():
            assert page['total'] == sum(r['side'] == side for r in rows) > 0
            assert all(r['side'] == side for r in page['trades'])
        stops = await _trades(http, status='CLOSED_SL', limit=1000)
        assert stops['total'] == sum(r['status'] == 'CLOSED_SL' for r in rows) > 0
        assert (await _trades(http, status='OPEN'))['total'] == 1

        for name in ('GOOG/USD', 'goog-usd', 'GOOGUSD'):
            assert (await _trades(http, symbol=name))['total'] == len(rows), name
        assert (await _trades(http, symbol='BTC/USDT')) == {'trades': [], 'total': 0, 'limit': 100, 'offset': 0}

        middle = sorted(r['entry_time'] for r in rows)[len(rows) // 2]
        later = await _trades(http, **{'from': format_time(middle).replace('+00:00', 'Z'), 'limit': 1000})
        earlier = await _trades(http, to=str(int(middle)), limit=1000)
        assert later['total'] == sum(r['entry_time'] >= middle for r in rows)
        assert all(r['entry_time'] >= middle for r in later['trades'])
        assert all(r['entry_time'] < middle for r in earlier['trades'])
        assert later['total'] + earlier['total'] == len(rows)
        window = await _trades(http, **{'from': '2005-01-01', 'to': '2006-01-01T00:00:00+00:00'})
        assert window['total'] == sum(1_104_537_600 <= r['entry_time'] < 1_136_073_600 for r in rows) > 0

        for sort in ('pnl', '-pnl', 'entry_time', '-id'):
            got = [r[sort.lstrip('-')] for r in (await _trades(http, sort=sort, limit=1000))['trades']]
            assert got == sorted(got, reverse=sort.startswith('-')), sort

        pages = [await _trades(http, limit=7, offset=offset) for offset in range(0, len(rows) + 7, 7)]
        assert [r for page in pages for r in page['trades']] == rows
        assert {page['total'] for page in pages} == {len(rows)} and pages[-1]['trades'] == []
        assert pages[1]['limit'] == 7 and pages[1]['offset'] == 7


@sqlite_only
async def test_bad_trade_queries_are_refused_naming_the_problem(replayed) -> None:
    async with client(replayed) as http:
        for params, message in (
            ({'from': '2024-02-30'}, "query.from: Value error, '2024-02-30' is not an ISO 8601 date or time"),
            ({'to': 'yesterday'}, "query.to: Value error, 'yesterday' is not an ISO 8601 date or time"),
            ({'to': '17000000000'}, 'or Unix seconds'),
            ({'sort': 'price'}, "query.sort: Input should be '-entry_time'"),
            ({'limit': 0}, 'query.limit: Input should be greater than or equal to 1'),
            ({'limit': 1001}, 'query.limit: Input should be less than or equal to 1000'),
            ({'offset': -1}, 'query.offset: Input should be greater than or equal to 0'),
            ({'side': 'up'}, "query.side: Input should be 'long' or 'short'"),
            ({'status': 'open'}, "query.status: Input should be 'OPEN'"),
            ({'symbol': 'GOOG USD'}, "query.symbol: Value error, 'GOOG USD' is not a symbol like BTC/USDT"),
        ):
            response = await http.get('/trades', params=params)
            assert response.status_code == 422 and message in response.json()['detail'], (params, response.text)
    async with client(replayed, token=None) as anonymous:
        assert (await anonymous.get('/trades')).status_code == 401
        assert (await anonymous.get('/positions')).status_code == 401


@slow_on_postgresql
async def test_a_viewer_reads_positions_as_the_dashboard_shows_them_and_the_trades(replayed) -> None:
    system = replayed.system
    async with client(replayed, replayed.viewer) as viewer, client(replayed) as operator:
        positions = (await viewer.get('/positions')).json()
        assert positions == [p.model_dump(mode='json') for p in views.open_positions(system)]
        assert positions == (await viewer.get('/dashboard-data')).json()['positions']
        (position,) = positions
        open_trade = (await _trades(viewer, status='OPEN'))['trades'][0]
        assert (position['id'], position['side'], position['quantity']) == (
            open_trade['id'],
            open_trade['side'],
            open_trade['quantity'],
        )
        assert position['mark_price'] == load_bars(replayed.csv).close[-1]
        assert (await viewer.post('/positions/close-all')).status_code == 403
        assert (await operator.post('/positions/close-all')).status_code == 200
        assert (await viewer.get('/positions')).json() == []
        closed = (await _trades(viewer, status='CLOSED_MANUAL'))['trades']
        assert [t['id'] for t in closed] == [position['id']]
        schema = (await viewer.get(replayed.base + '/openapi.json')).json()
    trades_ok = schema['paths']['/dashboard/api/trades']['get']['responses']['200']['content']['application/json']
    positions_ok = schema['paths']['/dashboard/api/positions']['get']['responses']['200']['content']['application/json']
    assert trades_ok['schema'] == {'$ref': '#/components/schemas/TradesPage'}
    assert positions_ok['schema']['items'] == {'$ref': '#/components/schemas/OpenPosition'}
    row = schema['components']['schemas']['TradeRow']
    assert list(row['properties']) == list(views.TRADE_FIELDS)
    assert row['properties']['status'] == {'$ref': '#/components/schemas/TradeStatus'}
