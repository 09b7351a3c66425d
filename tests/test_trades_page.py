"""``/trades`` through NiceGUI's simulated user, over trades a replay made: sorting by the server (numeric, across
pages, the same from the Sort menu and from a column header), filters that say what is wrong with them, and the
CSV export (ISO 8601 times, no PnL for an open trade)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from nicegui import app
from nicegui.testing import User

from oracle_ui.engine.feed import FeedStatus

from .helpers import GOOG_SAMPLE, eventually

PAGE_SIZE = 25


def system():
    return app.state.system


@pytest.fixture
def replay_env(tmp_path, monkeypatch) -> None:
    """600 GOOG days replayed at full speed by a fast SMA cross: ~40 trades of 10 USDT margin (PnL of a few
    cents to a few USDT, both signs), more than one page."""
    csv_path = tmp_path / 'goog.csv'
    csv_path.write_text(''.join(GOOG_SAMPLE.read_text().splitlines(keepends=True)[:601]))
    for name, value in {
        'FEED': f'replay:{csv_path}',
        'SPEED': 'max',
        'SYMBOLS': 'GOOG/USD',
        'TIMEFRAME': '1d',
        'STRATEGY': 'sma_cross',
        'STRATEGY_PARAMS': '{"fast": 3, "slow": 8}',
    }.items():
        monkeypatch.setenv(f'ORACLE_{name}', value)


def pnls(table) -> list[float]:
    return [0.0 if row['pnl'] == '—' else float(row['pnl'].replace(',', '')) for row in table.rows]


async def test_trades_sort_numerically_on_the_server_from_the_menu_and_the_headers(replay_env, user: User) -> None:
    await eventually(lambda: system().engine.feed.status is FeedStatus.ENDED, 60, 'the replay to end')
    trades = system().store.trades(limit=None)
    assert len(trades) > PAGE_SIZE and {t.pnl > 0 for t in trades} == {True, False}
    await user.open('/trades')
    table = user.find(marker='history-table').elements.pop()
    sort = user.find(marker='sort').elements.pop()
    await eventually(lambda: len(table.rows) == PAGE_SIZE)

    sort.value = '-pnl'
    await eventually(lambda: pnls(table)[0] == max(t.pnl for t in trades).__round__(2))
    assert pnls(table) == sorted(pnls(table), reverse=True), 'numbers, not text'
    assert table.pagination['sortBy'] == 'pnl' and table.pagination['descending'], 'the header shows the same order'

    header_click = {'pagination': {'sortBy': 'pnl', 'descending': False, 'page': 1, 'rowsPerPage': 0}}
    user.find(marker='history-table').trigger('request', header_click)
    await eventually(lambda: pnls(table)[0] == min(t.pnl for t in trades).__round__(2))
    assert sort.value == 'pnl', 'the Sort menu follows the header'
    assert pnls(table) == sorted(pnls(table))

    user.find(marker='history-table').trigger('request', {'pagination': {'sortBy': 'symbol', 'descending': True}})
    await eventually(lambda: sort.value == '-symbol')
    user.find(marker='page-next').click()
    await user.should_see('page 2 of')
    user.find(marker='history-table').trigger('request', {'pagination': {'sortBy': 'id', 'descending': False}})
    await eventually(lambda: [r['id'] for r in table.rows] == sorted(t.id for t in trades)[:PAGE_SIZE])
    await user.should_see('page 1 of')  # a new order starts at the first page


async def test_trades_filters_say_what_is_wrong_and_the_csv_has_iso_times(replay_env, user: User) -> None:
    await eventually(lambda: system().engine.feed.status is FeedStatus.ENDED, 60, 'the replay to end')
    trades = {t.id: t for t in system().store.trades(limit=None)}
    await user.open('/trades')
    table = user.find(marker='history-table').elements.pop()
    await eventually(lambda: len(table.rows) == PAGE_SIZE)
    shown = list(table.rows)
    user.find(marker='filter-from').type('garbage')  # no Enter: typed filters apply when typing pauses
    await user.should_see("Not filtered — From: 'garbage' is not a date like 2026-11-26")
    assert table.rows == shown, 'a bad filter does not pretend there are no trades'
    user.find(marker='filter-from').clear().type('2005-06-01')
    user.find(marker='filter-to').type('2005-06-30')
    june = [t for t in trades.values() if datetime.fromtimestamp(t.entry_time).date().isoformat() >= '2005-06-01']
    june = [t for t in june if datetime.fromtimestamp(t.entry_time).date().isoformat() <= '2005-06-30']
    assert june
    await eventually(lambda: {r['id'] for r in table.rows} == {t.id for t in june})
    await user.should_see(trades_count(len(june)))
    user.find(marker='filter-from').clear()
    user.find(marker='filter-to').clear()
    side = user.find(marker='filter-side').elements.pop()
    side.value = 'long'
    await user.should_see(trades_count(sum(t.side.value == 'long' for t in trades.values())))
    assert table.rows and {r['side'] for r in table.rows} == {'long'}
    side.value = 'all'

    user.find(marker='export-csv').click()
    response = await user.download.next()
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(trades)
    for row in rows:
        trade = trades[int(row['id'])]
        assert datetime.fromisoformat(row['entry_time']).timestamp() == trade.entry_time
        assert row['entry_time'].endswith('+00:00'), 'ISO 8601 with the offset of the viewer (UTC here)'
        if trade.status.value == 'OPEN':
            assert row['pnl'] == row['exit_time'] == row['exit_price'] == ''
        else:
            assert float(row['pnl']) == trade.pnl and datetime.fromisoformat(row['exit_time']).timestamp() > 0
    assert any(r['status'] == 'OPEN' for r in rows)


def trades_count(count: int) -> str:
    """How the summary line counts trades (``1 trade``, ``3 trades``), up to the closed ones that follow."""
    return f'{count} trade{"" if count == 1 else "s"} · '


async def test_trades_filters_come_from_the_url_so_a_reload_keeps_them(replay_env, user: User) -> None:
    """Switching the language reloads the page: the filters it had are in its URL (a bad value is ignored)."""
    await eventually(lambda: system().engine.feed.status is FeedStatus.ENDED, 60, 'the replay to end')
    trades = system().store.trades(limit=None)
    await user.open('/trades?side=short&since=2005-06-01&sort=-pnl&symbol=DOGE%2FUSDT')
    assert user.find(marker='filter-side').elements.pop().value == 'short'
    assert user.find(marker='filter-from').elements.pop().value == '2005-06-01'
    assert user.find(marker='sort').elements.pop().value == '-pnl'
    assert user.find(marker='filter-symbol').elements.pop().value == 'all', 'not a symbol traded here: ignored'
    table = user.find(marker='history-table').elements.pop()
    after = datetime(2005, 6, 1, tzinfo=UTC).timestamp()  # the viewer is in UTC here
    wanted = sorted((t for t in trades if t.side.value == 'short' and t.entry_time >= after), key=lambda t: -t.pnl)
    await eventually(lambda: [r['id'] for r in table.rows] == [t.id for t in wanted[:PAGE_SIZE]])
