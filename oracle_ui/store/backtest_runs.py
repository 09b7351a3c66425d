"""Saved backtest runs: what was run on which data (name and SHA-256), its stats, trades and per-bar equity."""

from __future__ import annotations

import builtins
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from .schema import backtest_runs_table as runs

SUMMARY_COLUMNS = [c for c in runs.c if c.name not in ('trades', 'equity')]


@dataclass(slots=True, kw_only=True)
class SavedRun:
    """One saved backtest; ``times``/``equity`` (and ``trades``) are empty in a summary."""

    id: int = 0
    created_time: float
    owner: str
    name: str
    strategy: str
    params: dict[str, Any]
    config: dict[str, Any]
    data_name: str
    data_sha256: str
    bars: int
    first_time: float
    last_time: float
    stats: dict[str, Any]
    trades: list[dict[str, Any]] = field(default_factory=list)
    times: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    equity: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)


def pack_curve(times: np.ndarray, equity: np.ndarray) -> bytes:
    pairs = np.column_stack([np.asarray(times, '<f8'), np.asarray(equity, '<f8')])
    return zlib.compress(pairs.tobytes(), 6)


def unpack_curve(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.frombuffer(zlib.decompress(blob), '<f8').reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


class BacktestRuns:
    """The ``backtest_runs`` table of a store's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, run: SavedRun) -> int:
        """Store ``run``; returns its id."""
        row = {
            'created_time': run.created_time,
            'owner': run.owner,
            'name': run.name,
            'strategy': run.strategy,
            'params': orjson.dumps(run.params).decode(),
            'config': orjson.dumps(run.config).decode(),
            'data_name': run.data_name,
            'data_sha256': run.data_sha256,
            'bars': run.bars,
            'first_time': run.first_time,
            'last_time': run.last_time,
            'stats': orjson.dumps(run.stats).decode(),
            'trades': orjson.dumps(run.trades).decode(),
            'equity': pack_curve(run.times, run.equity),
        }
        with self.engine.begin() as conn:
            key = conn.execute(insert(runs).values(**row)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def list(self) -> builtins.list[SavedRun]:
        """Every saved run without trades and equity, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(*SUMMARY_COLUMNS).order_by(runs.c.id.desc())).all()
        return [_run(r) for r in rows]

    def get(self, run_id: int) -> SavedRun | None:
        """The run with ``run_id`` in full, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
        if row is None:
            return None
        run = _run(row)
        run.trades = orjson.loads(row.trades)
        run.times, run.equity = unpack_curve(row.equity)
        return run

    def delete(self, run_ids: builtins.list[int]) -> builtins.list[int]:
        """Delete the runs with these ids; returns the ids that existed."""
        with self.engine.begin() as conn:
            found = conn.execute(select(runs.c.id).where(runs.c.id.in_(run_ids))).scalars().all()
            conn.execute(delete(runs).where(runs.c.id.in_(found)))
        return sorted(found)


def _run(row: Any) -> SavedRun:
    return SavedRun(
        id=row.id,
        created_time=row.created_time,
        owner=row.owner,
        name=row.name,
        strategy=row.strategy,
        params=orjson.loads(row.params),
        config=orjson.loads(row.config),
        data_name=row.data_name,
        data_sha256=row.data_sha256,
        bars=row.bars,
        first_time=row.first_time,
        last_time=row.last_time,
        stats=orjson.loads(row.stats),
    )
