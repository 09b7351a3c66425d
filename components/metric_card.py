"""A small card: label, live value bound to the shared state, and a sparkline of recent values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nicegui import ui

from oracle_ui.formatting import sparkline_points
from oracle_ui.i18n import pinned


class MetricCard(ui.card):
    """Shows ``field`` of ``source`` formatted by ``formatter`` (in the language of the page it is on); call
    :meth:`draw` with recent values."""

    def __init__(self, label: str, source: object, field: str, formatter: Callable[[float], str]) -> None:
        super().__init__()
        self.classes('p-3 gap-1 min-w-0')
        with self:
            ui.label(label).classes('text-xs opacity-70')
            ui.label().bind_text_from(source, field, backward=pinned(formatter)).classes('text-lg').mark(
                f'metric-{field}'
            )
            self._spark = ui.html('', sanitize=False).classes('w-full')

    def draw(self, values: Sequence[float]) -> None:
        points = sparkline_points(list(values))
        self._spark.set_content(
            f'<svg viewBox="0 0 120 28" preserveAspectRatio="none" style="width:100%;height:28px">'
            f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/></svg>'
        )
