"""Property-based attacks on every input boundary of the running app (``python main.py`` in a subprocess).

- REST: ``schemathesis run --checks all`` over every operation of the app's own OpenAPI schema, authenticated,
  nothing excluded: schema-valid requests accepted, invalid ones rejected, every response as documented, no 5xx.
- WebSockets: hypothesis generates frames (random JSON, protocol-shaped messages with wrong types, text that
  is not JSON, truncated JSON, binary, oversized); after each batch the same connection must still answer a
  ping (or, after an oversized frame, be closed with 1009), and a fresh client must be served normally.
- CSV files for replay and backtests: random and mangled content either loads as clean bars or raises
  BarsError naming the problem — never anything else.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from oracle_ui.api.messages import MAX_MESSAGE_BYTES, MESSAGE_TYPES
from oracle_ui.engine.bars import BarsError, load_bars

from .liveapp import ROOT, live_app

pytestmark = [pytest.mark.fuzz]


TOKEN = 'fuzz-' + secrets.token_urlsafe(24)
AUTH = {'Authorization': f'Bearer {TOKEN}'}
SEED = 20261128
"""Fixed, so a run is repeatable; a failure prints the case (and ``st replay`` reproduces it)."""


@pytest.fixture(scope='module')
def live(tmp_path_factory):
    data = tmp_path_factory.mktemp('fuzz') / 'data'
    with live_app(data, ORACLE_API_TOKEN=TOKEN, ORACLE_SPEED='60', ORACLE_SIM_HISTORY_DAYS='1') as base:
        yield base


def schemathesis_run(live: str, cwd: Path, *options: str) -> str:
    """``schemathesis run`` over the app's own schema, authenticated; returns its summary (asserting success)."""
    hooks = {'SCHEMATHESIS_HOOKS': 'tests.fuzz_hooks', 'PYTHONPATH': str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            '-m',
            'schemathesis.cli',
            'run',
            f'{live}/openapi.json',
            '--header',
            f'Authorization: Bearer {TOKEN}',
            '--max-examples',
            '50',
            '--seed',
            str(SEED),
            '--no-color',
            *options,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=cwd,
        env=os.environ | hooks,
    )
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
    assert ' passed' in summary, summary  # every operation it was given ran
    return summary


def test_every_rest_operation_passes_every_schemathesis_check(live, tmp_path) -> None:
    """``schemathesis run --checks all``: the schema states exactly what the server accepts (positive data
    accepted, negative data rejected), every response is as documented, no 5xx — for every operation. (Apprise
    URLs the alerts' bodies carry are made usable first: :mod:`tests.fuzz_hooks` says why.)"""
    schemathesis_run(live, tmp_path, '--checks', 'all')
    health = httpx.get(f'{live}/dashboard/api/system-status', headers=AUTH, timeout=10)
    assert health.status_code == 200 and health.json()['feed']['status'] == 'live'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
shaped = st.fixed_dictionaries(
    {'type': st.sampled_from([*MESSAGE_TYPES, 'TRADING_COMMAND', ''])},
    optional={key: json_values for key in ('topic', 'topics', 'since_id', 'limit', 'event_type', 'token', 'timestamp')}
    | {'command': st.sampled_from(['explode', 'start', 7])},
)
text_frames = st.one_of(
    json_values.map(json.dumps),
    shaped.map(json.dumps),
    shaped.map(json.dumps).flatmap(lambda s: st.integers(0, max(len(s) - 1, 0)).map(lambda n: s[:n])),
    st.text(max_size=300),
)
frames = st.one_of(text_frames, st.binary(max_size=300))


def _still_serving(ws) -> None:
    ws.send(json.dumps({'type': 'ping', 'timestamp': 'fuzz'}))
    while True:
        message = json.loads(ws.recv(timeout=10))
        if message == {'type': 'pong', 'timestamp': 'fuzz'}:
            return


@given(batch=st.lists(frames, min_size=1, max_size=6), oversized=st.booleans())
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_websocket_frames_never_break_the_server(live, batch, oversized) -> None:
    url = live.replace('http', 'ws', 1) + f'/dashboard/ws/monitor?token={TOKEN}'
    with connect(url, max_size=None) as ws:
        for frame in batch:
            ws.send(frame)
        _still_serving(ws)
        if oversized:
            ws.send('{"type": "ping", "pad": "' + 'x' * MAX_MESSAGE_BYTES + '"}')
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=10)
            assert closed.value.rcvd.code == 1009
    with connect(url) as fresh:
        assert json.loads(fresh.recv(timeout=10))['type'] == 'connection_established'
        _still_serving(fresh)
        stats = httpx.get(f'{live}/dashboard/api/websocket-stats', headers=AUTH, timeout=10).json()
        assert stats['direct_connections'] == stats['total_connections'] >= 1, 'frames go straight to the socket'


csv_lines = st.lists(
    st.one_of(
        st.just('Date,Open,High,Low,Close,Volume'),
        st.tuples(
            st.sampled_from(['2024-01-01', '2024-01-02T10:00', '1700000000', '1700000000000', '', 'x', '-1e308']),
            *[st.sampled_from(['1', '2.5', '-3', 'nan', 'inf', '', 'abc', '1e400', '0']) for _ in range(5)],
        ).map(','.join),
        st.text(max_size=60),
    ),
    max_size=12,
)


@given(lines=csv_lines, raw=st.binary(max_size=200), use_raw=st.booleans())
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_malformed_csv_is_a_clear_error_or_clean_bars(tmp_path: Path, lines, raw, use_raw) -> None:
    path = tmp_path / 'bars.csv'
    path.write_bytes(raw if use_raw else '\n'.join(lines).encode())
    try:
        bars = load_bars(path)
    except BarsError as error:
        problem = str(error)
    else:
        problem = None
    if problem is not None:
        assert problem.startswith(str(path)), problem
        return
    assert len(bars) > 0
    assert (bars.high >= bars.low).all() and (bars.time[1:] > bars.time[:-1]).all()
    for column in (bars.open, bars.high, bars.low, bars.close, bars.volume):
        assert all(value == value and abs(value) != float('inf') for value in column)
