"""``/backtest``: run a strategy over a shipped sample or an uploaded CSV (operators upload, into their own
folder) without blocking other pages, see the whole run (chart, trades, stats against buy and hold), save runs and
compare saved ones. Files are read and backtests run off the event loop."""

from __future__ import annotations

import logging
import time
from functools import partial
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
from oracle_ui.engine.bars import Bars, BarsError
from oracle_ui.engine.strategies import STRATEGIES, Strategy, StrategyError, create_strategy
from oracle_ui.errors import CommandError
from oracle_ui.reports import ReportFormat
from oracle_ui.uploads import UploadError, Uploads, display_name, load_named, read_bars
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

log = logging.getLogger(__name__)
SAMPLE = 'sample: '
UPLOAD = 'upload:'
"""Choices of the data picker: a sample by its file name, an upload by its id (its label shows its name)."""
SIZING_FIELDS = {'fixed': 'margin', 'percent': 'margin_pct', 'risk': 'risk_pct', 'all-in': None}
"""Which number each sizing reads."""
RUN_REPORTS: tuple[ReportFormat, ...] = ('html', 'pdf')


def reads(field: str, sizing: str) -> bool:
    """Whether ``sizing`` reads the number ``field``."""
    return SIZING_FIELDS[sizing] == field


def must_be_positive(value: Any) -> str | None:
    """A number field's check: the error under it, or None."""
    return None if isinstance(value, int | float) and value > 0 else 'must be positive'


def must_be_a_commission(value: Any) -> str | None:
    return None if isinstance(value, int | float) and 0 <= value < 0.5 else 'a fraction in [0, 0.5)'


def register(context: AppContext) -> None:
    system = context.system
    settings = system.settings
    uploads = Uploads(settings.data_dir / 'uploads', settings.upload_quota_files, settings.upload_quota_bytes)
    samples = sample_files()

    @guarded_page(context, '/backtest')
    async def backtest_page() -> None:
        who = page_principal(system)
        viewer = Viewer()
        risk = live_settings.current(system).risk

        def choices() -> dict[str, str]:
            """The shipped samples and this user's own uploads, as {choice: label}."""
            return {
                **{f'{SAMPLE}{name}': f'{SAMPLE}{name}' for name in samples},
                **{f'{UPLOAD}{u.id}': f'upload: {u.name}' for u in uploads.listing(who.name)},
            }

        def chosen_file(choice: str) -> tuple[Path, str]:
            """The file behind a choice and the name to report it under."""
            if choice.startswith(SAMPLE) and choice.removeprefix(SAMPLE) in samples:
                return samples[choice.removeprefix(SAMPLE)], choice.removeprefix(SAMPLE)
            upload_id = choice.removeprefix(UPLOAD)
            upload = next((u for u in uploads.listing(who.name) if u.id == upload_id), None)
            if upload is None:
                raise UploadError('that upload is gone (removed to stay within the quota?): upload it again')
            return uploads.path(who.name, upload.id), upload.name

        job: dict[str, Any] = {'done': 0, 'total': 1, 'running': False, 'last': None}
        with frame('Backtest', who, context.state.bot):
            with ui.card().classes('w-full'):
                with ui.row().classes('items-start gap-3 flex-wrap'):
                    strategy = ui.select(list(STRATEGIES), value='sma_cross', label='Strategy').classes('w-48')
                    strategy.mark('bt-strategy')
                    options = choices()
                    default = next((k for k in options if 'GOOG' in k), next(iter(options)))
                    data = ui.select(options, value=default, label='Data').classes('w-72').mark('bt-data')
                    cash = ui.number('Cash', value=10_000, validation=must_be_positive).classes('w-32')
                    cash.mark('bt-cash')
                    commission = ui.number(
                        'Commission',
                        value=0.001,
                        step=0.0001,
                        validation=must_be_a_commission,
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
                        field.bind_visibility_from(sizing, 'value', backward=partial(reads, key))
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
                    if who.can_control:  # the upload route refuses anyone else too (oracle_ui.web.upload_gate)
                        upload = ui.upload(
                            label='Upload CSV (Date/timestamp, Open, High, Low, Close, Volume)',
                            auto_upload=True,
                            max_file_size=settings.max_upload_bytes,
                            on_upload=lambda e: received(e),
                        )
                        upload.props('accept=.csv flat bordered').classes('w-full sm:w-96').mark('bt-upload')
                    else:
                        ui.label('uploading a CSV needs an operator login; the samples are for everyone').classes(
                            'text-sm opacity-70'
                        )
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
                    for kind in RUN_REPORTS:
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

        async def received(event: events.UploadEventArguments) -> None:
            if (actor := acting_principal(context)) is None:
                return
            shown = display_name(event.file.name)
            if not actor.can_control:
                log.warning('refused an upload by %s: viewer role', actor.label)
                fail(f'{shown}: uploading needs an operator login')
                return
            path = uploads.new_path(actor.name)
            try:
                await event.file.save(path)
                uploads.check_size(path, shown)
                bars = await read_off_the_server(path, shown)
                if bars is None:  # the app is shutting down
                    path.unlink(missing_ok=True)
                    return
                kept, removed = uploads.keep(actor.name, path, shown)
            except (BarsError, UploadError) as error:
                path.unlink(missing_ok=True)
                if isinstance(event.sender, ui.upload):
                    event.sender.reset()  # a refused file does not stay in the list marked done
                fail(f'upload refused: {error}')
                return
            data.set_options(choices(), value=f'{UPLOAD}{kept.id}')
            text = f'{shown}: {len(bars)} bars, every {bars.interval_s} s'
            if removed:
                text += f'\nto stay within your quota, removed: {", ".join(u.name for u in removed)}'
            say(text)

        def tick() -> None:
            progress.set_value(job['done'] / max(job['total'], 1))

        ui.timer(0.2, tick)

        def configure() -> tuple[Strategy, BacktestConfig, Path, str]:
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
            return chosen, config, *chosen_file(data.value or '')

        async def go() -> None:
            if job['running'] or acting_principal(context) is None:
                return
            try:
                chosen, config, path, shown = configure()
                bars = await read_off_the_server(path, shown, uploaded=not (data.value or '').startswith(SAMPLE))
            except (StrategyError, BarsError, ValueError, TypeError) as error:
                fail(str(error))
                return
            if bars is None:  # the app is shutting down
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
                chart = await run.io_bound(views.BacktestChart, bars, result.trades, indicators) if result else None
            finally:
                job['running'] = False
                start.enable()
            if result is None or chart is None:  # the app is shutting down
                return
            text = f'{chosen.name}: {len(bars)} bars in {time.perf_counter() - began:.2f} s'
            if result.rejections:
                text += f'\n{len(result.rejections)} orders rejected, e.g. {result.rejections[0]}'
            say(text)
            job['last'] = (result, chosen, config, path, shown)
            save.set_enabled(True)
            show(result, bars, chart, indicators)

        def show(
            result: BacktestResult, bars: Bars, chart: views.BacktestChart, indicators: list[views.ChartIndicator]
        ) -> None:
            async def load_range(first: float | None, last: float | None) -> views.CandlesResponse:
                if first is None or last is None:
                    return chart.overview()
                return await run.io_bound(chart.detail, first, last) or chart.overview()

            results.clear()
            with results:
                backtest_results(result, bars.close, chart.overview(), indicators, viewer.timezone, load_range)

        async def keep() -> None:
            if job['last'] is None or (actor := acting_principal(context)) is None:
                return
            result, chosen, config, path, shown = job['last']
            record = await run.io_bound(
                saved_run,
                result,
                chosen,
                config,
                path,
                owner=actor.label,
                name='',
                created_time=time.time(),
                data_name=shown,
            )
            if record is None:  # the app is shutting down
                return
            run_id = await attempt(lambda: system.commands.save_backtest(record, who=actor, origin=origin()))
            if run_id is not None:
                ui.notify(f'saved as #{run_id}', type='positive')
                save.set_enabled(False)
                refresh_runs()

        def refresh_runs() -> None:
            if acting_principal(context) is None:
                return
            runs_table.show(system.store.backtest_runs.list(), viewer.timezone)

        def compare_runs() -> None:
            if acting_principal(context) is None:
                return
            chosen = [run for i in runs_table.selected_ids if (run := system.store.backtest_runs.get(i)) is not None]
            compared.clear()
            if len(chosen) < 2:
                ui.notify('pick two or more runs to compare', type='warning')
                return
            with compared:
                comparison(chosen)

        async def report(kind: ReportFormat) -> None:
            if acting_principal(context) is None:
                return
            ids = runs_table.selected_ids
            if len(ids) != 1:
                ui.notify('pick one run for its report', type='warning')
                return
            try:
                made = await run.io_bound(reports.backtest_report, system.store, ids[0], kind)
            except CommandError as error:
                ui.notify(error.message, type='negative')
                return
            if made is not None:
                ui.download(made.content, made.filename, made.media_type)

        async def delete_runs() -> None:
            ids = runs_table.selected_ids
            if not ids or (actor := acting_principal(context)) is None:
                return
            deleted = await attempt(lambda: system.commands.delete_backtests(ids, who=actor, origin=origin()))
            if deleted:
                ui.notify(f'deleted {len(deleted)} run(s)', type='positive')
                compared.clear()
                refresh_runs()

        await ui.context.client.connected()
        await viewer.learn_timezone()
        refresh_runs()


async def read_off_the_server(path: Path, shown_as: str, *, uploaded: bool = True) -> Bars | None:
    """Read a bar file off the event loop (None: the app is stopping). An upload is read in a worker process: its
    seconds of parsing, and the garbage collections its millions of objects cause, would stall every page and API
    request from a thread too (the GIL). The shipped samples are small: a thread is enough."""
    if not uploaded:
        return await run.io_bound(load_named, path, shown_as)
    result = await run.cpu_bound(read_bars, path, shown_as)
    if isinstance(result, str):
        raise BarsError(result)
    return result
