"""Closed trades as numpy columns: what the metrics, the groupings and the reports read, built from stored trades
or from a backtest's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

NUMBER_COLUMNS = ('entry_time', 'exit_time', 'entry_price', 'exit_price', 'quantity', 'pnl', 'fees', 'margin', 'risk')
TEXT_COLUMNS = ('symbol', 'side', 'strategy', 'exit_reason')


@dataclass(slots=True, kw_only=True)
class TradeArrays:
    """Closed trades, one row per index, ordered by exit time (then id).

    ``risk`` is the loss at the initial stop-loss in quote currency (NaN without a stop), ``margin`` what the trade
    put up (its return in percent is ``pnl / margin``), times are Unix seconds, ``pnl`` is fee-inclusive.
    """

    id: np.ndarray
    entry_time: np.ndarray
    exit_time: np.ndarray
    entry_price: np.ndarray
    exit_price: np.ndarray
    quantity: np.ndarray
    pnl: np.ndarray
    fees: np.ndarray
    margin: np.ndarray
    risk: np.ndarray
    symbol: np.ndarray
    side: np.ndarray
    strategy: np.ndarray
    exit_reason: np.ndarray

    def __len__(self) -> int:
        return len(self.pnl)

    def take(self, index: np.ndarray | slice) -> TradeArrays:
        """The rows at ``index`` (a boolean mask, positions or a slice), in the same order."""
        return TradeArrays(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def from_columns(cls, columns: Mapping[str, Iterable[Any]]) -> TradeArrays:
        """From equally long columns named like the fields (``id`` optional); sorted by exit time."""
        numbers = {name: _numbers(columns[name]) for name in NUMBER_COLUMNS}
        texts = {name: _texts(columns[name]) for name in TEXT_COLUMNS}
        n = len(numbers['pnl'])
        ids = np.asarray(_listed(columns['id']), dtype=np.int64) if 'id' in columns else np.arange(1, n + 1)
        unsorted = cls(id=ids, **numbers, **texts)
        return unsorted.take(np.lexsort((ids, numbers['exit_time'])))

    @classmethod
    def empty(cls) -> TradeArrays:
        return cls.from_columns({name: [] for name in (*NUMBER_COLUMNS, *TEXT_COLUMNS)})

    def rows(self) -> list[dict[str, Any]]:
        """One dict per trade (for CSV and JSON exports)."""
        names = ['id', *NUMBER_COLUMNS, *TEXT_COLUMNS]
        columns = [getattr(self, name).tolist() for name in names]
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


EXIT_REASONS = {
    'CLOSED_TP': 'take-profit',
    'CLOSED_SL': 'stop-loss',
    'CLOSED_BOT_EXIT': 'strategy exit',
    'CLOSED_MANUAL': 'manual',
    'CLOSED_LIQUIDATION': 'liquidation',
}


def exit_reason_of(status: str) -> str:
    """What closed a trade, from its status (``CLOSED_TP`` -> ``take-profit``)."""
    return EXIT_REASONS.get(status, status.lower())


def _listed(values: Iterable[Any]) -> Any:
    return values if isinstance(values, np.ndarray) else list(values)


def _numbers(values: Iterable[Any]) -> np.ndarray:
    return np.asarray(_listed(values), dtype=float)


def _texts(values: Iterable[Any]) -> np.ndarray:
    """A column of Python strings (numpy's own strings converted in one pass)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in 'US':
        return values.astype(str).astype(object)
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    return np.asarray([str(v) for v in values], dtype=object)
