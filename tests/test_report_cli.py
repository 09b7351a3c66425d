"""``oracle-trader report``: a saved backtest's tear sheet as PDF (its text holds the backtest's figures), and the
account's report over a period as JSON, from a data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oracle_ui.backtest import BacktestConfig, run_backtest
from oracle_ui.backtest.saving import saved_run
from oracle_ui.engine.bars import load_bars
from oracle_ui.engine.strategies import create_strategy
from oracle_ui.store import Store

from .helpers import GOOG_SAMPLE


def report(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, '-m', 'oracle_ui.cli', 'report', '--data-dir', str(data_dir), *args]
    return subprocess.run(command, capture_output=True, timeout=120, check=False, env={**os.environ, **env})


@pytest.mark.slow
def test_a_saved_backtest_as_pdf(tmp_path: Path) -> None:
    store = Store(tmp_path / 'oracle.db')
    config = BacktestConfig(sizing='all-in')
    strategy = create_strategy('sma_cross')
    result = run_backtest(load_bars(GOOG_SAMPLE), strategy, config)
    run_id = store.backtest_runs.save(
        saved_run(result, strategy, config, GOOG_SAMPLE, owner='test', name='golden', created_time=time.time())
    )
    store.close()
    target = tmp_path / 'golden.pdf'
    made = report(tmp_path, '--backtest', str(run_id), '--format', 'pdf', '--output', str(target))
    assert made.returncode == 0, made.stderr
    text = subprocess.run(['pdftotext', str(target), '-'], capture_output=True, check=True, text=True).stdout
    stats = result.stats
    assert 'backtest #1' in text and '69,336.74' in text and f'{stats["sharpe"]:.2f}' in text
    assert f'{stats["return_pct"]:+.2f} %' in text and '46' in text


@pytest.mark.slow  # two CLI runs
def test_the_accounts_report_as_json_to_stdout(tmp_path: Path) -> None:
    Store(tmp_path / 'oracle.db').close()
    made = report(tmp_path, '--from', '2026-01-01', '--to', '2026-02-01', '--format', 'json', '--output', '-')
    assert made.returncode == 0, made.stderr
    document = json.loads(made.stdout)
    assert document['report']['filters']['period'] == 'custom' and document['trades'] == []
    assert document['report']['start'] == 1767225600 and document['report']['metrics']['trades'] == 0
    missing = report(tmp_path, '--backtest', '7')
    assert missing.returncode == 2 and b'no saved backtest with id 7' in missing.stderr


@pytest.mark.slow  # two CLI runs
def test_a_report_in_the_requesters_language(tmp_path: Path) -> None:
    store = Store(tmp_path / 'oracle.db')
    config = BacktestConfig(sizing='all-in')
    strategy = create_strategy('sma_cross')
    result = run_backtest(load_bars(GOOG_SAMPLE), strategy, config)
    store.backtest_runs.save(
        saved_run(result, strategy, config, GOOG_SAMPLE, owner='test', name='', created_time=time.time())
    )
    store.close()
    german = report(tmp_path, '--backtest', '1', '--locale', 'de', '--output', '-', ORACLE_LOCALE='fr')
    assert german.returncode == 0, german.stderr
    page = german.stdout.decode()
    assert 'lang="de"' in page and 'Backtest Nr. 1' in page and 'Kennzahlen' in page
    assert '69.336,74' in page and '69,336.74' not in page  # German marks
    french = report(tmp_path, '--backtest', '1', '--output', '-', ORACLE_LOCALE='fr')  # the server's default
    assert 'lang="fr"' in french.stdout.decode() and 'Chiffres clés' in french.stdout.decode()
