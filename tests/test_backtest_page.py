"""/backtest for crypto: the live sizing by default, reasons and warnings, errors that replace stale results, the
trade table with dates, and saved runs (save, compare, delete; deleting needs an operator)."""

from __future__ import annotations

import pytest
from nicegui import app
from nicegui.testing import User

from oracle_ui.errors import CommandError
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from .helpers import eventually
from .sessions import log_in

PASSWORD = 'correct horse battery staple'
pytestmark = pytest.mark.slow  # each runs backtests of thousands of bars through the page


def system():
    return app.state.system


async def run_sample(user: User, sample: str, **fields: object) -> None:
    await user.open('/backtest')
    user.find(marker='bt-data').elements.pop().value = f'sample: {sample}'
    for marker, value in fields.items():
        user.find(marker=f'bt-{marker}').elements.pop().value = value
    user.find(marker='bt-run').click()


async def test_crypto_runs_with_the_live_sizing_and_lists_its_trades_with_dates(user: User) -> None:
    await run_sample(user, 'BTCUSDT_sim_1m.csv')
    await user.should_see('SMA crossover: 5,000 bars in', retries=100)
    assert user.find(marker='bt-sizing').elements.pop().value == 'fixed', 'the live default'
    table = user.find(marker='bt-trades').elements.pop()
    assert len(table.rows) == 144
    first = table.rows[0]
    assert first['entry_time'].startswith('2023-11-14') and first['exit_time'].startswith('2023-11-14')
    assert float(first['size']) < 0.001, 'a fraction of a coin'
    await user.should_see(marker='bt-stat-buy_hold_return_pct')
    await user.should_see('-0.32 %')  # buy and hold over the same bars
    chart = user.find(marker='bt-chart').elements.pop()
    candles = chart.figure['data'][0]['x']
    assert len(candles) == 1667 and candles[0].startswith('2023-11-14'), 'all 5,000 bars, 3 per candle'
    entries = next(t for t in chart.figure['data'] if t['name'] == 'entries')
    assert len(entries['x']) == 144


@pytest.mark.parametrize(
    ('sizing', 'reason'),
    [
        ('all-in', 'buys no whole unit at 64973.6 (all-in buys whole units)'),
        ('risk', 'risk sizing needs a stop-loss (sma_cross sets none)'),
    ],
)
async def test_a_run_without_trades_says_why(user: User, sizing: str, reason: str) -> None:
    await run_sample(user, 'BTCUSDT_sim_1m.csv', sizing=sizing)
    await user.should_see('no trade: 144 of 144 entry signals were refused', retries=100)
    await user.should_see(reason)


@pytest.mark.parametrize(
    ('sizing', 'reason'),
    [
        ('all-in', 'Bar 31: freies Guthaben 10.000,00 reicht bei 64.973,6 für keine ganze Einheit (All-in kauft'),
        ('risk', 'Bar 30: Risiko-Sizing braucht einen Stop-Loss (sma_cross setzt keinen)'),
    ],
)
async def test_why_a_run_made_no_trade_is_said_in_the_viewers_language(user: User, sizing: str, reason: str) -> None:
    user.http_client.headers['Accept-Language'] = 'de'
    await run_sample(user, 'BTCUSDT_sim_1m.csv', sizing=sizing)
    await user.should_see('kein Trade: 144 von 144 Einstiegssignalen wurden abgelehnt', retries=100)
    await user.should_see(reason)
    status = user.find(marker='bt-message').elements.pop().text
    assert f'144 Orders abgelehnt, z. B. {reason.split(" (")[0]}' in status, status


async def test_all_in_with_leverage_is_warned_about(user: User) -> None:
    await run_sample(user, 'BTCUSDT_sim_1m.csv', strategy='regime', sizing='all-in')
    await user.should_see('warning: all-in at up to 15x leverage puts the whole account in each trade', retries=100)


async def test_an_error_replaces_the_previous_results_and_the_field_keeps_what_was_typed(user: User) -> None:
    await run_sample(user, 'GOOG_daily.csv')
    await user.should_see('SMA crossover: 2,148 bars in', retries=100)
    await user.should_see(marker='bt-stats')
    commission = user.find(marker='bt-commission').elements.pop()
    commission.value = -0.1
    user.find(marker='bt-run').click()
    await user.should_see('fix Commission')
    await user.should_not_see(marker='bt-stats')
    assert commission.value == -0.1 and commission.error == 'a fraction in [0, 0.5)'


async def test_runs_are_saved_compared_and_deleted(user: User) -> None:
    await run_sample(user, 'GOOG_daily.csv', sizing='all-in')
    await user.should_see('SMA crossover: 2,148 bars in', retries=100)
    user.find(marker='bt-save').click()
    await user.should_see('saved as #1')
    user.find(marker='bt-sizing').elements.pop().value = 'fixed'
    user.find(marker='bt-run').click()
    await eventually(lambda: user.find(marker='bt-save').elements.pop().enabled, 30)
    user.find(marker='bt-save').click()
    await user.should_see('saved as #2')
    stored = system().store.backtest_runs.get(1)
    assert stored is not None and stored.stats['end_equity'] == pytest.approx(69_336.74, abs=0.005)
    assert stored.data_name == 'GOOG_daily.csv' and len(stored.data_sha256) == 64 and stored.bars == 2148
    assert len(stored.equity) == 2148 and stored.config['sizing'] == 'all-in' and len(stored.trades) == 47
    runs = user.find(marker='bt-runs').elements.pop()
    assert [r['id'] for r in runs.rows] == [2, 1]
    runs.selected = list(runs.rows)
    user.find(marker='bt-compare').click()
    await user.should_see(marker='bt-comparison')
    comparison = user.find(marker='bt-comparison').elements.pop()
    ending = next(r for r in comparison.rows if r['metric'] == 'End equity')
    assert ending['run1'] == '69,336.74'
    assert len(user.find(marker='bt-compare-equity').elements.pop().figure['data']) == 2
    runs.selected = [runs.rows[1]]
    user.find(marker='bt-report-html').click()
    await eventually(lambda: user.download.http_responses, 10)
    tearsheet = user.download.http_responses[-1].text
    assert 'backtest #1' in tearsheet and '69,336.74' in tearsheet and '<svg' in tearsheet
    runs.selected = [runs.rows[0]]
    user.find(marker='bt-delete').click()
    await user.should_see('deleted 1 run')
    assert [r.id for r in system().store.backtest_runs.list()] == [1]
    audit = [e.data for e in system().bus.recent(type_='user_action')]
    assert [a['action'] for a in audit if 'backtest' in a['action']] == ['save_backtest'] * 2 + ['delete_backtests']


@pytest.fixture
def viewer_account(oracle_env):
    store = Store(oracle_env / 'data' / 'oracle.db')
    Accounts(store.engine).add_user('victor', PASSWORD, Role.VIEWER)
    store.close()


async def test_a_viewer_may_run_and_save_but_not_delete(viewer_account, user: User) -> None:
    await user.open('/backtest')
    await log_in(user, 'victor', PASSWORD)
    await user.should_see('Run backtest')
    user.find(marker='bt-run').click()
    await eventually(lambda: user.find(marker='bt-save').elements.pop().enabled, 30)
    user.find(marker='bt-save').click()
    await user.should_see('saved as #1')
    assert system().store.backtest_runs.get(1).owner == 'victor'
    await user.should_not_see(marker='bt-delete')
    with pytest.raises(CommandError, match='viewer role'):
        system().commands.delete_backtests([1], who=system().access.accounts.user('victor'), origin='test')
