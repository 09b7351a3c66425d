"""The dashboard page through NiceGUI's simulated user (the production app, the market on a manual clock)."""

from datetime import UTC

import pytest
from nicegui import app
from nicegui.testing import User

from oracle_ui.clock import ManualClock
from oracle_ui.control import BotState
from oracle_ui.events import EventType, OrderInfo, SystemAlert
from oracle_ui.formatting import local_time
from oracle_ui.views.live_vs_backtest import backtest_markers

from .conftest import START
from .helpers import advance_until, eventually

NOTE_60X = 'simulated market \N{MULTIPLICATION SIGN}60 — times are simulated'


async def test_dashboard_shows_live_prices_paper_badge_and_bot_state(user: User, clock: ManualClock) -> None:
    await user.open('/')
    await user.should_see('PAPER TRADING')
    await user.should_see('bot: running')
    await user.should_see('feed: live')
    (price,) = user.find(marker='price-BTC/USDT').elements
    await clock.advance(1)
    before = price.text
    await clock.advance(5)
    await eventually(lambda: price.text != before, what='the BTC price moving with the market')
    assert price.text == f'{app.state.system.engine.state["BTC/USDT"].last_tick.price:,.2f}'


async def test_stop_asks_for_confirmation_then_stops_the_bot(user: User) -> None:
    await user.open('/')
    await user.should_see('bot: running')
    user.find(marker='stop-button').click()
    await user.should_see('Stop the bot?')
    user.find(marker='confirm-stop').click()
    await user.should_see('bot: stopped')
    await user.should_see('bot stopped; open positions keep their stop-loss and take-profit')
    assert app.state.system.controller.state is BotState.STOPPED
    user.find(marker='start-button').click()
    await user.should_see('bot: running')
    assert app.state.system.controller.state is BotState.RUNNING


@pytest.fixture
def quiet_sampler(monkeypatch):
    """No real metrics for an hour: the only system_metrics events are the test's."""
    monkeypatch.setenv('ORACLE_METRICS_INTERVAL_S', '3600')


METRICS = {
    'cpu_percent': 42.5,
    'memory_percent': 10.0,
    'process_rss_mb': 100.0,
    'open_connections': 3,
    'event_loop_lag_ms': 1.0,
    'events_per_s': 2.0,
    'threads': 4,
    'uptime_s': 60.0,
}


async def test_a_test_event_with_odd_data_does_not_break_the_dashboard(quiet_sampler, user: User) -> None:
    await user.open('/')
    await user.should_see('bot: running')
    http = user.http_client
    odd = await http.post(
        '/dashboard/api/emit-test-event', json={'type': 'system_metrics', 'data': {**METRICS, 'cpu_percent': 'high'}}
    )
    assert odd.status_code == 200  # through the real bus to every subscriber; no ERROR may be logged (user fixture)
    good = await http.post('/dashboard/api/emit-test-event', json={'type': 'system_metrics', 'data': METRICS})
    assert good.status_code == 200
    await user.should_see('42.5 %')  # the shared state and the page still take metrics
    notice = {'type': 'notification', 'data': {'message': 'after the odd one', 'level': 'info'}}
    assert (await http.post('/dashboard/api/emit-test-event', json=notice)).status_code == 200
    await user.should_see('notification: after the odd one [test]')


async def test_routine_notices_go_to_the_feed_only_and_the_rest_are_toasts(user: User) -> None:
    await user.open('/')
    await user.should_see('Live events')
    bus = app.state.system.bus
    alert = {'metric': 'drill_percent', 'value': 50.0, 'threshold': 90.0}
    for message, level in (('drill percent is 95.0', 'warning'), ('drill percent back to normal', 'info')):
        bus.publish(EventType.SYSTEM_ALERT, SystemAlert(message=message, level=level, **alert), source='metrics')
    for _ in range(3):
        bus.publish(EventType.ORDER_REJECTED, rejection('max concurrent positions reached'), source='broker')
    bus.publish(EventType.ORDER_REJECTED, rejection('insufficient free balance'), source='broker')
    feed = user.find(marker='events-feed').elements.pop()
    await eventually(
        lambda: sum('refused' in row['summary'] for row in feed.rows) == 4, what='every rejection in the feed'
    )
    assert any(row['summary'] == 'drill percent back to normal' for row in feed.rows)
    toasts = user.notify.messages
    assert [m for m in toasts if 'drill percent' in m] == ['system alert: drill percent is 95.0']
    assert sum('max concurrent positions reached' in m for m in toasts) == 1, 'a repeated rejection is routine'
    assert sum('insufficient free balance' in m for m in toasts) == 1, 'a different one is news'


def rejection(reason: str) -> OrderInfo:
    return OrderInfo(
        order_id=1,
        symbol='BTC/USDT',
        side='long',
        leverage=1.0,
        quantity=None,
        margin=10.0,
        stop_loss=None,
        take_profit=None,
        strategy='regime',
        reason=reason,
        time=START,
    )


async def test_pages_say_the_market_is_simulated_and_show_its_time_for_market_events(
    user: User, clock: ManualClock
) -> None:
    await user.open('/')
    await user.should_see(NOTE_60X)  # ORACLE_SPEED=60 (conftest)
    await clock.advance(60)  # an hour of market time
    await advance_until(clock, lambda: app.state.system.engine.broker.positions, what='an open position')
    position = next(iter(app.state.system.engine.broker.positions.values()))
    assert position.entry_time - clock.time() > 600, 'market time has run ahead of the clock'
    feed = user.find(marker='events-feed').elements.pop()
    entry = local_time(position.entry_time, UTC, with_date=False)
    await eventually(lambda: any(r['type'] == 'order_filled' and r['time'] == entry for r in feed.rows))
    fill = next(r for r in feed.rows if r['type'] == 'order_filled' and r['time'] == entry)
    assert fill['clock'] == 'market' and f'position #{position.id} opened' in fill['summary']
    started = next(r for r in feed.rows if r['type'] == 'bot_started')
    assert started['clock'] == 'wall' and feed.props['simulated']
    await user.should_see('market time ')
    await user.open('/trades')  # the trades table shows the same moment
    history = user.find(marker='history-table').elements.pop()
    await eventually(lambda: any(r['id'] == position.id for r in history.rows))
    (row,) = [r for r in history.rows if r['id'] == position.id]
    assert row['entry_time'] == local_time(position.entry_time, UTC) and row['entry_time'].endswith(entry)
    await user.should_see(NOTE_60X)


async def test_the_header_counts_browser_tabs_not_pages_left_behind(user: User) -> None:
    for path in ('/', '/trades', '/events', '/'):
        await user.open(path)
    await user.should_see('tabs: 1 · API: 0')


async def test_pnl_is_green_for_gains_and_red_for_losses(user: User, clock: ManualClock) -> None:
    system = app.state.system
    await advance_until(clock, lambda: system.store.count_trades(closed_only=True) >= 2, what='closed trades')
    await user.open('/')
    realized = user.find(marker='account-realized_pnl').elements.pop()
    await eventually(lambda: realized.text not in ('', '+0.00'))
    assert ('text-positive' if system.engine.realized_pnl > 0 else 'text-negative') in realized.classes
    table = user.find(marker='trades-table').elements.pop()
    colours = {'+': 'text-positive', '-': 'text-negative'}
    assert table.rows
    assert all(r['pnl_class'] == colours[r['pnl'][0]] for r in table.rows if r['pnl'] not in ('+0.00', '-0.00'))


async def test_the_chart_draws_the_strategys_backtest_over_its_candles_on_request(
    user: User, clock: ManualClock
) -> None:
    system = app.state.system
    await advance_until(clock, lambda: system.store.count_trades(closed_only=True) >= 2, what='closed trades')
    await user.open('/')
    await user.should_see('backtest trades')
    (panel,) = [e for e in user.find(marker='chart-backtest').elements]
    chart = next(iter(user.find(marker='price-chart').elements))
    panel.set_value(True)
    await eventually(lambda: chart.backtest_trades, what='the backtest drawn')
    start, end = chart.first_time, chart.last_time + chart.period_s
    expected = backtest_markers(system, 'BTC/USDT', start, end)
    assert chart.backtest_trades == expected, 'exactly the strategy backtested over the candles the chart holds'
    assert all(start <= t.entry_time <= end + chart.period_s for t in expected) and all(t.id < 0 for t in expected)
    panel.set_value(False)
    await eventually(lambda: not chart.backtest_trades, what='the backtest removed')
