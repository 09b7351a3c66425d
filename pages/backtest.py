"""``/backtest``: run a strategy over a shipped sample or an uploaded CSV (operators upload, into their own
folder) without blocking other pages: files are read and backtests run in a thread."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from nicegui import events, run, ui

from components.equity_chart import EquityChart
from components.frame import frame
from components.param_form import ParamForm
from components.price_chart import PriceChart
from components.viewer import Viewer
from oracle_ui import views
from oracle_ui.backtest import BacktestConfig, BacktestResult, run_backtest, sample_files
from oracle_ui.engine.bars import Bars, BarsError
from oracle_ui.engine.strategies import STRATEGIES, StrategyError, create_strategy
from oracle_ui.uploads import UploadError, Uploads, display_name, load_named, read_bars
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

log = logging.getLogger(__name__)
SAMPLE = 'sample: '
UPLOAD = 'upload:'
"""Choices of the data picker: a sample by its file name, an upload by its id (its label shows its name)."""
STATS = (
    ('start_equity', 'Start equity', '{:,.2f}'),
    ('end_equity', 'End equity', '{:,.2f}'),
    ('return_pct', 'Return', '{:+.2f} %'),
    ('max_drawdown_pct', 'Max drawdown', '{:.2f} %'),
    ('trades', 'Closed trades', '{}'),
    ('win_rate_pct', 'Win rate', '{:.1f} %'),
    ('profit_factor', 'Profit factor', '{:.2f}'),
    ('fees', 'Fees', '{:,.2f}'),
    ('exposure_pct', 'Exposure', '{:.1f} %'),
)


def register(context: AppContext) -> None:
    system = context.system
    settings = system.settings
    uploads = Uploads(settings.data_dir / 'uploads', settings.upload_quota_files, settings.upload_quota_bytes)
    samples = sample_files()

    @guarded_page(context, '/backtest')
    async def backtest_page() -> None:
        who = page_principal(system)
        viewer = Viewer()

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

        job = {'done': 0, 'total': 1, 'running': False}
        with frame('Backtest', who, context.state.bot):
            with ui.card().classes('w-full'):
                with ui.row().classes('items-end gap-3 flex-wrap'):
                    strategy = (
                        ui.select(list(STRATEGIES), value='sma_cross', label='Strategy')
                        .classes('w-48')
                        .mark('bt-strategy')
                    )
                    options = choices()
                    default = next((k for k in options if 'GOOG' in k), next(iter(options)))
                    data = ui.select(options, value=default, label='Data').classes('w-72').mark('bt-data')
                    cash = ui.number('Cash', value=10_000, min=1).classes('w-32').mark('bt-cash')
                    commission = (
                        ui.number('Commission', value=0.001, step=0.0001, min=0, max=0.5)
                        .classes('w-32')
                        .mark('bt-commission')
                    )
                    sizing = (
                        ui.select(['all-in', 'risk'], value='all-in', label='Sizing').classes('w-28').mark('bt-sizing')
                    )
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
                        ui.upload(
                            label='Upload CSV (Date/timestamp, Open, High, Low, Close, Volume)',
                            auto_upload=True,
                            max_file_size=settings.max_upload_bytes,
                            on_upload=lambda e: received(e),
                        ).props('accept=.csv flat bordered').classes('w-full sm:w-96').mark('bt-upload')
                    else:
                        ui.label('uploading a CSV needs an operator login; the samples are for everyone').classes(
                            'text-sm opacity-70'
                        )
                    start = ui.button('Run backtest', icon='play_arrow', on_click=lambda: go()).mark('bt-run')
                progress = ui.linear_progress(value=0, show_value=False).classes('w-full').mark('bt-progress')
                message = ui.label().classes('text-sm whitespace-pre-wrap').mark('bt-message')
            results = ui.column().classes('w-full gap-3')

        async def received(event: events.UploadEventArguments) -> None:
            actor = acting_principal(context)
            if actor is None:
                return
            shown = display_name(event.file.name)
            if not actor.can_control:
                log.warning('refused an upload by %s: viewer role', actor.label)
                report_problem(f'{shown}: uploading needs an operator login')
                return
            path = uploads.new_path(actor.name)
            try:
                await event.file.save(path)
                uploads.check_size(path, shown)
                bars = await read_off_the_server(path, shown)
                if bars is None:  # the app is shutting down
                    path.unlink(missing_ok=True)
                    return
                upload, removed = uploads.keep(actor.name, path, shown)
            except (BarsError, UploadError) as error:
                path.unlink(missing_ok=True)
                report_problem(f'upload refused: {error}')
                return
            data.set_options(choices(), value=f'{UPLOAD}{upload.id}')
            text = f'{shown}: {len(bars)} bars, every {bars.interval_s} s'
            if removed:
                text += f'\nto stay within your quota, removed: {", ".join(u.name for u in removed)}'
            message.set_text(text)
            message.classes(replace='text-sm whitespace-pre-wrap')

        def report_problem(text: str) -> None:
            message.set_text(text)
            message.classes(replace='text-sm whitespace-pre-wrap text-negative')

        def tick() -> None:
            progress.set_value(job['done'] / max(job['total'], 1))

        ui.timer(0.2, tick)

        async def go() -> None:
            if job['running'] or acting_principal(context) is None:
                return
            try:
                chosen = create_strategy(strategy.value, form['params'].values)
                config = BacktestConfig(
                    cash=float(cash.value or 0), commission=float(commission.value or 0), sizing=sizing.value
                )
                path, shown = chosen_file(data.value or '')
                bars = await read_off_the_server(path, shown, uploaded=not (data.value or '').startswith(SAMPLE))
            except (StrategyError, BarsError, ValueError, TypeError) as error:
                report_problem(str(error))
                return
            if bars is None:  # the app is shutting down
                return
            job.update(done=0, total=len(bars), running=True)
            start.disable()
            message.classes(replace='text-sm whitespace-pre-wrap')
            message.set_text(f'running {chosen.name} over {len(bars)} bars …')
            began = time.perf_counter()

            def report(done: int, total: int) -> None:
                job['done'], job['total'] = done, total

            try:
                result = await run.io_bound(run_backtest, bars, chosen, config, progress=report)
            finally:
                job['running'] = False
                start.enable()
            text = f'{chosen.name}: {len(bars)} bars in {time.perf_counter() - began:.2f} s'
            if result.rejections:
                text += f'\n{len(result.rejections)} orders rejected, e.g. {result.rejections[0]}'
            message.set_text(text)
            show(result, bars, views.strategy_indicators(chosen))

        def show(result: BacktestResult, bars: Bars, chosen_indicators: list[views.ChartIndicator]) -> None:
            results.clear()
            with results:
                with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('bt-stats'):
                    for key, label, pattern in STATS:
                        value = result.stats.get(key)
                        with ui.card().classes('p-3 min-w-0'):
                            ui.label(label).classes('text-xs opacity-70')
                            ui.label('n/a' if value is None else pattern.format(value)).classes('text-lg').mark(
                                f'bt-stat-{key}'
                            )
                step = max(1, len(result.equity) // 2000)
                EquityChart([float(t) * 1000 for t in bars.time[::step]], result.equity[::step].tolist(), 220).mark(
                    'bt-equity'
                )
                PriceChart(
                    views.backtest_chart(bars, result.trades, indicators=chosen_indicators),
                    viewer.timezone,
                    chosen_indicators,
                ).mark('bt-chart')
                ui.label(f'{len(result.trades)} trades ({result.stats["trades"]} closed)').classes('text-sm').mark(
                    'bt-trade-count'
                )

        await ui.context.client.connected()
        await viewer.learn_timezone()


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
