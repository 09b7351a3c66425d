"""Every page through NiceGUI's simulated user (the production app, a fresh data directory, the market on a
manual clock)."""

import sqlite3
from datetime import UTC

from nicegui import app
from nicegui.testing import User
from sqlalchemy import event as sa_event
from sqlalchemy.exc import OperationalError

from oracle_ui.clock import ManualClock
from oracle_ui.events import EventType, Notification
from oracle_ui.formatting import local_time

from .helpers import advance_until, eventually


def system():
    return app.state.system


async def test_a_published_event_reaches_the_feed_and_raises_a_notification(user: User) -> None:
    await user.open('/')
    await user.should_see('Live events')
    system().bus.publish_test(EventType.NOTIFICATION, {'message': 'margin call drill', 'level': 'warning'})
    await user.should_see('margin call drill')  # the toast
    feed = user.find(marker='events-feed').elements.pop()
    assert any(row['summary'] == 'margin call drill' and row['topic'] == 'notifications' for row in feed.rows)
    assert 'notifications' in feed.props['topics']
    user.find(marker='feed-chip-notifications').elements.pop().set_selected(False)
    await eventually(lambda: 'notifications' not in feed.props['topics'])


async def test_dashboard_metrics_chart_and_controls(user: User) -> None:
    await user.open('/')
    await user.should_see('Process RSS')
    await user.should_see('Events/s')
    await eventually(lambda: system().metrics.latest.process_rss_mb > 0)
    await user.should_see('MB')
    chart = user.find(marker='price-chart').elements.pop()
    assert chart.figure['data'][0]['type'] == 'candlestick' and len(chart.figure['data'][0]['x']) >= 100
    names = [t.get('name') for t in chart.figure['data']]
    own = {'EMA 10', 'EMA 20', 'EMA 50', 'Bollinger 20 2 upper', 'Bollinger 20 2 lower', 'RSI 14', 'ADX 14', 'Volume'}
    assert own | {'entries', 'exits'} <= set(names), 'the regime strategy reads these indicators'
    user.find(marker='restart-button').click()
    await user.should_see('Restart the bot?')
    user.find(marker='confirm-restart').click()
    await user.should_see('bot restarted')


async def test_close_all_positions_from_the_dashboard(user: User, clock: ManualClock) -> None:
    await user.open('/')
    await advance_until(clock, lambda: system().engine.broker.positions, what='an open position')
    ids = {p.id for p in system().engine.broker.positions.values()}  # the market stands still until the clock moves
    user.find(marker='close-all').click()
    await user.should_see('Close all open positions at market now?')
    user.find(marker='confirm-close').click()
    await user.should_see(f'closed {len(ids)} position{"s" if len(ids) > 1 else ""}, PnL')
    assert not system().engine.broker.positions
    statuses = {t.id: t.status.value for t in system().store.trades(limit=100) if t.id in ids}
    assert statuses == dict.fromkeys(ids, 'CLOSED_MANUAL')


async def test_events_page_searches_as_you_type_checks_times_and_folds_a_fill_into_one_row(
    user: User, clock: ManualClock
) -> None:
    bus = system().bus
    bus.publish(EventType.NOTIFICATION, Notification(message='needle in the log'), source='test')
    bus.publish(EventType.NOTIFICATION, Notification(message='hay'), source='test')
    await advance_until(clock, lambda: system().engine.broker.positions, what='an open position')
    position = next(iter(system().engine.broker.positions.values()))
    await user.open('/events')
    table = user.find(marker='events-table').elements.pop()
    await eventually(lambda: len(table.rows) > 2)
    (fill,) = [
        r for r in table.rows if r['type'] == 'order_filled' and f'position #{position.id} opened' in r['summary']
    ]
    assert fill['folded'].split(', ')[-3:] == ['trade_executed', 'balance_update', 'portfolio_update']
    assert 'order_placed' in fill['folded'] and 'position_opened' in fill['folded']
    assert not [r for r in table.rows if r['type'] in ('position_opened', 'balance_update')], 'folded, not repeated'
    assert fill['market_time'] == local_time(position.entry_time, UTC), 'a fill is shown at market time'
    assert fill['time'] != fill['market_time'], 'and logged at wall-clock time (the market runs 60x)'
    note = next(r for r in table.rows if r['summary'] == 'hay')
    assert note['market_time'] == '' and note['time']

    kind = user.find(marker='filter-type').elements.pop()
    kind.value = 'notification'
    await eventually(lambda: table.rows and all(r['type'] == 'notification' for r in table.rows))
    user.find(marker='filter-search').type('needle')  # no Enter: the search runs as you type
    await eventually(lambda: [r['summary'] for r in table.rows] == ['needle in the log'])
    user.find(marker='filter-since').type('soon')
    await user.should_see("Not filtered — From: 'soon' is not a date or time like 2026-11-26 or 2026-11-26 14:30")
    assert [r['summary'] for r in table.rows] == ['needle in the log']


async def test_settings_reject_bad_input_and_apply_good_changes(user: User) -> None:
    await user.open('/settings')
    user.find(marker='settings-strategy').elements.pop().value = 'sma_cross'
    await user.should_see('Fast SMA')
    user.find(marker='param-fast').elements.pop().value = 50
    user.find(marker='settings-save').click()
    await user.should_see('fast (50) must be smaller than slow (20)')
    assert system().engine.strategy.name == 'regime', 'a rejected change changes nothing'
    user.find(marker='param-fast').elements.pop().value = 5
    user.find(marker='risk-max_positions').elements.pop().value = 0
    user.find(marker='settings-save').click()
    await user.should_see('risk.max_positions')
    user.find(marker='risk-max_positions').elements.pop().value = 2
    user.find(marker='settings-save').click()
    await user.should_see('saved and applied: SMA crossover')
    assert system().engine.strategy.name == 'sma_cross' and system().engine.risk.settings.max_positions == 2
    user.find(marker='settings-symbols').elements.pop().value = 'BTC/USDT, not a symbol!'
    user.find(marker='symbols-save').click()
    await user.should_see("invalid symbol 'not a symbol!'")
    await user.open('/events')
    table = user.find(marker='events-table').elements.pop()
    audit = [r for r in table.rows if r['type'] == 'settings_changed']
    assert audit and audit[0]['topic'] == 'audit'
    assert audit[0]['summary'] == (  # what changed, not just that something did
        'local: change settings: strategy regime → sma_cross; parameters fast 5, slow 20; risk.max_positions 3 → 2'
        ' — ok (from ui 127.0.0.1)'
    )


async def test_the_events_pages_filters_come_from_its_url(user: User) -> None:
    """Switching the language reloads the page: the filters it had are in its URL (an unknown type is ignored)."""
    await user.open('/events?topic=audit&q=settings&type=no_such_type')
    assert user.find(marker='filter-topic').elements.pop().value == 'audit'
    assert user.find(marker='filter-search').elements.pop().value == 'settings'
    assert user.find(marker='filter-type').elements.pop().value == 'all'


async def test_backtest_runs_a_sample_and_rejects_bad_parameters(user: User) -> None:
    await user.open('/backtest')
    user.find(marker='bt-data').elements.pop().value = 'sample: GOOG_daily.csv'
    user.find(marker='param-fast').elements.pop().value = 30
    user.find(marker='bt-run').click()
    await user.should_see('fast (30) must be smaller than slow (20)')
    user.find(marker='param-fast').elements.pop().value = 10
    user.find(marker='bt-sizing').elements.pop().value = 'all-in'
    user.find(marker='bt-run').click()
    await user.should_see('SMA crossover: 2,148 bars in', retries=100)
    await user.should_see('69,336.74')  # the same end equity as the CLI's golden file
    await user.should_see('47 trades (46 closed)')
    chart = user.find(marker='bt-chart').elements.pop()
    assert len(chart.figure['data'][0]['x']) == 1074, 'the whole file, two bars per candle'
    assert chart.figure['data'][0]['x'][0].startswith('2004-08-19'), 'from the first bar'
    entries = next(t for t in chart.figure['data'] if t['name'] == 'entries')
    assert len(entries['x']) == 47, 'every trade marked'


async def test_every_page_is_reachable_from_the_header(user: User) -> None:
    for label, heading in (
        ('trades', 'Export CSV'),
        ('events', 'Every stored event'),
        ('backtest', 'Run backtest'),
        ('settings', 'Save and apply'),
        ('dashboard', 'Live events'),
    ):
        await user.open('/')
        user.find(marker=f'nav-{label}').click()
        await user.should_see(heading)


async def test_dashboard_keeps_serving_through_a_failing_database_and_restart_recovers(
    user: User, clock: ManualClock
) -> None:
    await user.open('/')
    await user.should_see('Live events')
    assert system().controller.state.value == 'running'
    full = {'on': True}

    def no_space(_conn, _cursor, statement, *_args) -> None:
        if full['on'] and statement.lstrip().upper().startswith(('INSERT', 'UPDATE', 'DELETE')):
            raise OperationalError(statement, None, sqlite3.OperationalError('database or disk is full'))

    sa_event.listen(system().store.engine, 'before_cursor_execute', no_space)
    await advance_until(clock, lambda: system().controller.state.value == 'error', what='the error state')
    await user.should_see('disk is full')  # toast and feed row
    await user.should_see('bot: error')
    await user.open('/trades')  # pages still load
    await user.should_see('Export CSV')
    full['on'] = False
    await user.open('/')
    user.find(marker='restart-button').click()
    await user.should_see(marker='confirm-restart')
    user.find(marker='confirm-restart').click()
    await user.should_see('bot restarted', retries=100)  # a restart's real work (feed, warm-up) under CI load
    assert system().controller.state.value == 'running'


async def test_without_any_login_the_api_docs_are_open_on_loopback(user: User) -> None:
    schema = await user.http_client.get('/openapi.json')
    assert schema.status_code == 200 and '/dashboard/api/bot-control/{action}' in schema.json()['paths']
    assert 'swagger-ui' in (await user.http_client.get('/docs')).text
