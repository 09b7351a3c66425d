"""Every chart timeframe from the base candles: one resampling path for history and live candles, paging back
through stored history, the forming candle of any timeframe."""

from __future__ import annotations

import asyncio
import itertools
import re

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle_ui import views
from oracle_ui.engine.candles import CandleRollup, resample
from oracle_ui.engine.feed import simulate_bars
from oracle_ui.events import CandleClosed, EventType
from oracle_ui.views.chart_indicators import SPEC_PATTERN, SPECS, parse_indicators

from .apiserver import running_server
from .helpers import advance_until
from .postgres import slow_on_postgresql


def base_candles(count: int, start: int = 1_750_000_020) -> list:
    bars = simulate_bars('BTC/USDT', 60, count, start=start)
    return [bars.candle('BTC/USDT', i) for i in range(len(bars))]


def test_rolling_up_live_gives_the_candles_resampling_history_gives() -> None:
    candles = base_candles(3_000)
    rollup = CandleRollup('1m', ['5m', '1h', '4h'])
    live: dict[str, list] = {'5m': [], '1h': [], '4h': []}
    for candle in candles:
        for tf, done in rollup.add(candle):
            live[tf].append(done)
    end = candles[-1].time + 60
    for tf, length in (('5m', 300), ('1h', 3600), ('4h', 14_400)):
        complete = [c for c in resample(candles, length) if c.time + length <= end and c.time >= candles[0].time]
        first_whole = candles[0].time + (-candles[0].time) % length
        assert live[tf] == [c for c in complete if c.time >= first_whole], tf
        assert all(b.time - a.time == length for a, b in itertools.pairwise(live[tf]))
    hour = live['1h'][3]
    inside = [c for c in candles if hour.time <= c.time < hour.time + 3600]
    assert (hour.open, hour.close) == (inside[0].open, inside[-1].close)
    assert (hour.high, hour.low) == (max(c.high for c in inside), min(c.low for c in inside))
    assert hour.volume == pytest.approx(sum(c.volume for c in inside), rel=1e-12)


@slow_on_postgresql
async def test_longer_timeframes_are_stored_live_and_caught_up_from_base_only_history(
    make_system, clock, database_url
) -> None:
    system = make_system(sim_history_days=2, speed=600, database_url=database_url)
    closed = []
    system.bus.subscribe(lambda e: closed.append(e.payload), types=[EventType.CANDLE_CLOSED])
    await system.start()
    await asyncio.wait_for(system.engine.ready.wait(), 30)
    store = system.store
    history_1h = store.candles('ETH/USDT', '1h', 10_000)
    assert len(history_1h) >= 46, 'two days of hourly candles from the generated history'
    base = store.candles('ETH/USDT', '1m', 100_000)
    expected = {c.time: c for c in resample(base, 3600)}
    assert all(expected[c.time] == c for c in history_1h), 'stored hours are the resampled minutes'
    await advance_until(clock, lambda: any(isinstance(p, CandleClosed) and p.timeframe == '1h' for p in closed))
    live = next(p for p in closed if isinstance(p, CandleClosed) and p.timeframe == '1h' and p.symbol == 'ETH/USDT')
    minutes = store.candles('ETH/USDT', '1m', 60, since=live.time, before=live.time + 3600)
    assert len(minutes) == 60 and (live.open, live.close) == (minutes[0].open, minutes[-1].close)
    await system.stop()

    with system.store.engine.begin() as conn:  # an upgrade from a version that stored only base candles
        conn.exec_driver_sql("delete from candles where timeframe != '1m'")
    again = make_system(sim_history_days=2, speed=600, database_url=database_url)
    await again.start()
    await asyncio.wait_for(again.engine.ready.wait(), 30)
    rebuilt = again.store.candles('ETH/USDT', '1h', 10_000)
    assert [c.time for c in rebuilt][: len(history_1h)] == [c.time for c in history_1h]
    assert rebuilt[: len(history_1h)] == history_1h
    assert {
        tf: bool(again.store.candles('ETH/USDT', tf, 1)) for tf in ('5m', '15m', '1h', '4h', '1d')
    } == dict.fromkeys(('5m', '15m', '1h', '4h', '1d'), True)
    await again.stop()


async def test_the_forming_candle_of_a_longer_timeframe_holds_its_closed_minutes_and_the_live_one(
    make_system, clock
) -> None:
    system = make_system(speed=60)
    await system.start()
    await asyncio.wait_for(system.engine.ready.wait(), 30)
    await clock.advance(7)  # seven market minutes into the simulation, one tick per quarter second
    state = system.engine.market.states['BTC/USDT']
    forming = views.forming_candle(system, 'BTC/USDT', '15m')
    start = state.forming.time - state.forming.time % 900
    minutes = system.store.candles('BTC/USDT', '1m', 15, since=start)
    assert forming.time == start and forming.close == state.forming.close
    assert forming.high == max(c.high for c in [*minutes, state.forming])
    assert forming.open == (minutes[0].open if minutes else state.forming.open)
    await system.stop()


async def test_paging_back_through_stored_history_over_rest(tmp_path) -> None:
    async with (
        running_server(tmp_path, sim_history_days=3) as server,
        httpx.AsyncClient(base_url=server.base + '/dashboard/api') as http,
    ):
        newest = (await http.get('/candles', params={'symbol': 'BTC/USDT', 'timeframe': '15m', 'limit': 50})).json()
        assert len(newest['candles']) == 50 and newest['has_more']
        seen = [c['time'] for c in newest['candles']]
        before = seen[0]
        while True:
            page = (
                await http.get(
                    '/candles', params={'symbol': 'BTC/USDT', 'timeframe': '15m', 'limit': 100, 'before': before}
                )
            ).json()
            assert all(c['time'] < before for c in page['candles'])
            seen = [c['time'] for c in page['candles']] + seen
            if not page['has_more']:
                break
            before = page['candles'][0]['time']
        assert all(b - a == 900 for a, b in itertools.pairwise(seen)), 'no gap and no overlap between pages'
        stored = server.system.store.candles('BTC/USDT', '15m', 100_000)
        assert seen == [c.time for c in stored]
        chosen = (await http.get('/candles', params={'symbol': 'BTC/USDT', 'indicators': 'sma:5,rsi:7,macd'})).json()
        assert {'sma_5', 'rsi_7', 'macd_12_26_9', 'macd_12_26_9_signal', 'macd_12_26_9_hist'} == set(
            chosen['indicators']
        )
        bad = await http.get('/candles', params={'symbol': 'BTC/USDT', 'indicators': 'sma:0'})
        assert bad.status_code == 400 and 'sma period must be between 1 and 1000' in bad.json()['detail']
        assert (await http.get('/candles', params={'symbol': 'BTC/USDT', 'indicators': 'magic'})).status_code == 400


spec_items = st.builds(
    lambda kind, numbers: ':'.join([kind, *numbers]),
    st.sampled_from([*SPECS, 'magic', 'SMA', '']),
    st.lists(
        st.one_of(
            st.integers(-5, 6000).map(str),
            st.floats(0, 20).map(lambda f: f'{f:.3g}'),
            st.sampled_from(['0.05', '010', '1e1', ' 5', 'x', '10.0', '0.1']),
        ),
        max_size=4,
    ),
)


@given(st.lists(spec_items, max_size=4).map(','.join))
@settings(max_examples=400, deadline=None)
def test_the_schema_pattern_of_indicators_accepts_exactly_what_the_server_parses(text: str) -> None:
    matches = re.fullmatch(SPEC_PATTERN, text) is not None
    try:
        parse_indicators(text)
        parsed = True
    except ValueError:
        parsed = False
    assert matches == parsed, f'schema {"admits" if matches else "refuses"} {text!r}, the server does not'
