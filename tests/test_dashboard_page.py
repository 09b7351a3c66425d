"""The dashboard page through NiceGUI's simulated user (the production app, the market on a manual clock)."""

import pytest
from nicegui import app
from nicegui.testing import User

from oracle_ui.clock import ManualClock
from oracle_ui.control import BotState

from .helpers import eventually


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
