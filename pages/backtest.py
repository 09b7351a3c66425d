"""``/backtest``: run a strategy over a shipped sample or an uploaded CSV without blocking other pages, see the
whole run (chart, trades, stats against buy and hold), save runs and compare saved ones."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from nicegui import events, run, ui

from components.backtest_results import backtest_results
from components.backtest_runs import SavedRunsTable, comparison
from components.frame import frame
from components.param_form import ParamForm
from components.viewer import Viewer
from oracle_ui import live_settings, reports, views
from oracle_ui.backtest import SIZINGS, BacktestConfig, BacktestResult, run_backtest, sample_files
from oracle_ui.backtest.saving import saved_run
from oracle_ui.engine.bars import Bars, BarsError, load_bars
from oracle_ui.engine.strategies import STRATEGIES, Strategy, StrategyError, create_strategy
from oracle_ui.errors import CommandError
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

MAX_UPLOAD_BYTES = 50 * 2**20
SIZING_FIELDS = {'fixed': 'margin', 'percent': 'margin_pct', 'risk': 'risk_pct', 'all-in': None}
"""Which number each sizing reads."""


def positive(value: Any) -> bool:
    return isinstance(value, int | float) and value > 0


def upload_box(uploads: Path, on_ready: Any, on_refused: Any) -> ui.upload:
    """The CSV upload: a file that parses is kept in ``uploads`` and handed to ``on_ready(name, path, bars)``; one
    that does not is deleted, taken off the list and reported through ``on_refused(message)``."""

    async def received(event: events.UploadEventArguments) -> None:
        name = re.sub(r'[^A-Za-z0-9_.-]', '_', Path(event.file.name).name)[:80] or 'upload.csv'
        if not name.lower().endswith('.csv'):
            name += '.csv'
        uploads.mkdir(parents=True, exist_ok=True)
        path = uploads / name
        await event.file.save(path)
        try:
            bars = load_bars(path)
        except BarsError as error:
            path.unlink(missing_ok=True)
            box.reset()  # a refused file does not stay in the list marked done
            on_refused(f'upload refused: {error}')
            return
        on_ready(name, path, bars)

    box = (
        ui.upload(
            label='Upload CSV (Date/timestamp, Open, High, Low, Close, Volume)',
            auto_upload=True,
            max_file_size=MAX_UPLOAD_BYTES,
            on_upload=received,
        )
        .props('accept=.csv flat bordered')
        .classes('w-full sm:w-96')
        .mark('bt-upload')
    )
    return box


def register(context: AppContext) -> None:
    system = context.system
    uploads = system.settings.data_dir / 'uploads'

    @guarded_page(system, '/backtest')
    async def backtest_page() -> None:
        who = page_principal(system)
        viewer = Viewer()
        risk = live_settings.current(system).risk
        files = {
            **{f'sample: {name}': path for name, path in sample_files().items()},
            **{f'upload: {p.name}': p for p in sorted(uploads.glob('*.csv'))},
        }
        job: dict[str, Any] = {'done': 0, 'total': 1, 'running': False, 'last': None}
        with frame('Backtest', who, context.state.bot):
            with ui.card().classes('w-full'):
                with ui.row().classes('items-start gap-3 flex-wrap'):
                    strategy = ui.select(list(STRATEGIES), value='sma_cross', label='Strategy').classes('w-48')
                    strategy.mark('bt-strategy')
                    default = next((k for k in files if 'GOOG' in k), next(iter(files)))
                    data = ui.select(list(files), value=default, label='Data').classes('w-72').mark('bt-data')
                    must_be_positive = {'must be positive': positive}
                    cash = ui.number('Cash', value=10_000, validation=must_be_positive).classes('w-32')
                    cash.mark('bt-cash')
                    commission = ui.number(
                        'Commission',
                        value=0.001,
                        step=0.0001,
                        validation={'a fraction in [0, 0.5)': lambda v: isinstance(v, int | float) and 0 <= v < 0.5},
                    ).classes('w-32')
                    commission.mark('bt-commission')
                    sizing = ui.select(list(SIZINGS), value=risk.sizing, label='Sizing').classes('w-28')
                    sizing.mark('bt-sizing')
                    amounts = {
                        'margin': ui.number('Margin / trade', value=risk.fixed_margin, validation=must_be_positive),
                        'margin_pct': ui.number('Margin % of free', value=risk.margin_pct, validation=must_be_positive),
                        'risk_pct': ui.number('Risk % at stop', value=risk.risk_pct, validation=must_be_positive),
                    }
                    for key, field in amounts.items():
                        field.classes('w-32').mark(f'bt-{key}')
                        field.bind_visibility_from(sizing, 'value', backward=lambda v, k=key: SIZING_FIELDS[v] == k)
                    per_year = ui.number('Bars / year', value=None, placeholder='from the bars').classes('w-32')
                    per_year.props('clearable').tooltip('for annualised metrics: e.g. 252 for daily stock bars')
                    per_year.mark('bt-periods')
                ui.label(
                    f'Sizing defaults to the live settings ({risk.sizing}); all-in buys whole units at the '
                    "signal's leverage."
                ).classes('text-xs opacity-70')
                params_box = ui.column().classes('w-full')
                form: dict[str, ParamForm] = {}

                def show_params() -> None:
                    params_box.clear()
                    with params_box:
                        form['params'] = ParamForm(STRATEGIES[strategy.value].Params)

                strategy.on_value_change(show_params)
                show_params()
                with ui.row().classes('items-center gap-3 w-full'):
                    upload_box(uploads, lambda *a: uploaded(*a), lambda text: fail(text))
                    start = ui.button('Run backtest', icon='play_arrow', on_click=lambda: go()).mark('bt-run')
                    save = ui.button('Save run', icon='save', on_click=lambda: keep()).props('outline')
                    save.mark('bt-save').set_enabled(False)
                progress = ui.linear_progress(value=0, show_value=False).classes('w-full').mark('bt-progress')
                message = ui.label().classes('text-sm whitespace-pre-wrap').mark('bt-message')
            results = ui.column().classes('w-full gap-3').mark('bt-results')
            with ui.card().classes('w-full'):
                ui.label('Saved runs').classes('text-base')
                runs_table = SavedRunsTable().mark('bt-runs')
                with ui.row().classes('gap-2'):
                    ui.button('Compare', icon='compare', on_click=lambda: compare_runs()).mark('bt-compare')
                    for kind in ('html', 'pdf'):
                        ui.button(f'Report {kind.upper()}', icon='summarize', on_click=lambda k=kind: report(k)).props(
                            'outline'
                        ).mark(f'bt-report-{kind}')
                    remove = ui.button('Delete', icon='delete', color='negative', on_click=lambda: delete_runs())
                    remove.props('outline').mark('bt-delete').set_visibility(who.can_control)
                compared = ui.column().classes('w-full gap-3')

        def say(text: str, *, error: bool = False) -> None:
            message.set_text(text)
            message.classes(replace='text-sm whitespace-pre-wrap' + (' text-negative' if error else ''))

        def fail(text: str) -> None:
            """An error replaces the previous run's results, so nothing stale is read as the answer."""
            say(text, error=True)
            results.clear()
            job['last'] = None
            save.set_enabled(False)

        def uploaded(name: str, path: Path, bars: Bars) -> None:
            files[f'upload: {name}'] = path
            data.set_options(list(files), value=f'upload: {name}')
            say(f'{name}: {len(bars)} bars, every {bars.interval_s} s')

        def tick() -> None:
            progress.set_value(job['done'] / max(job['total'], 1))

        ui.timer(0.2, tick)

        def configure() -> tuple[Strategy, BacktestConfig, Path]:
            fields = [cash, commission, *(f for f in amounts.values() if f.visible)]
            bad = [f.props.get('label', '') for f in fields if not f.validate()]
            if bad:
                raise ValueError(f'fix {", ".join(bad)}: see the message under each')
            chosen = create_strategy(strategy.value, form['params'].values)
            config = BacktestConfig(
                cash=float(cash.value),
                commission=float(commission.value),
                sizing=sizing.value,
                fixed_margin=float(amounts['margin'].value or risk.fixed_margin),
                margin_pct=float(amounts['margin_pct'].value or risk.margin_pct),
                risk_pct=float(amounts['risk_pct'].value or risk.risk_pct),
                periods_per_year=float(per_year.value) if per_year.value else None,
            )
            return chosen, config, files[data.value]

        async def go() -> None:
            if job['running']:
                return
            try:
                chosen, config, path = configure()
                bars = load_bars(path)
            except (StrategyError, BarsError, ValueError, TypeError) as error:
                fail(str(error))
                return
            job.update(done=0, total=len(bars), running=True)
            start.disable()
            say(f'running {chosen.name} over {len(bars)} bars …')
            began = time.perf_counter()

            def report(done: int, total: int) -> None:
                job['done'], job['total'] = done, total

            try:
                result = await run.io_bound(run_backtest, bars, chosen, config, progress=report)
                indicators = views.strategy_indicators(chosen)
                chart = await run.io_bound(views.BacktestChart, bars, result.trades, indicators)
            finally:
                job['running'] = False
                start.enable()
            text = f'{chosen.name}: {len(bars)} bars in {time.perf_counter() - began:.2f} s'
            if result.rejections:
                text += f'\n{len(result.rejections)} orders rejected, e.g. {result.rejections[0]}'
            say(text)
            job['last'] = (result, chosen, config, path)
            save.set_enabled(True)
            show(result, bars, chart, indicators)

        def show(
            result: BacktestResult, bars: Bars, chart: views.BacktestChart, indicators: list[views.ChartIndicator]
        ) -> None:
            async def load_range(first: float | None, last: float | None) -> views.CandlesResponse:
                if first is None or last is None:
                    return chart.overview()
                return await run.io_bound(chart.detail, first, last)

            results.clear()
            with results:
                backtest_results(result, bars.close, chart.overview(), indicators, viewer.timezone, load_range)

        async def keep() -> None:
            if job['last'] is None or (actor := acting_principal(system)) is None:
                return
            result, chosen, config, path = job['last']
            record = await run.io_bound(
                saved_run, result, chosen, config, path, owner=actor.label, name='', created_time=time.time()
            )
            run_id = await attempt(lambda: system.commands.save_backtest(record, who=actor, origin=origin()))
            if run_id is not None:
                ui.notify(f'saved as #{run_id}', type='positive')
                save.set_enabled(False)
                refresh_runs()

        def refresh_runs() -> None:
            runs_table.show(system.store.backtest_runs.list(), viewer.timezone)

        def compare_runs() -> None:
            chosen = [run for i in runs_table.selected_ids if (run := system.store.backtest_runs.get(i)) is not None]
            compared.clear()
            if len(chosen) < 2:
                ui.notify('pick two or more runs to compare', type='warning')
                return
            with compared:
                comparison(chosen)

        async def report(kind: str) -> None:
            ids = runs_table.selected_ids
            if len(ids) != 1:
                ui.notify('pick one run for its report', type='warning')
                return
            try:
                made = await run.io_bound(reports.backtest_report, system.store, ids[0], kind)
            except CommandError as error:
                ui.notify(error.message, type='negative')
                return
            ui.download(made.content, made.filename, made.media_type)

        async def delete_runs() -> None:
            ids = runs_table.selected_ids
            if not ids or (actor := acting_principal(system)) is None:
                return
            deleted = await attempt(lambda: system.commands.delete_backtests(ids, who=actor, origin=origin()))
            if deleted:
                ui.notify(f'deleted {len(deleted)} run(s)', type='positive')
                compared.clear()
                refresh_runs()

        await ui.context.client.connected()
        await viewer.learn_timezone()
        refresh_runs()
