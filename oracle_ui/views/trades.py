"""Trade history as the trades API, the ``/trades`` page and its CSV export show it: one row model, so they
cannot drift."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import tzinfo
from typing import TYPE_CHECKING, Literal, TypedDict, get_args

from pydantic import BaseModel

from ..engine.models import Side, Trade, TradeStatus
from ..formatting import iso_time
from .symbols import named_or_spelled

if TYPE_CHECKING:
    from ..system import System


class TradeRow(BaseModel):
    """One trade: times in Unix seconds, PnL fee-inclusive (0 while open), exit fields null while open."""

    id: int
    symbol: str
    side: Side
    quantity: float
    leverage: float
    margin: float
    entry_price: float
    exit_price: float | None
    entry_time: float
    exit_time: float | None
    entry_fee: float
    exit_fee: float
    pnl: float
    status: TradeStatus
    exit_reason: str
    strategy: str
    regime: str


TRADE_FIELDS: tuple[str, ...] = tuple(TradeRow.model_fields)
"""The columns of the CSV export and the fields of ``GET /dashboard/api/trades``, in order."""


def trade_row(t: Trade) -> TradeRow:
    return TradeRow(**{name: getattr(t, name) for name in TRADE_FIELDS})


TradeSort = Literal[
    '-entry_time', 'entry_time', '-exit_time', 'exit_time', '-pnl', 'pnl', '-id', 'id', 'symbol', '-symbol'
]
"""A column, ascending, or descending with a leading ``-``."""


class TradeFilters(TypedDict):
    """What ``Store.trades`` and ``Store.count_trades`` filter by."""

    symbol: str | None
    side: str | None
    status: str | None
    since: float | None
    until: float | None


SORTS: dict[str, tuple[str, bool]] = {name: (name.lstrip('-'), name.startswith('-')) for name in get_args(TradeSort)}


TIME_FIELDS = ('entry_time', 'exit_time')


def trades_csv(rows: Iterable[TradeRow], timezone: tzinfo) -> str:
    """Trades as CSV with the fields of ``GET /dashboard/api/trades``: times in ISO 8601 with the offset of
    ``timezone``, an open trade's ``pnl`` (not realized yet) and exit fields empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(TRADE_FIELDS)
    for row in rows:
        values = row.model_dump(mode='json')
        for name in TIME_FIELDS:
            values[name] = iso_time(values[name], timezone)
        if row.status is TradeStatus.OPEN:
            values['pnl'] = None
        writer.writerow('' if values[name] is None else values[name] for name in TRADE_FIELDS)
    return out.getvalue()


class TradesPage(BaseModel):
    trades: list[TradeRow]
    total: int
    """Trades matching the filters, over all pages."""
    limit: int
    offset: int


def symbol_named(system: System, text: str) -> str:
    """The configured symbol ``text`` names (``BTC/USDT``, ``btc-usdt``, ``BTCUSDT``), else ``text`` upper-cased
    with ``/`` between base and quote (a symbol traded before the configuration changed)."""
    return named_or_spelled(system.engine.symbols, text)


def _store_filters(
    system: System,
    *,
    symbol: str | None,
    side: Side | None,
    status: TradeStatus | None,
    since: float | None,
    until: float | None,
) -> TradeFilters:
    return TradeFilters(
        symbol=symbol_named(system, symbol) if symbol else None,
        side=side.value if side else None,
        status=status.value if status else None,
        since=since,
        until=until,
    )


class TradeTotals(BaseModel):
    count: int
    closed: int
    net_pnl: float
    """Of the closed trades, fee-inclusive."""
    fees: float
    """Of the closed trades."""


def trade_totals(
    system: System,
    *,
    symbol: str | None = None,
    side: Side | None = None,
    status: TradeStatus | None = None,
    since: float | None = None,
    until: float | None = None,
) -> TradeTotals:
    """How many trades match the filters, and the closed ones' net PnL and fees."""
    filters = _store_filters(system, symbol=symbol, side=side, status=status, since=since, until=until)
    closed = system.store.trades(**filters, closed_only=True)
    return TradeTotals(
        count=system.store.count_trades(**filters),
        closed=len(closed),
        net_pnl=sum(t.pnl for t in closed),
        fees=sum(t.fees for t in closed),
    )


def trades_page(
    system: System,
    *,
    symbol: str | None = None,
    side: Side | None = None,
    status: TradeStatus | None = None,
    since: float | None = None,
    until: float | None = None,
    sort: TradeSort = '-entry_time',
    limit: int = 100,
    offset: int = 0,
) -> TradesPage:
    """Trades entered in [``since``, ``until``) matching every given filter, sorted (ties: by id, the same way)."""
    filters = _store_filters(system, symbol=symbol, side=side, status=status, since=since, until=until)
    column, descending = SORTS[sort]
    rows = system.store.trades(**filters, order_by=column, newest_first=descending, limit=limit, offset=offset)
    return TradesPage(
        trades=[trade_row(t) for t in rows], total=system.store.count_trades(**filters), limit=limit, offset=offset
    )
