"""SIGKILL while trading fast, restart on the same data directory: nothing that was sent is lost."""

import asyncio
import json
import os
import signal
import sqlite3

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from .liveapp import live_process

pytestmark = [pytest.mark.slow]


FAST_TRADING = {
    'ORACLE_SPEED': '3000',
    'ORACLE_STRATEGY': 'sma_cross',
    'ORACLE_STRATEGY_PARAMS': json.dumps({'fast': 3, 'slow': 8}),
    'ORACLE_EVENT_HISTORY': '100000',
}
WATCHED = {'trading', 'portfolio', 'bot_status'}
STARTING_BALANCE = 10_000.0


async def _watch_until_killed(app, received: list[dict], enough_closes: int) -> None:
    """Collect every watched event two clients receive; SIGKILL the server once enough trades closed."""
    url = app.base.replace('http', 'ws', 1) + '/dashboard/ws/trading?topics=' + ','.join(sorted(WATCHED))

    async def client(kill: bool) -> None:
        async with connect(url, max_queue=None) as ws:
            closes = 0
            try:
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if message.get('id') is None or message.get('topic') not in WATCHED:
                        continue
                    received.append(message)
                    closes += message['type'] == 'position_closed'
                    if kill and closes >= enough_closes:
                        os.kill(app.process.pid, signal.SIGKILL)  # mid-stream: events are still flowing
                        kill = False
            except ConnectionClosed:
                return

    await asyncio.gather(client(kill=True), client(kill=False))


def _stored(db) -> dict[int, tuple[str, dict]]:
    with sqlite3.connect(db) as conn:
        return {i: (t, json.loads(d)) for i, t, d in conn.execute('SELECT id, type, data FROM events')}


async def test_sigkill_while_trading_loses_nothing_that_was_sent(tmp_path) -> None:
    data = tmp_path / 'data'
    db = data / 'oracle.db'
    received: list[dict] = []
    with live_process(data, **FAST_TRADING) as app:
        await _watch_until_killed(app, received, enough_closes=5)
        assert app.process.wait(10) == -signal.SIGKILL
    assert sum(m['type'] == 'position_closed' for m in received) >= 5

    stored = _stored(db)
    missing = [m for m in received if m['id'] not in stored]
    assert missing == [], f'{len(missing)} events reached a client but not the store, e.g. {missing[:2]}'
    assert all(stored[m['id']] == (m['type'], m['data']) for m in received)
    with sqlite3.connect(db) as conn:
        balance = conn.execute('SELECT balance FROM account').fetchone()[0]
        closed_pnl = conn.execute("SELECT COALESCE(SUM(pnl), 0) FROM trades WHERE status != 'OPEN'").fetchone()[0]
        open_rows = conn.execute("SELECT id, symbol, entry_fee FROM trades WHERE status = 'OPEN'").fetchall()
        fills = conn.execute('SELECT COUNT(*) FROM fills').fetchone()[0]
    expected = STARTING_BALANCE + closed_pnl - sum(fee for _, _, fee in open_rows)
    assert balance == pytest.approx(expected, rel=1e-9), 'balance must equal the fee-inclusive trade history'
    assert fills >= 10
    last_before = max(stored)

    calm = {**FAST_TRADING, 'ORACLE_SPEED': '1'}  # real time: nothing trades while the restart is inspected
    with live_process(data, **calm) as app:
        async with httpx.AsyncClient(base_url=app.base + '/dashboard/api', timeout=20) as http:
            for _ in range(200):
                dashboard = (await http.get('/dashboard-data')).json()
                if dashboard['bot_status'] == 'running':
                    break
                await asyncio.sleep(0.1)
            assert dashboard['bot_status'] == 'running', 'autostart is on: the bot comes back running'
            new = (await http.get('/events', params={'since_id': last_before, 'limit': 1000})).json()['events']
    assert new and min(e['id'] for e in new) > max(last_before, *(m['id'] for m in received))
    if not any(e['type'] in ('position_opened', 'position_closed') for e in new):
        assert {p['id'] for p in dashboard['positions']} == {row_id for row_id, _, _ in open_rows}
        assert dashboard['total_balance'] == pytest.approx(balance, rel=1e-9)
    after = _stored(db)
    assert all(after[i] == stored[i] for i in stored), 'no id was reused for a different event'
