"""A report in one of its formats, as bytes with a media type and a file name."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from ..analytics import TradeArrays
from ..views.analytics_models import AnalyticsReport
from .tearsheet import tearsheet_html

ReportFormat = Literal['html', 'pdf', 'csv', 'json']
REPORT_FORMATS: tuple[ReportFormat, ...] = ('html', 'pdf', 'csv', 'json')
MEDIA_TYPES: dict[str, str] = {
    'html': 'text/html; charset=utf-8',
    'pdf': 'application/pdf',
    'csv': 'application/zip',
    'json': 'application/json',
}
EXTENSIONS = {'html': 'html', 'pdf': 'pdf', 'csv': 'zip', 'json': 'json'}
TRADE_FIELDS = (
    'id',
    'symbol',
    'side',
    'strategy',
    'entry_time',
    'exit_time',
    'entry_price',
    'exit_price',
    'quantity',
    'pnl',
    'fees',
    'margin',
    'risk',
    'exit_reason',
)


class ReportUnavailable(RuntimeError):
    """The format needs something this installation lacks (PDF: the ``reports`` extra, weasyprint)."""


@dataclass(slots=True, frozen=True)
class Report:
    content: bytes
    media_type: str
    filename: str


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat()


def trade_records(trades: TradeArrays) -> list[dict[str, Any]]:
    """The trades as rows with ISO times (NaN risk as None)."""
    rows = []
    for row in trades.rows():
        record = {k: row[k] for k in TRADE_FIELDS}
        record['entry_time'], record['exit_time'] = _iso(row['entry_time']), _iso(row['exit_time'])
        record['risk'] = None if row['risk'] != row['risk'] else row['risk']
        rows.append(record)
    return rows


def daily_returns(report: AnalyticsReport) -> list[dict[str, Any]]:
    return [
        {'day': r.key, 'return_pct': r.return_pct, 'trades': r.trades, 'net_pnl': r.net_pnl, 'fees': r.fees}
        for r in report.groups.day
    ]


def _csv(rows: list[dict[str, Any]], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator='\n')
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render_report(report: AnalyticsReport, trades: TradeArrays, kind: ReportFormat, *, generated: float) -> Report:
    """``report`` (and its period's ``trades``) as ``kind``; raises ReportUnavailable for a PDF without weasyprint."""
    start = datetime.fromtimestamp(report.start, UTC).strftime('%Y%m%d')
    end = datetime.fromtimestamp(report.end, UTC).strftime('%Y%m%d')
    source = report.source.replace(' #', '-').replace(' ', '-')
    filename = f'oracle-report-{source}-{start}-{end}.{EXTENSIONS[kind]}'
    if kind == 'html':
        content = tearsheet_html(report, generated=generated).encode()
    elif kind == 'pdf':
        content = pdf_of(tearsheet_html(report, generated=generated))
    elif kind == 'json':
        document = {
            'report': report.model_dump(mode='json'),
            'trades': trade_records(trades),
            'daily_returns': daily_returns(report),
        }
        content = orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY)
    else:
        buffer = io.BytesIO()
        metrics = report.metrics.model_dump()
        with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('trades.csv', _csv(trade_records(trades), list(TRADE_FIELDS)))
            archive.writestr(
                'daily_returns.csv', _csv(daily_returns(report), ['day', 'return_pct', 'trades', 'net_pnl', 'fees'])
            )
            archive.writestr(
                'metrics.csv', _csv([{'metric': k, 'value': v} for k, v in metrics.items()], ['metric', 'value'])
            )
        content = buffer.getvalue()
    return Report(content=content, media_type=MEDIA_TYPES[kind], filename=filename)


def pdf_of(html: str) -> bytes:
    """The tear sheet printed to PDF by weasyprint (the ``reports`` extra; Debian's pango libraries)."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]  # optional: imported only for a PDF
    except (ImportError, OSError) as error:
        raise ReportUnavailable(
            f'PDF reports need weasyprint: pip install "oracle-trader[reports]" ({error})'
        ) from None
    document: bytes = HTML(string=html).write_pdf()
    return document
