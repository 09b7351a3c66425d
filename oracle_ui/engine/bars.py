"""OHLCV bars from CSV files: columns Date or timestamp (ISO date/time, Unix seconds or milliseconds),
Open, High, Low, Close and optionally Volume, matched case-insensitively."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .models import Candle

_TIME_COLUMNS = ('timestamp', 'date', 'datetime', 'time')
_PRICE_COLUMNS = ('open', 'high', 'low', 'close')


class BarsError(ValueError):
    """A CSV file that cannot be used, with the line and column at fault."""


@dataclass(slots=True, frozen=True)
class Bars:
    """Bars in time order as float64 arrays (``time`` in Unix seconds)."""

    time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return len(self.time)

    def candle(self, symbol: str, i: int) -> Candle:
        return Candle(
            symbol,
            int(self.time[i]),
            float(self.open[i]),
            float(self.high[i]),
            float(self.low[i]),
            float(self.close[i]),
            float(self.volume[i]),
        )

    @property
    def interval_s(self) -> int:
        """The most common spacing between bars (e.g. 60 for 1-minute bars)."""
        if len(self.time) < 2:
            return 60
        values, counts = np.unique(np.diff(self.time), return_counts=True)
        return int(values[np.argmax(counts)])


def parse_time(text: str) -> float:
    """ISO date/time (naive means UTC) or Unix seconds/milliseconds -> Unix seconds."""
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    if not math.isfinite(number):
        raise ValueError(f'{value!r} is not a time')
    return number / 1000.0 if abs(number) >= 1e11 else number


def format_time(time_s: float) -> str:
    """ISO 8601 in UTC."""
    return datetime.fromtimestamp(time_s, UTC).isoformat()


def load_bars(path: Path | str) -> Bars:
    """Read and check a CSV of bars.

    :raises BarsError: naming the file, line and column of the first problem
    """
    path = Path(path)
    try:
        handle = path.open(newline='', encoding='utf-8-sig')
    except OSError as error:
        raise BarsError(f'{path}: cannot open: {error.strerror or error}') from None
    with handle:
        try:
            rows = _read_rows(path, csv.reader(handle))
        except UnicodeDecodeError as error:
            raise BarsError(
                f'{path}: not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8 CSV'
            ) from None
        except csv.Error as error:
            raise BarsError(f'{path}: not a readable CSV: {error}') from None
    if not rows:
        raise BarsError(f'{path}: no data rows after the header')
    data = np.asarray(rows, dtype=np.float64)
    return Bars(data[:, 0], data[:, 1], data[:, 2], data[:, 3], data[:, 4], data[:, 5])


def _read_rows(path: Path, reader: Iterator[list[str]]) -> list[list[float]]:
    """Checked rows of (time, open, high, low, close, volume); raises BarsError at the first problem."""
    header = next(reader, None)
    if not header:
        raise BarsError(
            f'{path}: the file is empty; expected a header with Date or timestamp, Open, High, Low, Close[, Volume]'
        )
    columns = {name.strip().lower(): i for i, name in enumerate(header)}
    time_col = next((c for c in _TIME_COLUMNS if c in columns), None)
    missing = [c for c in _PRICE_COLUMNS if c not in columns]
    if time_col is None or missing:
        need = (['Date or timestamp'] if time_col is None else []) + [c.capitalize() for c in missing]
        raise BarsError(f'{path}: line 1: missing column(s) {", ".join(need)}; found {", ".join(header)}')
    wanted = [(time_col, columns[time_col]), *((c, columns[c]) for c in _PRICE_COLUMNS)]
    if 'volume' in columns:
        wanted.append(('volume', columns['volume']))
    names = {c: header[i].strip() for c, i in wanted}
    rows: list[list[float]] = []
    previous_time = -math.inf
    for line, record in enumerate(reader, start=2):
        if not record or all(not cell.strip() for cell in record):
            continue
        values: list[float] = []
        for column, index in wanted:
            cell = record[index] if index < len(record) else ''
            try:
                if not cell.strip():
                    raise ValueError('empty')
                value = parse_time(cell) if column == time_col else float(cell)
                if not math.isfinite(value):
                    raise ValueError('not finite')
            except (ValueError, OverflowError):
                kind = 'a date/time or Unix timestamp' if column == time_col else 'a number'
                raise BarsError(f'{path}: line {line}, column {names[column]}: {cell!r} is not {kind}') from None
            if column != time_col and value < 0:
                raise BarsError(f'{path}: line {line}, column {names[column]}: {cell!r} is negative')
            values.append(value)
        t, o, h, low, c = values[:5]
        if t <= previous_time:
            raise BarsError(
                f'{path}: line {line}, column {names[time_col]}: time {record[wanted[0][1]]!r} is not '
                'after the previous row'
            )
        if h < max(o, c, low):
            raise BarsError(f'{path}: line {line}, column {names["high"]}: high {h:g} is below open, close or low')
        if low > min(o, c):
            raise BarsError(f'{path}: line {line}, column {names["low"]}: low {low:g} is above open or close')
        if o <= 0 or c <= 0:
            raise BarsError(
                f'{path}: line {line}, column {names["open" if o <= 0 else "close"]}: prices must be positive'
            )
        previous_time = t
        rows.append(values if len(values) == 6 else [*values, 0.0])
    return rows


def write_bars(path: Path | str, bars: Bars) -> None:
    """Write bars as CSV with a Unix-seconds ``timestamp`` column."""
    with Path(path).open('w', newline='') as handle:
        writer = csv.writer(handle)
        writer.writerow(['timestamp', 'Open', 'High', 'Low', 'Close', 'Volume'])
        for row in zip(
            bars.time.astype(np.int64), bars.open, bars.high, bars.low, bars.close, bars.volume, strict=True
        ):
            writer.writerow([int(row[0]), *(repr(float(x)) for x in row[1:])])
