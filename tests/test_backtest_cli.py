"""``oracle-trader backtest`` through its command line, pinned by a golden file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import GOOG_SAMPLE

DATA = Path(__file__).parent / 'data'


pytestmark = pytest.mark.slow  # each test runs the CLI in a subprocess (seconds each)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, '-m', 'oracle_ui.cli', *args], check=False, capture_output=True, text=True, timeout=120
    )


def test_json_output_matches_the_golden_file() -> None:
    """Pinned output of the whole-unit mode; its end equity (69,336.74) also equals backtesting.py's for the same
    SMA(10/20) rules. The stats the metrics module added and the equity curve are pinned too."""
    result = run_cli('backtest', '--data', str(GOOG_SAMPLE), '--strategy', 'sma_cross', '--sizing', 'all-in', '--json')
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    golden = json.loads((DATA / 'golden_sma_cross_goog.json').read_text())
    assert document['stats'].keys() == golden['stats'].keys()
    for key, value in golden['stats'].items():
        assert document['stats'][key] == pytest.approx(value, rel=1e-9), key
    assert len(document['trades']) == len(golden['trades'])
    for got, want in zip(document['trades'], golden['trades'], strict=True):
        for key, value in want.items():
            assert got[key] == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value), key
    assert document['stats']['end_equity'] == pytest.approx(69_336.74, abs=0.005)
    assert len(document['equity']) == 2148 == len(GOOG_SAMPLE.read_text().splitlines()) - 1, 'one point per bar'
    for got, want in zip(document['equity'], golden['equity'], strict=True):
        assert got[0] == want[0] and got[1] == pytest.approx(want[1], rel=1e-9)
    assert document['equity'][0][0] == '2004-08-19T00:00:00+00:00'
    assert document['equity'][-1][1] == pytest.approx(document['stats']['end_equity'], rel=1e-12)
    open_trades = [t for t in document['trades'] if t['exit_bar'] is None]
    assert len(open_trades) == 1 and open_trades[0]['exit_time'] is None and open_trades[0]['exit_price'] is None
    assert document['stats']['trades'] == len(document['trades']) - 1, 'stats count closed trades'
    assert document['stats']['max_drawdown_pct'] < 0
    assert result.stderr == '', 'no progress bar when stderr is not a terminal'


def test_readable_report_and_parameters() -> None:
    result = run_cli(
        'backtest',
        '--data',
        str(GOOG_SAMPLE),
        '--strategy',
        'sma_cross',
        '--param',
        'fast=5',
        '--param',
        'slow=30',
        '--cash',
        '50000',
        '--commission',
        '0.002',
    )
    assert result.returncode == 0, result.stderr
    assert 'Backtest of sma_cross' in result.stdout and 'Start equity      50,000.00' in result.stdout
    assert 'Win rate' in result.stdout and 'open' in result.stdout


def test_risk_sizing_runs_the_regime_strategy() -> None:
    result = run_cli(
        'backtest', '--data', str(DATA / 'EURUSD_1h.csv'), '--strategy', 'regime', '--sizing', 'risk', '--json'
    )
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)['stats']
    assert stats['start_equity'] == 10_000 and stats['trades'] >= 1


def test_fixed_sizing_puts_up_the_margin_per_trade() -> None:
    result = run_cli(
        'backtest',
        '--data',
        str(GOOG_SAMPLE),
        '--strategy',
        'sma_cross',
        '--sizing',
        'fixed',
        '--margin',
        '500',
        '--json',
    )
    assert result.returncode == 0, result.stderr
    trades = json.loads(result.stdout)['trades']
    assert len(trades) > 10
    assert all(t['size'] * t['entry_price'] == pytest.approx(500, rel=1e-12) for t in trades), 'margin x 1 / entry'


@pytest.mark.parametrize(
    ('args', 'message'),
    [
        (['--strategy', 'nope'], "unknown strategy 'nope'; valid: regime"),
        (['--param', 'fast=abc'], 'fast: Input should be a valid integer'),
        (['--param', 'fast'], "parameter 'fast' is not key=value"),
    ],
)
def test_bad_arguments_fail_with_a_clear_message(args: list[str], message: str) -> None:
    result = run_cli('backtest', '--data', str(GOOG_SAMPLE), *args)
    assert result.returncode == 2 and message in result.stderr and 'Traceback' not in result.stderr


def test_bad_csv_fails_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / 'bad.csv'
    bad.write_text('Date,Open,High,Low,Close\n2020-01-01,1,x,0.5,1\n')
    result = run_cli('backtest', '--data', str(bad))
    assert result.returncode == 2 and "line 2, column High: 'x' is not a number" in result.stderr


BTC_SAMPLE = GOOG_SAMPLE.parent / 'BTCUSDT_sim_1m.csv'


def test_default_sizing_is_the_live_one_with_fractional_quantities() -> None:
    """The shipped BTC sample trades with the live default (fixed 10 margin), in fractions of a coin."""
    result = run_cli('backtest', '--data', str(BTC_SAMPLE), '--json')
    assert result.returncode == 0, result.stderr
    trades = json.loads(result.stdout)['trades']
    assert len(trades) > 100 and all(0 < t['size'] < 0.001 for t in trades)
    assert all(t['size'] * t['entry_price'] == pytest.approx(10, rel=1e-12) for t in trades)


def test_the_live_risk_settings_from_the_environment_are_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('ORACLE_RISK__SIZING', 'percent')
    monkeypatch.setenv('ORACLE_RISK__MARGIN_PCT', '20')
    result = run_cli('backtest', '--data', str(BTC_SAMPLE), '--json')
    first = json.loads(result.stdout)['trades'][0]
    assert first['size'] * first['entry_price'] == pytest.approx(2000, rel=1e-12), '20 % of 10,000 at 1x'
    report = run_cli('backtest', '--data', str(BTC_SAMPLE))
    assert 'percent: 20 % of the free balance per trade' in report.stdout


@pytest.mark.slow  # two CLI runs each
@pytest.mark.parametrize(
    ('sizing', 'reason'),
    [
        ('all-in', 'buys no whole unit at 64973.6 (all-in buys whole units): use fixed, percent or risk sizing'),
        ('risk', 'risk sizing needs a stop-loss (sma_cross sets none): use fixed, percent or all-in sizing'),
    ],
)
def test_a_run_without_trades_says_why(sizing: str, reason: str) -> None:
    report = run_cli('backtest', '--data', str(BTC_SAMPLE), '--sizing', sizing)
    assert 'Closed trades     0' in report.stdout
    assert 'no trade: 144 of 144 entry signals were refused' in report.stdout and reason in report.stdout
    document = run_cli('backtest', '--data', str(BTC_SAMPLE), '--sizing', sizing, '--json')
    assert json.loads(document.stdout)['trades'] == [] and reason in document.stderr


def test_all_in_at_leverage_is_warned_about() -> None:
    report = run_cli('backtest', '--data', str(BTC_SAMPLE), '--strategy', 'regime', '--sizing', 'all-in')
    assert 'warning: all-in at up to 15x leverage puts the whole account in each trade' in report.stdout
    assert 'a 6.7 % move against it loses all of it' in report.stdout
    safe = run_cli('backtest', '--data', str(BTC_SAMPLE), '--strategy', 'regime', '--sizing', 'risk')
    assert 'warning' not in safe.stdout


def test_the_report_lists_trades_with_dates_and_buy_and_hold() -> None:
    report = run_cli('backtest', '--data', str(GOOG_SAMPLE), '--sizing', 'all-in').stdout
    assert '2004-12-06T00:00:00+00:00 2004-12-20T00:00:00+00:00' in report, 'the first trade, entry and exit dates'
    assert 'Buy and hold      703.46 %' in report and 'Sharpe' in report


def test_periods_per_year_override_rescales_the_ratios() -> None:
    def stats(*extra: str) -> dict:
        result = run_cli('backtest', '--data', str(GOOG_SAMPLE), '--sizing', 'all-in', '--json', *extra)
        return json.loads(result.stdout)['stats']

    calendar, trading = stats(), stats('--periods-per-year', '252')
    assert calendar['periods_per_year'] == 365 and trading['periods_per_year'] == 252
    assert trading['sharpe'] == pytest.approx(calendar['sharpe'] * (252 / 365) ** 0.5, rel=1e-12)
    assert trading['return_pct'] == calendar['return_pct'] and trading['cagr_pct'] < calendar['cagr_pct']
