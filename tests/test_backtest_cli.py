"""``oracle-trader backtest`` through its command line, pinned by a golden file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import GOOG_SAMPLE

DATA = Path(__file__).parent / 'data'


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, '-m', 'oracle_ui.cli', *args], capture_output=True, text=True, timeout=120)


def test_json_output_matches_the_golden_file() -> None:
    """Pinned output; its end equity (69,336.74) also equals backtesting.py's for the same SMA(10/20) rules."""
    result = run_cli('backtest', '--data', str(GOOG_SAMPLE), '--strategy', 'sma_cross', '--json')
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
