"""``/backtest``: run a strategy over a shipped sample or an uploaded CSV (operators upload, into their own
folder) without blocking other pages, see the whole run (chart, trades, stats against buy and hold), save runs and
compare saved ones. Files are read and backtests run off the event loop."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from nicegui import events, run, ui

from components.backtest_form import BacktestForm
from components.backtest_results import backtest_results
from components.backtest_runs import SavedRunsCard, comparison
from components.frame import frame
from components.viewer import Viewer
from oracle_ui import live_settings, reports, views
from oracle_ui.backtest import BacktestConfig, BacktestResult, run_backtest, sample_files
from oracle_ui.backtest.saving import saved_run
from oracle_ui.engine.bars import Bars, BarsError
from oracle_ui.engine.strategies import Strategy, StrategyError
from oracle_ui.errors import CommandError
from oracle_ui.i18n import _, formats, ngettext, pinned, terms
from oracle_ui.reports import ReportFormat
from oracle_ui.security.accounts import Principal
from oracle_ui.uploads import UploadError, Uploads, display_name, load_named, read_bars
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

log = logging.getLogger(__name__)
SAMPLE = 'sample: '
UPLOAD = 'upload:'
"""Choices of the data picker: a sample by its file name, an upload by its id (its label shows its name)."""
RUN_REPORTS: tuple[ReportFormat, ...] = ('html', 'pdf')


def register(context: AppContext) -> None:
    settings = context.system.settings
    uploads = Uploads(settings.data_dir / 'uploads', settings.upload_quota_files, settings.upload_quota_bytes)
    samples = sample_files()

    @guarded_page(context, '/backtest')
    async def backtest_page() -> None:
        who = page_principal(context.system)
        page = BacktestPage(context, who, DataFiles(samples, uploads, who.name), Viewer())
        with frame('Backtest', page.who, context.state.bot):
            page.build()
        ui.timer(0.2, page.tick)
        await ui.context.client.connected()
        await page.viewer.learn_timezone()
        page.refresh_runs()


class DataFiles:
    """The bar files one user may backtest: the shipped samples and their own uploads."""

    def __init__(self, samples: dict[str, Path], uploads: Uploads, user: str) -> None:
        self.samples, self.uploads, self.user = samples, uploads, user

    def choices(self) -> dict[str, str]:
        """The shipped samples and this user's own uploads, as {choice: label}."""
        return {
            **{f'{SAMPLE}{name}': _('sample: {name}').format(name=name) for name in self.samples},
            **{f'{UPLOAD}{u.id}': _('upload: {name}').format(name=u.name) for u in self.uploads.listing(self.user)},
        }

    def chosen_file(self, choice: str) -> tuple[Path, str]:
        """The file behind a choice and the name to report it under."""
        if choice.startswith(SAMPLE) and choice.removeprefix(SAMPLE) in self.samples:
            return self.samples[choice.removeprefix(SAMPLE)], choice.removeprefix(SAMPLE)
        upload_id = choice.removeprefix(UPLOAD)
        upload = next((u for u in self.uploads.listing(self.user) if u.id == upload_id), None)
        if upload is None:
            raise UploadError(_('that upload is gone (removed to stay within the quota?): upload it again'))
        return self.uploads.path(self.user, upload.id), upload.name


class BacktestPage:
    """One tab's backtest page: the run form, the run's progress and results, the saved runs."""

    def __init__(self, context: AppContext, who: Principal, files: DataFiles, viewer: Viewer) -> None:
        self.context, self.system, self.who, self.files, self.viewer = context, context.system, who, files, viewer
        self.done, self.total, self.running = 0, 1, False
        self.last: tuple[BacktestResult, Strategy, BacktestConfig, Path, str] | None = None
        """The shown run, to save: its result, strategy, config, file and the name it is shown under."""

    def build(self) -> None:
        with ui.card().classes('w-full'):
            options = self.files.choices()
            default = next((k for k in options if 'GOOG' in k), next(iter(options)))
            self.form = BacktestForm(options, default, live_settings.current(self.system).risk)
            self._actions()
            self.progress = ui.linear_progress(value=0, show_value=False).classes('w-full').mark('bt-progress')
            self.message = ui.label().classes('text-sm whitespace-pre-wrap').mark('bt-message')
        self.results = ui.column().classes('w-full gap-3').mark('bt-results')
        self.runs = SavedRunsCard(
            RUN_REPORTS,
            on_compare=self.compare_runs,
            on_report=self.report,
            on_delete=self.delete_runs,
            can_delete=self.who.can_control,
        )

    def _actions(self) -> None:
        """The upload (operators), run and save buttons."""
        with ui.row().classes('items-center gap-3 w-full'):
            if self.who.can_control:  # the upload route refuses anyone else too (oracle_ui.web.upload_gate)
                upload = ui.upload(
                    label=_('Upload CSV (Date/timestamp, Open, High, Low, Close, Volume)'),
                    auto_upload=True,
                    max_file_size=self.system.settings.max_upload_bytes,
                    on_upload=self.received,
                )
                upload.props('accept=.csv flat bordered').classes('w-full sm:w-96').mark('bt-upload')
            else:
                ui.label(_('uploading a CSV needs an operator login; the samples are for everyone')).classes(
                    'text-sm opacity-70'
                )
            self.start = ui.button(_('Run backtest'), icon='play_arrow', on_click=self.go).mark('bt-run')
            self.save = ui.button(_('Save run'), icon='save', on_click=self.keep).props('outline')
            self.save.mark('bt-save').set_enabled(False)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.set_text(text)
        self.message.classes(replace='text-sm whitespace-pre-wrap' + (' text-negative' if error else ''))

    def fail(self, text: str) -> None:
        """An error replaces the previous run's results, so nothing stale is read as the answer."""
        self.say(text, error=True)
        self.results.clear()
        self.last = None
        self.save.set_enabled(False)

    async def received(self, event: events.UploadEventArguments) -> None:
        if (actor := acting_principal(self.context)) is None:
            return
        shown = display_name(event.file.name)
        if not actor.can_control:
            log.warning('refused an upload by %s: viewer role', actor.label)
            self.fail(_('{file}: uploading needs an operator login').format(file=shown))
            return
        uploads = self.files.uploads
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
            self.fail(_('upload refused: {problem}').format(problem=error))
            return
        self.form.data.set_options(self.files.choices(), value=f'{UPLOAD}{kept.id}')
        count = ngettext('{file}: {count} bar, every {seconds} s', '{file}: {count} bars, every {seconds} s', len(bars))
        text = count.format(
            file=shown, count=formats.decimal(len(bars), 0), seconds=formats.decimal(bars.interval_s, 0, grouped=False)
        )
        if removed:
            gone = _('to stay within your quota, removed: {files}').format(files=', '.join(u.name for u in removed))
            text += f'\n{gone}'
        self.say(text)

    def tick(self) -> None:
        self.progress.set_value(self.done / max(self.total, 1))

    def configure(self) -> tuple[Strategy, BacktestConfig, Path, str]:
        """The strategy, config and file the form says, and the name the file is shown under."""
        chosen, config = self.form.configure()
        return chosen, config, *self.files.chosen_file(self.form.data.value or '')

    async def go(self) -> None:
        if self.running or acting_principal(self.context) is None:
            return
        try:
            chosen, config, path, shown = self.configure()
            uploaded = not (self.form.data.value or '').startswith(SAMPLE)
            bars = await read_off_the_server(path, shown, uploaded=uploaded)
        except (StrategyError, BarsError, ValueError, TypeError) as error:
            self.fail(str(error))
            return
        if bars is None:  # the app is shutting down
            return
        self.done, self.total, self.running = 0, len(bars), True
        self.start.disable()
        running = ngettext('running {strategy} over {count} bar …', 'running {strategy} over {count} bars …', len(bars))
        self.say(running.format(strategy=terms.strategy(chosen.name), count=formats.decimal(len(bars), 0)))
        began = time.perf_counter()
        try:
            result = await run.io_bound(pinned(run_backtest), bars, chosen, config, progress=self.report_progress)
            indicators = views.strategy_indicators(chosen)
            chart = await run.io_bound(views.BacktestChart, bars, result.trades, indicators) if result else None
        finally:
            self.running = False
            self.start.enable()
        if result is None or chart is None:  # the app is shutting down
            return
        took = ngettext('{strategy}: {count} bar in {seconds} s', '{strategy}: {count} bars in {seconds} s', len(bars))
        text = took.format(
            strategy=terms.strategy(chosen.name),
            count=formats.decimal(len(bars), 0),
            seconds=formats.decimal(time.perf_counter() - began, 2),
        )
        if result.rejections:
            rejected = ngettext(
                '{count} order rejected, e.g. {example}',
                '{count} orders rejected, e.g. {example}',
                len(result.rejections),
            )
            text += '\n' + rejected.format(count=len(result.rejections), example=str(result.rejections[0]))
        self.say(text)
        self.last = (result, chosen, config, path, shown)
        self.save.set_enabled(True)
        self.show(result, bars, chart, indicators)

    def report_progress(self, done: int, total: int) -> None:
        """Called by the running backtest (in its worker thread); :meth:`tick` shows it."""
        self.done, self.total = done, total

    def show(
        self, result: BacktestResult, bars: Bars, chart: views.BacktestChart, indicators: list[views.ChartIndicator]
    ) -> None:
        async def load_range(first: float | None, last: float | None) -> views.CandlesResponse:
            if first is None or last is None:
                return chart.overview()
            return await run.io_bound(chart.detail, first, last) or chart.overview()

        self.results.clear()
        with self.results:
            backtest_results(result, bars.close, chart.overview(), indicators, self.viewer.timezone, load_range)

    async def keep(self) -> None:
        if self.last is None or (actor := acting_principal(self.context)) is None:
            return
        result, chosen, config, path, shown = self.last
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
        run_id = await attempt(lambda: self.system.commands.save_backtest(record, who=actor, origin=origin()))
        if run_id is not None:
            ui.notify(_('saved as #{id}').format(id=run_id), type='positive')
            self.save.set_enabled(False)
            self.refresh_runs()

    def refresh_runs(self) -> None:
        if acting_principal(self.context) is None:
            return
        self.runs.table.show(self.system.store.backtest_runs.list(), self.viewer.timezone)

    def compare_runs(self) -> None:
        if acting_principal(self.context) is None:
            return
        store = self.system.store
        chosen = [run for i in self.runs.table.selected_ids if (run := store.backtest_runs.get(i)) is not None]
        self.runs.compared.clear()
        if len(chosen) < 2:
            ui.notify(_('pick two or more runs to compare'), type='warning')
            return
        with self.runs.compared:
            comparison(chosen)

    async def report(self, kind: ReportFormat) -> None:
        if acting_principal(self.context) is None:
            return
        ids = self.runs.table.selected_ids
        if len(ids) != 1:
            ui.notify(_('pick one run for its report'), type='warning')
            return
        try:
            made = await run.io_bound(pinned(reports.backtest_report), self.system.store, ids[0], kind)
        except CommandError as error:
            ui.notify(error.message, type='negative')
            return
        if made is not None:
            ui.download(made.content, made.filename, made.media_type)

    async def delete_runs(self) -> None:
        ids = self.runs.table.selected_ids
        if not ids or (actor := acting_principal(self.context)) is None:
            return
        deleted = await attempt(lambda: self.system.commands.delete_backtests(ids, who=actor, origin=origin()))
        if deleted:
            ui.notify(
                ngettext('deleted {count} run', 'deleted {count} runs', len(deleted)).format(count=len(deleted)),
                type='positive',
            )
            self.runs.compared.clear()
            self.refresh_runs()


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
