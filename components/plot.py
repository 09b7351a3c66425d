"""``Plot``: NiceGUI's ``ui.plotly`` on plotly.js's finance bundle, a quarter of the size of the full one."""

from __future__ import annotations

import weakref
from typing import Any

from nicegui import Client, __version__, ui
from nicegui.dependencies import esm_modules

from oracle_ui import i18n
from oracle_ui.i18n.formats import chart_formats

BUNDLE = 'oracle-plotly'
TRANSPARENT = {'paper_bgcolor': 'rgba(0,0,0,0)', 'plot_bgcolor': 'rgba(0,0,0,0)'}
"""Chart backgrounds show the card behind them; text and grid colours follow the page's theme (``plot.js``)."""
PLOTLY_LOCALES = {'de': 'de', 'es': 'es', 'fr': 'fr', 'zh_CN': 'zh-CN', 'ja': 'ja', 'fa': 'fa'}
"""plotly.js's locale of each shipped language (``vendor/plotly/plotly-locale-<name>.js``); English is built in."""
_preloading: weakref.WeakSet[Client] = weakref.WeakSet()
"""Pages whose head already loads the bundle."""


class Plot(ui.plotly, component='plot.js', esm={BUNDLE: 'vendor/plotly'}):
    """A plotly chart (dict figure) of the trace types in the finance bundle: candlestick, bar, scatter, ...

    Same Python interface as ``ui.plotly`` (``update``, ``update_figure``, ``run_plot_method``); resizes
    with its container.
    """

    def __init__(self, figure: dict[str, Any]) -> None:
        data = [_frozen(trace) for trace in figure.get('data', [])]
        super().__init__({**figure, 'data': data, 'locale': chart_locale()})
        preload_plotly()


def chart_locale() -> dict[str, Any] | None:
    """The current language for ``plot.js``: plotly's locale name, the file with its strings, and month names and
    number marks from Babel (:func:`~oracle_ui.i18n.formats.chart_formats`); None for English."""
    name = PLOTLY_LOCALES.get(i18n.current().code)
    if name is None:
        return None
    return {'name': name, 'script': f'plotly-locale-{name.lower()}.js', 'format': _frozen(chart_formats())}


def preload_plotly() -> None:
    """Fetch and run the bundle while the page loads (see vendor/plotly/index.js): charts built with the page do it
    themselves; a page that draws its charts only once connected calls this while it is being built."""
    client = ui.context.client
    if not client.has_socket_connection and client not in _preloading:
        _preloading.add(client)
        base = f'/_nicegui/{__version__}/esm/{next(k for k, m in esm_modules.items() if m.name == BUNDLE)}'
        locale = chart_locale()
        strings = (
            locale and f'<link rel="preload" as="script" id="oracle-plotly-locale" href="{base}/{locale["script"]}">'
        )
        ui.add_head_html(
            f'<script async id="oracle-plotly" src="{base}/plotly-finance.min.js"></script>'
            f'<link rel="modulepreload" href="{base}/index.js">{strings or ""}'
        )


def _frozen(value: Any) -> Any:
    """A trace with its data arrays as tuples: NiceGUI wraps every list in a prop into an observable, element by
    element (for a chart's thousands of points that took most of a page's build time); tuples are sent as they are.
    Charts change through plot calls afterwards, never by editing these arrays."""
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value
