"""Reports of the account or a saved backtest: a self-contained HTML tear sheet, its PDF, and CSV (a zip of
trades, daily returns and metrics) or JSON of the same data."""

from .build import account_report, backtest_report, render, render_backtest, saved_backtest
from .exports import MEDIA_TYPES, REPORT_FORMATS, Report, ReportFormat, ReportUnavailable, render_report
from .tearsheet import tearsheet_html

__all__ = [
    'MEDIA_TYPES',
    'REPORT_FORMATS',
    'Report',
    'ReportFormat',
    'ReportUnavailable',
    'account_report',
    'backtest_report',
    'render',
    'render_backtest',
    'render_report',
    'saved_backtest',
    'tearsheet_html',
]
