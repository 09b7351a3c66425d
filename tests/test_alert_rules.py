"""Alert rules against a replayed market: each kind fires when its condition starts to hold, not again until it
cleared, and never within its cooldown or while snoozed or disabled. The market is a CSV replayed through the live
engine (each bar: its four path ticks, then the closed candle), one bar per second of the manual clock."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import talib
from sqlalchemy import event as sa_event
from sqlalchemy.exc import OperationalError

from oracle_ui.alerts import messages
from oracle_ui.alerts.rules import AlertSpec, AlertUpdate
from oracle_ui.events import AlertTriggered, Event, EventType, Notification, PriceUpdate
from oracle_ui.i18n import using
from oracle_ui.security.accounts import LOCAL
from oracle_ui.summaries import summarize

from .helpers import advance_until, eventually

START = 1_700_000_040


def write_bars(path: Path, closes: list[float], *, spread: float = 0.0) -> Path:
    """1-minute bars that open at the previous close and close at ``closes`` (highs/lows ``spread`` beyond)."""
    lines, previous = ['timestamp,Open,High,Low,Close,Volume'], closes[0]
    for i, close in enumerate(closes):
        high, low = max(previous, close) + spread, min(previous, close) - spread
        lines.append(f'{START + 60 * i},{previous},{high},{low},{close},10')
        previous = close
    path.write_text('\n'.join(lines) + '\n')
    return path


@pytest.fixture
async def market(make_system, tmp_path):
    """``await market(closes, **settings)`` -> a started system replaying those bars (stopped at the end)."""
    systems = []

    async def start(closes: list[float], **overrides: object):
        csv = write_bars(tmp_path / 'bars.csv', closes, spread=overrides.pop('spread', 0.0))  # type: ignore[arg-type]
        system = make_system(feed=f'replay:{csv}', symbols=['BTC/USDT'], speed=60, **overrides)
        await system.start()
        systems.append(system)
        return system

    yield start
    for system in systems:
        await system.stop()


def triggers(system, alert_id: int | None = None) -> list:
    events = system.bus.recent(type_=EventType.ALERT_TRIGGERED, limit=1000)
    return [e for e in events if alert_id is None or e.data['alert_id'] == alert_id]


async def add(system, rule: dict, **fields: object):
    spec = AlertSpec.model_validate({'name': 'test', 'rule': rule, 'cooldown_s': 0, **fields})
    return await system.alert_commands.create(spec, who=LOCAL, origin='test')


async def bars(system, count: int) -> None:
    """Let ``count`` bars of the replay happen (a second of the clock each)."""
    for _ in range(count):
        await system.engine.clock.advance(1.0)


async def test_a_crossing_fires_once_and_again_only_after_clearing(market) -> None:
    system = await market([100, 100, 105, 110, 108, 99, 95, 104, 103])
    alert = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_above', 'value': 102})
    await bars(system, 5)  # 100 -> 105 crosses, 110 and 108 stay above
    fired = triggers(system, alert.id)
    assert [e.data['value'] for e in fired] == [105.0]
    assert fired[0].data['message'] == 'BTC/USDT crossed above 102.000: 105.000'
    assert system.alerts.view(system.alerts.rules[alert.id]).state == 'triggered'
    await bars(system, 2)  # 99, 95: cleared
    assert len(triggers(system, alert.id)) == 1
    assert system.alerts.view(system.alerts.rules[alert.id]).state == 'armed'
    await bars(system, 2)  # 104: crosses again
    assert [e.data['value'] for e in triggers(system, alert.id)] == [105.0, 104.0]


async def test_each_reader_gets_a_trigger_in_their_language_from_the_event_or_the_history(market) -> None:
    """A web replica gets the event's JSON over Redis and reads the history from the database: either is enough to
    write the message in its viewer's language; in English that is the message stored."""
    system = await market([100, 100, 105, 110, 108, 104, 103])
    crossing = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_above', 'value': 102})
    move = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'moves', 'value': 4, 'window_s': 180})
    started = await add(system, {'kind': 'event', 'types': ['bot_started']})
    await bars(system, 4)
    await system.commands.control('start', who=LOCAL, origin='test', reason='test')
    await eventually(lambda: len(system.alerts.history().triggers) == 3, what='three triggers stored')
    german = {
        crossing.id: 'BTC/USDT stieg über 102,000: 105,000',
        move.id: 'BTC/USDT bewegte sich um +5,00 % innerhalb von 3 Min. (jetzt 105,000)',
        started.id: 'bot_started: Bot läuft (test)',
    }
    for event in triggers(system):
        sent = Event.from_json(event.json).payload_as(AlertTriggered)  # as a replica has it
        assert sent is not None
        with using('en'):
            assert messages.written_again(sent.rule, sent.value, sent.detail, sent.message) == sent.message
        with using('de'):
            assert messages.written_again(sent.rule, sent.value, sent.detail, sent.message) == german[sent.alert_id]
            assert summarize(event) == f'[Warnung] test: {german[sent.alert_id]}'  # the live feed, /events
    for kept in system.alerts.history().triggers:
        with using('de'):
            assert messages.written_again(kept.rule, kept.value, kept.detail, kept.message) == german[kept.alert_id]


async def test_above_fires_at_once_when_it_already_holds_and_crosses_does_not(market) -> None:
    system = await market([100, 100, 100, 100])
    await bars(system, 1)
    above = await add(system, {'kind': 'price', 'symbol': 'BTC-USDT', 'op': 'above', 'value': 90})
    crossing = await add(system, {'kind': 'price', 'symbol': 'BTCUSDT', 'op': 'crosses_above', 'value': 90})
    await bars(system, 2)
    assert above.rule.symbol == 'BTC/USDT' and len(triggers(system, above.id)) == 1
    assert triggers(system, crossing.id) == []


async def test_cooldown_snooze_and_disable_hold_it_back(market) -> None:
    system = await market([100, 100, 105, 99, 105, 99, 105, 99, 105, 99, 105])
    cooled = await add(
        system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_above', 'value': 102}, cooldown_s=3
    )
    snoozed = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_below', 'value': 101})
    off = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'crosses_below', 'value': 101}, enabled=False)
    await system.alert_commands.update(snoozed.id, AlertUpdate(snooze_s=6.5), who=LOCAL, origin='test')
    assert system.alerts.view(system.alerts.rules[snoozed.id]).state == 'snoozed'
    await bars(system, 3)  # 105 at t+2: fires, then cooling down for 3 s
    assert len(triggers(system, cooled.id)) == 1
    assert system.alerts.view(system.alerts.rules[cooled.id]).state == 'cooling_down'
    await bars(system, 2)  # 105 again at t+4: within the cooldown
    assert len(triggers(system, cooled.id)) == 1
    await bars(system, 2)  # 105 at t+6: cooled down
    assert len(triggers(system, cooled.id)) == 2
    assert triggers(system, snoozed.id) == [], 'silent while snoozed'
    await bars(system, 2)  # 99 again after the snooze ended
    assert len(triggers(system, snoozed.id)) == 1
    assert triggers(system, off.id) == []
    assert system.alerts.view(system.alerts.rules[off.id]).state == 'disabled'


async def test_a_move_within_a_window(market) -> None:
    system = await market([100, 100, 100.5, 101, 103.5, 103, 103, 103, 103, 103, 103, 103])
    alert = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'moves', 'value': 3, 'window_s': 180})
    await bars(system, 4)
    assert triggers(system, alert.id) == []  # +1 %
    await bars(system, 1)  # 100.5 -> 103.5 within 3 minutes: +3.5 %
    (fired,) = triggers(system, alert.id)
    assert fired.data['value'] == pytest.approx(3.5)
    assert 'moved +3.50 % within 3 min' in fired.data['message']


async def test_an_indicator_condition_on_closed_candles_matches_ta_lib(market) -> None:
    closes = [100 + 3 * math.sin(i / 4) + i * 0.05 for i in range(60)] + [95 + 2 * i for i in range(15)]
    system = await market(closes)
    await bars(system, 62)
    rsi = await add(
        system, {'kind': 'indicator', 'symbol': 'BTC/USDT', 'timeframe': '1m', 'left': 'rsi:14', 'op': '>', 'right': 70}
    )
    cross = await add(
        system, {'kind': 'indicator', 'symbol': 'BTC/USDT', 'left': 'close', 'op': 'crosses_above', 'right': 'ema:50'}
    )
    created = len(system.store.candles('BTC/USDT', '1m', 1000))
    await bars(system, 14)
    (first_rsi,) = triggers(system, rsi.id)
    stored = np.array([c.close for c in system.store.candles('BTC/USDT', '1m', 1000)])
    values = talib.RSI(stored, 14)
    first = next(i for i in range(created - 1, len(values)) if values[i] >= 70)
    assert first_rsi.data['value'] == pytest.approx(values[first], rel=1e-9), 'the first closed candle it held on'
    (crossed,) = triggers(system, cross.id)
    assert crossed.data['message'].startswith('BTC/USDT 1m: close crossed above ema:50 (')


async def test_trading_and_bot_events(market) -> None:
    system = await market(
        [100, 100, 101, 102, 103, 104, 103, 102, 101, 100, 99, 100, 101, 102, 103, 104, 105],
        strategy='sma_cross',
        strategy_params={'fast': 2, 'slow': 3},
    )
    alert = await add(system, {'kind': 'event', 'types': ['order_filled', 'bot_started']})
    await system.commands.control('start', who=LOCAL, origin='test', reason='test')
    await bars(system, 17)
    fired = [e.data['message'] for e in triggers(system, alert.id)]
    assert fired[0].startswith('bot_started: bot running')
    assert any(m.startswith('order_filled: BTC/USDT long entry') for m in fired)


async def test_position_pnl_drawdown_and_daily_loss(market) -> None:
    closes = [100, 100, 99, 98, 97, 96, 97, 98, 99, 101, 102, 90, 85, 85, 85, 85]
    system = await market(
        closes,
        strategy='sma_cross',
        strategy_params={'fast': 2, 'slow': 3},
        risk={'sizing': 'fixed', 'fixed_margin': 5000, 'max_daily_loss_pct': 100},
    )
    loss = await add(system, {'kind': 'account', 'metric': 'position_pnl_pct', 'op': 'below', 'value': -5})
    drawdown = await add(system, {'kind': 'account', 'metric': 'drawdown_pct', 'value': 2})
    daily = await add(system, {'kind': 'account', 'metric': 'daily_loss_pct', 'value': 1})
    await system.commands.control('start', who=LOCAL, origin='test', reason='test')
    await advance_until(system.engine.clock, lambda: triggers(system, loss.id), limit_s=16, what='position alert')
    (fired,) = triggers(system, loss.id)
    assert fired.data['value'] <= -5 and fired.data['symbol'] == 'BTC/USDT'
    await advance_until(system.engine.clock, lambda: triggers(system, drawdown.id), limit_s=16, what='drawdown')
    assert triggers(system, drawdown.id)[0].data['value'] >= 2
    await advance_until(system.engine.clock, lambda: triggers(system, daily.id), limit_s=16, what='daily loss')
    (lost,) = triggers(system, daily.id)
    assert lost.data['value'] >= 1 and lost.data['message'].startswith("today's loss is ")
    updates = system.bus.recent(type_=EventType.PNL_UPDATE, limit=1000)
    pnl = max((e for e in updates if e.id < lost.id), key=lambda e: e.id).data  # the one it fired on
    day_start = pnl['equity'] - pnl['daily_pnl']
    assert lost.data['value'] == pytest.approx(-100 * pnl['daily_pnl'] / day_start), 'the loss since the day began'


async def test_a_stale_feed_and_a_bot_in_error(market, make_system, tmp_path) -> None:
    system = await market([100, 101, 102])
    stale = await add(system, {'kind': 'health', 'check': 'feed_stale', 'seconds': 30})
    await bars(system, 3)  # the replay ends: no more prices
    await system.engine.clock.advance(20)
    assert triggers(system, stale.id) == []
    await system.engine.clock.advance(15)
    (fired,) = triggers(system, stale.id)
    assert fired.data['value'] >= 30 and fired.data['message'].startswith('no price from the feed for ')
    resumed = PriceUpdate(symbol='BTC/USDT', price=102.0, timestamp=system.engine.clock.time())
    system.bus.publish(EventType.PRICE_UPDATE, resumed, source='feed')  # a price: no longer stale
    await system.engine.clock.advance(20)
    assert len(triggers(system, stale.id)) == 1
    await system.engine.clock.advance(15)  # stale again: a second outage is reported too
    assert len(triggers(system, stale.id)) == 2

    broken = make_system(data_dir=tmp_path / 'broken', feed=f'replay:{tmp_path / "missing.csv"}', symbols=['BTC/USDT'])
    await broken.start()
    try:
        error = await add(broken, {'kind': 'health', 'check': 'bot_error'}, severity='critical')
        result = await broken.commands.control('start', who=LOCAL, origin='test', reason='test')
        assert not result.success
        await advance_until(broken.engine.clock, lambda: triggers(broken, error.id), limit_s=5, what='bot error')
        assert triggers(broken, error.id)[0].data['severity'] == 'critical'
    finally:
        await broken.stop()


async def test_database_writes_failing(market) -> None:
    system = await market([100, 101, 102])
    alert = await add(system, {'kind': 'health', 'check': 'database_failing'}, severity='critical')
    clock, full = system.engine.clock, {'on': True}

    def no_space(_conn, _cursor, statement, *_args) -> None:
        if full['on'] and statement.lstrip().upper().startswith(('INSERT', 'UPDATE', 'DELETE')):
            raise OperationalError(statement, None, sqlite3.OperationalError('database or disk is full'))

    async def write_an_event() -> None:
        system.bus.publish(EventType.NOTIFICATION, Notification(message='x', level='info'), source='test')
        await clock.advance(0)  # the firing is published by a task

    sa_event.listen(system.store.engine, 'before_cursor_execute', no_space)
    await write_an_event()
    (fired,) = triggers(system, alert.id)
    assert 'disk is full' in fired.data['value'] and fired.data['message'].startswith('database writes failing: ')
    await write_an_event()
    assert len(triggers(system, alert.id)) == 1, 'not again while it keeps failing'
    full['on'] = False
    await write_an_event()  # stored again: the condition cleared
    assert system.alerts.evaluator.states[alert.id].holds is False
    full['on'] = True
    await write_an_event()
    assert len(triggers(system, alert.id)) == 2
    sa_event.remove(system.store.engine, 'before_cursor_execute', no_space)


async def test_rules_survive_a_restart_without_firing_again(make_system, tmp_path) -> None:
    write_bars(tmp_path / 'bars.csv', [105, 105, 105, 105, 105])
    system = make_system(feed=f'replay:{tmp_path / "bars.csv"}', symbols=['BTC/USDT'], speed=60)
    await system.start()
    try:
        alert = await add(system, {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'above', 'value': 102})
        await bars(system, 3)
        assert len(triggers(system, alert.id)) == 1
    finally:
        await system.stop()
    again = make_system(feed=f'replay:{tmp_path / "bars.csv"}', symbols=['BTC/USDT'], speed=60)
    await again.start()
    try:
        assert [a.name for a in (again.alerts.view(r) for r in again.alerts.rules.values())] == ['test']
        await bars(again, 4)
        assert triggers(again, alert.id) == [], 'it held before the restart: no new firing'
        assert again.alerts.history().total == 1
    finally:
        await again.stop()
