"""/analytics through NiceGUI's simulated user, on a bot replaying the 1-minute BTC sample at full speed: figures
that follow the closing trades, filters, the heatmap, exports, and live vs backtest."""

from __future__ import annotations

import pytest
from nicegui import app
from nicegui.testing import User

from components.analytics_filters import ALL
from oracle_ui.backtest import sample_files
from oracle_ui.engine.feed import FeedStatus

from .helpers import eventually

pytestmark = pytest.mark.slow


def system():
    return app.state.system


@pytest.fixture
def replay_env(oracle_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('ORACLE_FEED', f'replay:{sample_files()["BTCUSDT_sim_1m.csv"]}')
    monkeypatch.setenv('ORACLE_SYMBOLS', 'BTC/USDT')
    monkeypatch.setenv('ORACLE_SPEED', 'max')
    monkeypatch.setenv('ORACLE_STRATEGY', 'sma_cross')
    monkeypatch.setenv('ORACLE_RISK__MAX_POSITIONS', '1')
    monkeypatch.setenv('ORACLE_RISK__MAX_DAILY_LOSS_PCT', '100')


def shown(user: User, marker: str) -> str:
    return user.find(marker=marker).elements.pop().text


async def test_figures_follow_closing_trades_and_the_filters(replay_env, user: User) -> None:
    await user.open('/analytics')
    user.find(marker='an-period').elements.pop().value = 'all'
    await eventually(lambda: system().engine.feed.status is FeedStatus.ENDED, 60)
    closed = system().store.trades(closed_only=True)
    await eventually(lambda: shown(user, 'an-metric-trades') == f'{len(closed):,}', 10)  # redrawn as trades closed
    heatmap = user.find(marker='an-heatmap').elements.pop().content
    assert heatmap.count('class="cell"') == 1 and '2023' in heatmap  # the sample's one month
    symbols = user.find(marker='an-symbols').elements.pop()
    assert [r['key'] for r in symbols.rows] == ['BTC/USDT'] and symbols.rows[0]['trades'] == len(closed)
    user.find(marker='an-side').elements.pop().value = 'short'
    await eventually(lambda: shown(user, 'an-metric-trades') == '0', 10)
    user.find(marker='an-side').elements.pop().value = 'long'
    await eventually(lambda: shown(user, 'an-metric-trades') == f'{len(closed):,}', 10)
    user.find(marker='an-export-csv').click()
    await eventually(lambda: user.download.http_responses, 10)
    assert user.download.http_responses[-1].content.startswith(b'PK'), 'a zip of the CSV files'


async def test_live_vs_backtest_on_the_page(replay_env, user: User) -> None:
    await user.open('/analytics')
    await eventually(lambda: system().engine.feed.status is FeedStatus.ENDED, 60)
    user.find(marker='an-period').elements.pop().value = 'all'
    user.find(marker='lvb-run').click()
    trades = len(system().store.trades())
    await user.should_see(marker='lvb-summary', retries=100)  # a backtest over the whole replay runs first
    assert shown(user, 'lvb-summary').endswith(f'{trades} matched, 0 missed, 0 extra'), shown(user, 'lvb-summary')
    assert len(user.find(marker='lvb-pairs').elements.pop().rows) == trades


async def test_the_filters_come_from_the_url_so_a_reload_keeps_them(replay_env, user: User) -> None:
    """Switching the language reloads the page: its filters are in its URL, the symbol's once a report offers it."""
    await eventually(lambda: system().engine.feed.status is FeedStatus.ENDED, 60)
    await user.open('/analytics?period=all&side=short&symbol=BTC%2FUSDT&strategy=nonsense')
    assert user.find(marker='an-period').elements.pop().value == 'all'
    assert user.find(marker='an-side').elements.pop().value == 'short'
    await eventually(lambda: user.find(marker='an-symbol').elements.pop().value == 'BTC/USDT', 10)
    assert user.find(marker='an-strategy').elements.pop().value == ALL, 'a strategy never traded here is ignored'
    await eventually(lambda: shown(user, 'an-metric-trades') == '0', 10)  # no short trades: the filter applies
