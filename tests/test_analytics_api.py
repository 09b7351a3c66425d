"""``GET analytics`` and ``GET reports`` over a real server whose bot replayed 800 GOOG days: the figures equal the
stored trades', filters and periods apply, bad queries are 422s, and every report format is what it says (the PDF's
text, read back with pdftotext, holds the headline figures)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile

import httpx
import pytest

from oracle_ui.engine.feed import FeedStatus, ReplayFeed
from oracle_ui.security.accounts import Role
from oracle_ui.settings import RiskSettings

from .apiserver import running_server
from .helpers import GOOG_SAMPLE, eventually
from .postgres import slow_on_postgresql, sqlite_only
from .test_api_trades import OPERATOR, client

pytestmark = pytest.mark.slow


@pytest.fixture
async def replayed(tmp_path, database_url):
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
        yield server


async def get(http: httpx.AsyncClient, path: str, **params) -> httpx.Response:
    response = await http.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


@slow_on_postgresql
async def test_the_figures_are_the_stored_trades_and_filters_apply(replayed) -> None:
    closed = replayed.system.store.trades(closed_only=True)
    async with client(replayed, replayed.viewer) as http:  # viewers see it all
        report = (await get(http, '/analytics', period='all')).json()
    m = report['metrics']
    assert m['trades'] == len(closed) >= 30
    assert m['net_pnl'] == pytest.approx(sum(t.pnl for t in closed), rel=1e-9)
    assert m['fees'] == pytest.approx(sum(t.fees for t in closed), rel=1e-9)
    assert m['periods_per_year'] == 365 and report['equity_basis'] == 'account'
    assert m['end_equity'] == pytest.approx(replayed.system.engine.broker.equity, rel=1e-9)
    assert m['buy_hold_return_pct'] is not None and m['sharpe'] is not None
    for name, rows in report['groups'].items():
        assert sum(r['trades'] for r in rows) == m['trades'], name
        assert sum(r['net_pnl'] for r in rows) == pytest.approx(m['net_pnl'], rel=1e-9), name
    assert {r['key'] for r in report['groups']['side']} == {'long', 'short'}
    assert report['series']['monthly_returns'] and len(report['series']['equity'][0]) <= 2000
    async with client(replayed) as http:
        longs = (await get(http, '/analytics', period='all', side='long', series='false')).json()
        assert longs['metrics']['trades'] == sum(1 for t in closed if t.side.value == 'long')
        assert longs['equity_basis'] == 'filtered trades' and longs['series'] is None
        by_symbol = (await get(http, '/analytics', period='all', symbol='GOOG-USD')).json()
        assert by_symbol['metrics']['trades'] == len(closed)
        middle = closed[len(closed) // 2].exit_time
        first_half = (await get(http, '/analytics', to=str(middle))).json()
        assert first_half['filters']['period'] == 'custom'
        assert first_half['metrics']['trades'] == sum(1 for t in closed if t.exit_time < middle)
        trading = (await get(http, '/analytics', period='all', periods_per_year='252')).json()['metrics']
        assert trading['sharpe'] == pytest.approx(m['sharpe'] * (252 / 365) ** 0.5, rel=1e-9)


@pytest.mark.parametrize(
    ('params', 'problem'),
    [
        ({'period': 'year'}, 'period'),
        ({'periods_per_year': '0'}, 'periods_per_year'),
        ({'from': 'yesterday'}, 'from'),
        ({'side': 'up'}, 'side'),
        ({'strategy': 'nope'}, 'strategy'),
    ],
)
@sqlite_only
async def test_bad_queries_are_refused_naming_the_parameter(replayed, params: dict, problem: str) -> None:
    async with client(replayed) as http:
        response = await http.get('/analytics', params=params)
    assert response.status_code == 422 and problem in response.json()['detail']


@slow_on_postgresql
async def test_reports_in_every_format(replayed) -> None:
    closed = replayed.system.store.trades(closed_only=True)
    async with client(replayed) as http:
        analytics = (await get(http, '/analytics', period='all')).json()['metrics']
        html = await get(http, '/reports', period='all', format='html')
        assert html.headers['content-type'].startswith('text/html')
        page = html.text
        assert 'Oracle Trader report' in page and '<svg' in page and 'class="heatmap"' in page
        assert '<script' not in page and not re.search(r'(src|href)="https?://', page), 'opens offline'
        assert f'{analytics["sharpe"]:.2f}' in page
        csv = await get(http, '/reports', period='all', format='csv')
        assert csv.headers['content-type'] == 'application/zip' and 'attachment' in csv.headers['content-disposition']
        archive = zipfile.ZipFile(io.BytesIO(csv.content))
        assert sorted(archive.namelist()) == ['daily_returns.csv', 'metrics.csv', 'trades.csv']
        assert len(archive.read('trades.csv').decode().splitlines()) == len(closed) + 1
        document = (await get(http, '/reports', period='all', format='json')).json()
        assert len(document['trades']) == len(closed) and document['report']['metrics'] == analytics
        assert document['daily_returns'] and 'return_pct' in document['daily_returns'][0]
        pdf = await get(http, '/reports', period='all', format='pdf')
        assert pdf.headers['content-type'] == 'application/pdf' and pdf.content.startswith(b'%PDF')
        missing = await http.get('/reports', params={'backtest': 999, 'format': 'html'})
        assert missing.status_code == 404 and 'no saved backtest with id 999' in missing.json()['detail']
    assert shutil.which('pdftotext'), 'poppler-utils (scripts/test.sh installs it)'
    text = subprocess.run(['pdftotext', '-', '-'], input=pdf.content, capture_output=True, check=True).stdout.decode()
    for label, value in (
        ('Sharpe', f'{analytics["sharpe"]:.2f}'),
        ('Return', f'{analytics["return_pct"]:+.2f} %'),
        ('Max drawdown', f'{analytics["max_drawdown_pct"]:.2f} %'),
        ('Closed trades', f'{analytics["trades"]:,}'),
    ):
        assert label in text and value in text, (label, value)


@sqlite_only
async def test_the_schema_documents_both_routes(replayed) -> None:
    async with httpx.AsyncClient(base_url=replayed.base, headers={'Authorization': f'Bearer {OPERATOR}'}) as http:
        schema = (await http.get('/openapi.json')).json()
    paths = schema['paths']
    assert '/dashboard/api/analytics' in paths and '/dashboard/api/reports' in paths
    formats = next(p for p in paths['/dashboard/api/reports']['get']['parameters'] if p['name'] == 'format')
    assert json.dumps(formats['schema']).count('pdf') == 1
