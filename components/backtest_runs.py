"""Saved backtests: a table to pick runs from, and two or more runs side by side (metrics and equity curves)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo
from typing import Any

import numpy as np
from nicegui import ui

from components.backtest_results import STATS
from components.plot import TRANSPARENT, Plot
from components.tables import translated
from oracle_ui.analytics import decimate
from oracle_ui.formatting import local_time
from oracle_ui.i18n import N_, _, terms
from oracle_ui.reports import ReportFormat
from oracle_ui.reports.tearsheet import fmt as format_stat
from oracle_ui.store import SavedRun

RUN_COLUMNS = [
    {'name': name, 'label': label, 'field': name, 'align': 'left', 'sortable': True}
    for name, label in (
        ('id', '#'),
        ('name', N_('Name')),
        ('strategy', N_('Strategy')),
        ('data', N_('Data')),
        ('bars', N_('Bars')),
        ('return', N_('Return')),
        ('drawdown', N_('Max DD')),
        ('sharpe', N_('Sharpe')),
        ('trades', N_('Trades')),
        ('owner', N_('Saved by')),
        ('saved', N_('Saved')),
    )
]


def run_row(run: SavedRun, timezone: tzinfo) -> dict[str, Any]:
    s = run.stats
    return {
        'id': run.id,
        'name': run.name,
        'strategy': terms.strategy(run.strategy),
        'data': f'{run.data_name} ({run.data_sha256[:8]})',
        'bars': run.bars,
        'return': format_stat(s.get('return_pct'), '{:+.2f} %'),
        'drawdown': format_stat(s.get('max_drawdown_pct'), '{:.2f} %'),
        'sharpe': format_stat(s.get('sharpe'), '{:.2f}'),
        'trades': format_stat(s.get('trades'), '{:,}'),
        'owner': run.owner,
        'saved': local_time(run.created_time, timezone),
    }


class SavedRunsTable(ui.table):
    """Saved runs, newest first; rows are picked with check boxes (``selected``)."""

    def __init__(self) -> None:
        columns = translated(RUN_COLUMNS)
        super().__init__(columns=columns, rows=[], row_key='id', selection='multiple', pagination=10)
        self.classes('w-full').props('dense flat wrap-cells')

    def show(self, runs: Sequence[SavedRun], timezone: tzinfo) -> None:
        self.rows = [run_row(r, timezone) for r in runs]
        ids = {r.id for r in runs}
        self.selected = [row for row in self.selected if row['id'] in ids]

    @property
    def selected_ids(self) -> list[int]:
        return [int(row['id']) for row in self.selected]


class SavedRunsCard(ui.card):
    """The saved runs' table with what can be done with the picked ones: compare them (shown in :attr:`compared`),
    download one's report, delete them (operators only)."""

    def __init__(
        self,
        reports: Sequence[ReportFormat],
        *,
        on_compare: Callable[[], None],
        on_report: Callable[[ReportFormat], Awaitable[None]],
        on_delete: Callable[[], Awaitable[None]],
        can_delete: bool,
    ) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            ui.label(_('Saved runs')).classes('text-base')
            self.table = SavedRunsTable().mark('bt-runs')
            with ui.row().classes('gap-2'):
                ui.button(_('Compare'), icon='compare', on_click=on_compare).mark('bt-compare')
                for kind in reports:
                    ui.button(
                        _('Report {format}').format(format=kind.upper()),
                        icon='summarize',
                        on_click=lambda k=kind: on_report(k),
                    ).props('outline').mark(f'bt-report-{kind}')
                remove = ui.button(_('Delete'), icon='delete', color='negative', on_click=on_delete)
                remove.props('outline').mark('bt-delete').set_visibility(can_delete)
            self.compared = ui.column().classes('w-full gap-3')


def comparison(runs: Sequence[SavedRun]) -> None:
    """Metrics of ``runs`` in one column each, and their equity curves as returns from their start, overlaid."""
    columns = [{'name': 'metric', 'label': _('Metric'), 'field': 'metric', 'align': 'left'}] + [
        {'name': f'run{r.id}', 'label': f'#{r.id} {r.name}', 'field': f'run{r.id}', 'align': 'right'} for r in runs
    ]
    rows = [
        {'metric': _(label), **{f'run{r.id}': format_stat(r.stats.get(key), pattern) for r in runs}}
        for key, label, pattern in STATS
    ]
    ui.table(columns=columns, rows=rows, row_key='metric').classes('w-full').props('dense flat').mark('bt-comparison')
    traces = []
    for run in runs:
        start = float(run.stats.get('start_equity') or 1.0)
        x, y = decimate(run.times * 1000.0, (np.asarray(run.equity) / start - 1.0) * 100.0)
        traces.append({'type': 'scatter', 'mode': 'lines', 'name': f'#{run.id} {run.name}', 'x': x, 'y': y})
    figure = {
        'data': traces,
        'layout': {
            **TRANSPARENT,
            'height': 280,
            'margin': {'l': 60, 'r': 10, 't': 10, 'b': 30},
            'xaxis': {'type': 'date'},
            'yaxis': {'title': {'text': _('return %')}},
            'legend': {'orientation': 'h', 'y': 1.12, 'x': 0},
        },
        'config': {'displaylogo': False},
    }
    Plot(figure).classes('w-full').style('height: 280px').mark('bt-compare-equity')
