"""A backtest as it is saved: its parameters, its data file's fingerprint, stats, trades and equity."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path

from ..engine.strategies import Strategy
from ..store.backtest_runs import SavedRun
from .models import BacktestConfig, BacktestResult


def fingerprint(path: Path) -> str:
    """The SHA-256 of a data file's bytes (the same file gives the same runs)."""
    digest = hashlib.sha256()
    with path.open('rb') as file:
        for chunk in iter(lambda: file.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def saved_run(
    result: BacktestResult,
    strategy: Strategy,
    config: BacktestConfig,
    data: Path,
    *,
    owner: str,
    name: str,
    created_time: float,
    data_name: str = '',
) -> SavedRun:
    """What :meth:`~oracle_ui.store.backtest_runs.BacktestRuns.save` keeps of a run over ``data`` (shown as
    ``data_name``, default its file name: an upload is stored under an id)."""
    times = result.times
    data_name = data_name or data.name
    return SavedRun(
        created_time=created_time,
        owner=owner,
        name=name or f'{strategy.name} on {data_name}',
        strategy=strategy.name,
        params=strategy.params.model_dump(mode='json'),
        config=asdict(config),
        data_name=data_name,
        data_sha256=fingerprint(data),
        bars=len(times),
        first_time=float(times[0]) if len(times) else 0.0,
        last_time=float(times[-1]) if len(times) else 0.0,
        stats=dict(result.stats),
        trades=[asdict(t) for t in result.trades],
        times=times,
        equity=result.equity,
    )
