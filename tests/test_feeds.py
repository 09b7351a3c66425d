"""Market feeds: simulated determinism and regimes, CSV replay and errors, the ccxt adapter offline."""

import argparse
import asyncio
import json
import re
from pathlib import Path

import ccxt.async_support as ccxt_async
import pytest
from pydantic import ValidationError

from oracle_ui.backtest import BacktestConfig, run_backtest
from oracle_ui.cli.serve import add_serve_arguments, settings_from_args
from oracle_ui.engine.bars import BarsError, load_bars
from oracle_ui.engine.ccxt_feed import CcxtFeed
from oracle_ui.engine.feed import HISTORY_BATCH, FeedError, FeedStatus, History, ReplayFeed, SimFeed, simulate_bars
from oracle_ui.engine.models import Candle, OrderBook, Tick
from oracle_ui.engine.strategies import create_strategy
from oracle_ui.settings import Settings

from .helpers import GOOG_SAMPLE, FakeClock

DATA = Path(__file__).parent / 'data'


def _by_symbol(history: History) -> dict[str, list[Candle]]:
    candles: dict[str, list[Candle]] = {}
    for batch in history:
        for candle in batch:
            candles.setdefault(candle.symbol, []).append(candle)
    return candles


async def test_a_fresh_sim_history_comes_a_day_at_a_time_and_joins_without_gaps() -> None:
    clock = FakeClock()
    feed = SimFeed(['BTC/USDT', 'ETH/USDT'], '1m', history_candles=3000, sleep=clock.sleep, wall_clock=clock.time)
    batches = [list(batch) for batch in await feed.connect({})]
    assert [len(b) for b in batches] == [2 * HISTORY_BATCH, 2 * HISTORY_BATCH, 2 * (3000 - 2 * HISTORY_BATCH)]
    history = _by_symbol(batches)
    for candles in history.values():
        times = [c.time for c in candles]
        assert times == list(range(times[0], times[0] + 3000 * 60, 60)), 'every minute once, in order'
    first = next(i for i in await _collect(feed, 10) if isinstance(i, Tick) and i.symbol == 'BTC/USDT')
    assert first.time >= history['BTC/USDT'][-1].time + 60, 'live ticks carry on after the history'


async def _collect(feed, count: int) -> list:
    items = []
    async for item in feed.stream():
        items.append(item)
        if len(items) >= count:
            break
    return items


async def _sim_run(seed: int) -> tuple[dict, list]:
    clock = FakeClock()
    feed = SimFeed(
        ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
        '1m',
        seed=seed,
        speed=60,
        history_candles=50,
        sleep=clock.sleep,
        wall_clock=clock.time,
    )
    history = _by_symbol(await feed.connect({}))
    return history, await _collect(feed, 400)


async def test_sim_feed_is_reproducible_with_a_seed() -> None:
    first, second, other = await _sim_run(1), await _sim_run(1), await _sim_run(2)
    assert first == second
    assert first != other
    history, items = first
    assert all(len(candles) == 50 for candles in history.values())
    ticks = [i for i in items if isinstance(i, Tick)]
    candles = [i for i in items if isinstance(i, Candle)]
    assert {t.symbol for t in ticks} == {'BTC/USDT', 'ETH/USDT', 'SOL/USDT'}
    assert candles, 'at speed 60 a 1m candle closes every second'
    books = [i for i in items if isinstance(i, OrderBook)]
    assert {b.symbol for b in books} == {'BTC/USDT', 'ETH/USDT', 'SOL/USDT'}
    for book in books:
        assert len(book.bids) == len(book.asks) == 10 and book.bids[0][0] < book.asks[0][0]
        assert all(a[0] < b[0] for a, b in zip(book.asks, book.asks[1:], strict=False))
    for c in candles:
        assert c.low <= min(c.open, c.close) <= max(c.open, c.close) <= c.high and c.volume > 0
        assert c.time % 60 == 0


async def test_a_symbol_new_to_the_sim_feed_gets_history_ending_where_the_others_resume() -> None:
    clock = FakeClock()
    feed = SimFeed(['BTC/USDT', 'DOGE/USDT'], '1m', history_candles=120, sleep=clock.sleep, wall_clock=clock.time)
    stored = Candle('BTC/USDT', 1_700_000_040, 65_000.0, 65_010.0, 64_990.0, 65_005.0, 1.0)
    history = _by_symbol(await feed.connect({'BTC/USDT': stored, 'DOGE/USDT': None}))
    assert 'BTC/USDT' not in history, 'a symbol with stored candles continues from them'
    doge = history['DOGE/USDT']
    assert len(doge) == 120 and doge[-1].time == stored.time, 'history right up to where the market resumes'
    assert [c.time for c in doge] == list(range(stored.time - 119 * 60, stored.time + 1, 60))
    first = next(i for i in await _collect(feed, 10) if isinstance(i, Tick) and i.symbol == 'DOGE/USDT')
    assert abs(first.price / doge[-1].close - 1) < 0.01, 'its live prices carry on from its history'


async def test_a_symbol_added_on_the_settings_page_trades_with_history_after_a_restart(make_system, clock) -> None:
    first = make_system(symbols=['BTC/USDT'])
    await first.start()
    await clock.advance(2)
    await first.stop()
    second = make_system(symbols=['BTC/USDT', 'DOGE/USDT'])
    await second.start()
    doge, btc = second.store.candles('DOGE/USDT', '1m', 5000), second.store.candles('BTC/USDT', '1m', 5000)
    assert len(doge) == 1440, 'the day of history a fresh start makes (sim_history_days=1), not a few candles'
    assert doge[-1].time == btc[-1].time
    assert second.store.candles('DOGE/USDT', '1h', 100), 'the chart timeframes are built from it'
    assert second.engine.state['DOGE/USDT'].regime is not None, 'warmed up: its regime is known, not "unknown"'
    await second.stop()


async def test_sim_feed_paces_ticks_a_few_per_second() -> None:
    clock = FakeClock()
    feed = SimFeed(['BTC/USDT'], '1m', speed=1, history_candles=0, sleep=clock.sleep, wall_clock=clock.time)
    await feed.connect({})
    start = clock.now
    items = await _collect(feed, 40)
    ticks = [i for i in items if isinstance(i, Tick)]
    assert 3 <= len(ticks) / (clock.now - start) <= 5


def test_simulated_market_has_regimes_that_both_strategies_trade() -> None:
    bars = simulate_bars('BTC/USDT', 60, 20_000, seed=5)
    result = run_backtest(bars, create_strategy('regime'), BacktestConfig(sizing='risk', commission=0.0005))
    kinds = {t.side for t in result.trades}
    assert kinds == {'long', 'short'}
    regime = create_strategy('regime')
    from oracle_ui.engine.indicators import compute

    arrays = compute(regime.indicators(), bars.open, bars.high, bars.low, bars.close, bars.volume)

    class View:
        i = 0

        def __getitem__(self, name):
            return arrays[name][self.i]

        def prev(self, name):
            return arrays[name][self.i - 1]

    view, seen = View(), set()
    for i in range(100, len(bars), 7):
        view.i = i
        seen.add(regime.classify(view).regime.value)
    assert {'trending_up', 'trending_down', 'sideways'} <= seen


async def test_replay_feed_plays_bars_as_ticks_then_candles() -> None:
    clock = FakeClock()
    feed = ReplayFeed(GOOG_SAMPLE, ['GOOG/USD'], '1d', speed=86_400, sleep=clock.sleep)
    await feed.connect({})
    items = await _collect(feed, 10)
    assert [type(i).__name__ for i in items] == ['Tick'] * 4 + ['Candle'] + ['Tick'] * 4 + ['Candle']
    first = items[4]
    assert (first.open, first.high, first.low, first.close) == (100.0, 104.06, 95.96, 100.34)
    assert [t.price for t in items[:4]] == [100.0, 95.96, 104.06, 100.34]
    assert clock.now - FakeClock().now == pytest.approx(2.0, rel=0.01), 'one day per second at speed 86400'


async def test_replay_feed_ends_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / 'two.csv'
    path.write_text('timestamp,open,high,low,close\n1700000000,1,2,0.5,1.5\n1700000060,1.5,2,1,1.8\n')
    clock = FakeClock()
    feed = ReplayFeed(path, ['X/USDT'], '1m', speed=1000, sleep=clock.sleep)
    await feed.connect({})
    items = [i async for i in feed.stream()]
    assert len(items) == 10 and feed.status is FeedStatus.ENDED and 'replayed to the end' in feed.status_message


class _LoopTurns:
    """Counts the event loop's turns while it runs (what an unpaced feed must leave to the server)."""

    def __init__(self) -> None:
        self.count = 0
        self._task = asyncio.get_running_loop().create_task(self._spin())

    async def _spin(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)

    def stop(self) -> None:
        self._task.cancel()


async def test_replay_at_max_speed_is_unpaced_but_yields_to_the_loop_every_bar() -> None:
    clock = FakeClock()
    feed = ReplayFeed(GOOG_SAMPLE, ['GOOG/USD'], '1d', speed='max', sleep=clock.sleep)
    await feed.connect({})
    assert feed.status_message == 'replaying GOOG_daily.csv at full speed'
    turns = _LoopTurns()
    candles = [item async for item in feed.stream() if isinstance(item, Candle)]
    turns.stop()
    assert len(candles) == len(feed.bars) and feed.status is FeedStatus.ENDED
    assert clock.now == FakeClock().now, 'no pacing'
    assert turns.count >= len(candles), 'the event loop had a turn before every bar'


async def test_sim_at_max_speed_is_unpaced_but_yields_to_the_loop_every_step() -> None:
    clock = FakeClock()
    feed = SimFeed(['BTC/USDT'], '1m', speed='max', history_candles=0, sleep=clock.sleep, wall_clock=clock.time)
    await feed.connect({})
    assert feed.status_message == 'simulated market at full speed'
    turns = _LoopTurns()
    items = await _collect(feed, 400)
    turns.stop()
    ticks = [i for i in items if isinstance(i, Tick)]
    assert clock.now == FakeClock().now, 'no pacing'
    assert len([i for i in items if isinstance(i, Candle)]) >= len(ticks) // 8 - 1, 'a 1m candle every 8 steps'
    assert turns.count >= len(ticks) - 1, 'the event loop had a turn before every step'


def test_speed_is_a_number_or_max_from_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    assert settings_from_args(parser.parse_args(['--speed', 'max', '--no-show'])).speed == 'max'
    assert settings_from_args(parser.parse_args(['--speed', '60', '--no-show'])).speed == 60
    monkeypatch.setenv('ORACLE_SPEED', 'MAX')
    assert Settings(_env_file=None).speed == 'max'
    for bad, message in (('fast', "a number (times real time, e.g. 60) or 'max', got 'fast'"), ('0', 'greater than 0')):
        with pytest.raises(ValidationError, match=re.escape(message)):
            settings_from_args(parser.parse_args(['--speed', bad]))


@pytest.mark.parametrize(
    ('content', 'message'),
    [
        ('Date,Open,High,Low\n', 'line 1: missing column(s) Close'),
        ('price,Open,High,Low,Close\n', 'missing column(s) Date or timestamp'),
        (
            'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,two,0.5,1.5,10\n',
            "line 3, column High: 'two' is not a number",
        ),
        ('Date,Open,High,Low,Close\nyesterday,1,2,0.5,1.5\n', "line 2, column Date: 'yesterday' is not a date/time"),
        (
            'timestamp,Open,High,Low,Close\n1700000060,1,2,0.5,1.5\n1700000000,1,2,0.5,1.5\n',
            'line 3, column timestamp: time',
        ),
        ('Date,Open,High,Low,Close\n2020-01-01,1,0.9,0.5,1.5\n', 'line 2, column High: high 0.9 is below'),
        ('Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,-1\n', "line 2, column Volume: '-1' is negative"),
        ('Date,Open,High,Low,Close\n2020-01-01,1,2,0.5,\n', "line 2, column Close: '' is not a number"),
        ('', 'the file is empty'),
        ('Date,Open,High,Low,Close\n', 'no data rows'),
    ],
)
def test_bad_csv_files_name_the_line_and_column(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / 'bad.csv'
    path.write_text(content)
    with pytest.raises(BarsError) as error:
        load_bars(path)
    assert message in str(error.value) and 'bad.csv' in str(error.value)


def test_csv_times_accept_iso_unix_seconds_and_milliseconds(tmp_path: Path) -> None:
    for stamp in ('2023-11-14T22:13:20Z', '2023-11-14 22:13:20', '1700000000', '1700000000000'):
        path = tmp_path / 'one.csv'
        path.write_text(f'TIMESTAMP,OPEN,HIGH,LOW,CLOSE\n{stamp},1,2,0.5,1.5\n')
        assert load_bars(path).time[0] == 1_700_000_000, stamp


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BarsError, match='cannot open'):
        load_bars(tmp_path / 'nope.csv')


# ---- ccxt with its network calls replaced --------------------------------------------------------------------
NOW_MS = 1_700_000_100_000


def _exchange(responder) -> ccxt_async.Exchange:
    """A real ccxt Binance object: parsing is ccxt's own, only ``fetch`` (the HTTP call) is replaced."""
    exchange = ccxt_async.binance({'options': {'defaultType': 'spot'}})
    exchange.set_markets(
        [
            {
                'id': 'BTCUSDT',
                'symbol': 'BTC/USDT',
                'base': 'BTC',
                'quote': 'USDT',
                'baseId': 'BTC',
                'quoteId': 'USDT',
                'type': 'spot',
                'spot': True,
                'active': True,
                'precision': {'amount': 5, 'price': 2},
                'limits': {},
                'info': {},
            }
        ]
    )
    exchange.fetch = responder
    exchange.milliseconds = lambda: NOW_MS
    return exchange


def _kline(start_ms: int, close: float) -> list:
    return [
        start_ms,
        str(close - 1),
        str(close + 2),
        str(close - 2),
        str(close),
        '12.5',
        start_ms + 59_999,
        '0',
        10,
        '0',
        '0',
        '0',
    ]


async def test_ccxt_feed_turns_exchange_data_into_candles_and_ticks() -> None:
    calls = []

    async def responder(url, method='GET', headers=None, body=None):
        calls.append(url)
        if 'klines' in url:
            # three closed minutes and the one still forming at NOW_MS
            return [_kline(1_699_999_920_000 + 60_000 * k, 100.0 + k) for k in range(4)]
        if 'depth' in url:
            return {'lastUpdateId': 1, 'bids': [['103.4', '2.5'], ['103.3', '1']], 'asks': [['103.6', '0.7']]}
        if 'ticker/24hr' in url:
            return {
                'symbol': 'BTCUSDT',
                'lastPrice': '103.5',
                'closeTime': NOW_MS,
                'openPrice': '99',
                'highPrice': '104',
                'lowPrice': '98',
                'volume': '1000',
                'quoteVolume': '100000',
            }
        raise AssertionError(f'unexpected request {url}')

    feed = CcxtFeed('binance', ['BTC/USDT'], '1m', exchange=_exchange(responder), poll_s=1, sleep=FakeClock().sleep)
    history = _by_symbol(await feed.connect({}))
    assert [c.close for c in history['BTC/USDT']] == [100.0, 101.0, 102.0], 'the forming candle is left out'
    assert feed.status is FeedStatus.LIVE
    items = await _collect(feed, 2)
    assert items[0] == Tick('BTC/USDT', NOW_MS / 1000, 103.5)
    assert items[1] == OrderBook('BTC/USDT', NOW_MS / 1000, ((103.4, 2.5), (103.3, 1.0)), ((103.6, 0.7),))
    assert any('klines' in u for u in calls) and any('ticker' in u for u in calls)


def _klines_since(url: str, now_ms: int) -> list:
    """What Binance answers for ``startTime``/``limit``: one-minute klines from there, the forming one included."""
    query = dict(part.split('=') for part in url.split('?', 1)[1].split('&'))
    start, limit = int(query['startTime']), int(query.get('limit', 500))
    starts = range(start - start % 60_000, now_ms + 1, 60_000)
    return [_kline(t, 100.0 + (t // 60_000) % 50) for t in list(starts)[:limit]]


async def test_ccxt_feed_backfills_its_history_a_page_at_a_time_and_resumes_after_the_last_stored_candle() -> None:
    requests = []

    async def responder(url, method='GET', headers=None, body=None):
        requests.append(url)
        return _klines_since(url, NOW_MS)

    feed = CcxtFeed('binance', ['BTC/USDT'], '1m', exchange=_exchange(responder), history_candles=2500)
    fresh = _by_symbol(await feed.connect({}))['BTC/USDT']
    times = [c.time for c in fresh]
    assert len(times) == 2500 and times == list(range(times[0], times[0] + 2500 * 60, 60)), 'every minute, once'
    assert times[-1] * 1000 + 60_000 <= NOW_MS < times[-1] * 1000 + 120_000, 'up to the last closed minute'
    assert len(requests) >= 3, 'paged: an exchange gives at most 1,000 candles a request'
    resumed = CcxtFeed('binance', ['BTC/USDT'], '1m', exchange=_exchange(responder), history_candles=2500)
    last_stored = fresh[-11]
    gap = _by_symbol(await resumed.connect({'BTC/USDT': last_stored}))['BTC/USDT']
    assert [c.time for c in gap] == times[-10:], 'the ten minutes after the last stored candle, nothing twice'


async def test_ccxt_feed_offline_is_a_clear_message() -> None:
    async def offline(url, method='GET', headers=None, body=None):
        raise ccxt_async.NetworkError('binance GET https://api.binance.com/... Cannot connect to host')

    feed = CcxtFeed('binance', ['BTC/USDT'], '1m', exchange=_exchange(offline))
    with pytest.raises(FeedError) as error:
        await feed.connect({})
    assert 'cannot reach binance' in str(error.value) and '--feed sim' in str(error.value)
    assert feed.status is FeedStatus.FAILED


async def test_ccxt_feed_rejects_unknown_exchange_and_symbol() -> None:
    with pytest.raises(FeedError, match='unknown exchange'):
        await CcxtFeed('nosuchexchange', ['BTC/USDT'], '1m').connect({})
    feed = CcxtFeed('binance', ['DOGE/EUR'], '1m', exchange=_exchange(None))
    with pytest.raises(FeedError, match='does not list DOGE/EUR'):
        await feed.connect({})


def test_json_round_trip_of_bars_fixture() -> None:
    bars = load_bars(DATA / 'EURUSD_1h.csv')
    assert len(bars) == 1000 and bars.interval_s == 3600
    assert json.dumps(float(bars.close[0])) == '1.07219'
