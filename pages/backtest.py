"""``/backtest``: run a strategy over a shipped sample or an uploaded CSV without blocking other pages."""

from __future__ import annotations

import re
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
from oracle_ui.engine.bars import Bars, BarsError, load_bars
from oracle_ui.engine.strategies import STRATEGIES, StrategyError, create_strategy
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, page_principal

MAX_UPLOAD_BYTES = 50 * 2**20
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
    uploads = system.settings.data_dir / 'uploads'

    @guarded_page(context, '/backtest')
    async def backtest_page() -> None:
        who = page_principal(system)
        viewer = Viewer()
        files = {
            **{f'sample: {name}': path for name, path in sample_files().items()},
            **{f'upload: {p.name}': p for p in sorted(uploads.glob('*.csv'))},
        }
        job = {'done': 0, 'total': 1, 'running': False}
        with frame('Backtest', who, context.state.bot):
            with ui.card().classes('w-full'):
                with ui.row().classes('items-end gap-3 flex-wrap'):
                    strategy = (
                        ui.select(list(STRATEGIES), value='sma_cross', label='Strategy')
                        .classes('w-48')
                        .mark('bt-strategy')
                    )
                    default = next((k for k in files if 'GOOG' in k), next(iter(files)))
                    data = ui.select(list(files), value=default, label='Data').classes('w-72').mark('bt-data')
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
                    ui.upload(
                        label='Upload CSV (Date/timestamp, Open, High, Low, Close, Volume)',
                        auto_upload=True,
                        max_file_size=MAX_UPLOAD_BYTES,
                        on_upload=lambda e: received(e),
                    ).props('accept=.csv flat bordered').classes('w-full sm:w-96').mark('bt-upload')
                    start = ui.button('Run backtest', icon='play_arrow', on_click=lambda: go()).mark('bt-run')
                progress = ui.linear_progress(value=0, show_value=False).classes('w-full').mark('bt-progress')
                message = ui.label().classes('text-sm whitespace-pre-wrap').mark('bt-message')
            results = ui.column().classes('w-full gap-3')

        async def received(event: events.UploadEventArguments) -> None:
            if acting_principal(context) is None:
                return
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
                message.set_text(f'upload refused: {error}')
                message.classes(replace='text-sm whitespace-pre-wrap text-negative')
                return
            files[f'upload: {name}'] = path
            data.set_options(list(files), value=f'upload: {name}')
            message.set_text(f'{name}: {len(bars)} bars, every {bars.interval_s} s')
            message.classes(replace='text-sm whitespace-pre-wrap')

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
                bars = load_bars(files[data.value])
            except (StrategyError, BarsError, ValueError, TypeError) as error:
                message.set_text(str(error))
                message.classes(replace='text-sm whitespace-pre-wrap text-negative')
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
            show(result, bars)

        def show(result: BacktestResult, bars: Bars) -> None:
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
                PriceChart(views.backtest_chart(bars, result.trades), viewer.timezone).mark('bt-chart')
                ui.label(f'{len(result.trades)} trades ({result.stats["trades"]} closed)').classes('text-sm').mark(
                    'bt-trade-count'
                )

        await ui.context.client.connected()
        await viewer.learn_timezone()
