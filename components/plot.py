"""``Plot``: NiceGUI's ``ui.plotly`` on plotly.js's finance bundle, a quarter of the size of the full one."""

from __future__ import annotations

import weakref
from typing import Any

from nicegui import Client, __version__, ui
from nicegui.dependencies import esm_modules

from oracle_ui import i18n
from oracle_ui.i18n import pgettext
from oracle_ui.i18n.formats import chart_formats

BUNDLE = 'oracle-plotly'
TRANSPARENT = {'paper_bgcolor': 'rgba(0,0,0,0)', 'plot_bgcolor': 'rgba(0,0,0,0)'}
"""Chart backgrounds show the card behind them; text and grid colours follow the page's theme (``plot.js``)."""
PLOTLY_LOCALES = {'de': 'de', 'es': 'es', 'fr': 'fr', 'zh_CN': 'zh-CN', 'ja': 'ja', 'fa': 'fa', 'en_XA': 'en-XA'}
"""plotly.js's locale name of each shipped language (and the pseudo-locale); English is built in."""
PLOTLY_FILES = frozenset({'de', 'es', 'fr', 'zh-CN', 'ja'})
"""The locales plotly.js ships strings for (``vendor/plotly/plotly-locale-<name>.js``): the ones our charts show come
from our catalogs (:func:`plotly_strings`), its file adds the rest. Persian has none in plotly.js."""
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
    """The current language for ``plot.js``: plotly's locale name, the file with the rest of plotly's strings (None
    where plotly.js has none), the strings our charts show (:func:`plotly_strings`) and month names and number marks
    from Babel (:func:`~oracle_ui.i18n.formats.chart_formats`); None for English."""
    name = PLOTLY_LOCALES.get(i18n.current().code)
    if name is None:
        return None
    script = f'plotly-locale-{name.lower()}.js' if name in PLOTLY_FILES else None
    return {'name': name, 'script': script, 'dictionary': plotly_strings(), 'format': _frozen(chart_formats())}


def plotly_strings() -> dict[str, str]:
    """plotly.js's own strings that our charts show (its toolbar's tooltips, its tips, a candle's hover labels), by
    their English text, in the current language: a plotly locale's ``dictionary``."""
    return {
        # TRANSLATORS: plotly's chart toolbar: drag over the chart to zoom into that area
        'Zoom': pgettext('chart toolbar', 'Zoom'),
        # TRANSLATORS: plotly's chart toolbar: drag to move the chart (not a cooking pan)
        'Pan': pgettext('chart toolbar', 'Pan'),
        'Box Select': pgettext('chart toolbar', 'Box Select'),
        'Lasso Select': pgettext('chart toolbar', 'Lasso Select'),
        'Zoom in': pgettext('chart toolbar', 'Zoom in'),
        'Zoom out': pgettext('chart toolbar', 'Zoom out'),
        # TRANSLATORS: plotly's chart toolbar: fit the axes to all the data
        'Autoscale': pgettext('chart toolbar', 'Autoscale'),
        'Reset axes': pgettext('chart toolbar', 'Reset axes'),
        'Download plot as a PNG': pgettext('chart toolbar', 'Download plot as a PNG'),
        'Download plot': pgettext('chart toolbar', 'Download plot'),
        # TRANSLATORS: plotly's chart toolbar: lines from the point under the pointer to the axes
        'Toggle Spike Lines': pgettext('chart toolbar', 'Toggle Spike Lines'),
        'Show closest data on hover': pgettext('chart toolbar', 'Show closest data on hover'),
        'Compare data on hover': pgettext('chart toolbar', 'Compare data on hover'),
        'Double-click to zoom back out': pgettext('chart tip', 'Double-click to zoom back out'),
        # TRANSLATORS: a plotly tip: a "trace" is one line or series of the chart
        'Double-click on legend to isolate one trace': pgettext(
            'chart tip', 'Double-click on legend to isolate one trace'
        ),
        'Taking snapshot - this may take a few seconds': pgettext(
            'chart tip', 'Taking snapshot - this may take a few seconds'
        ),
        'Snapshot succeeded': pgettext('chart tip', 'Snapshot succeeded'),
        'Sorry, there was a problem downloading your snapshot!': pgettext(
            'chart tip', 'Sorry, there was a problem downloading your snapshot!'
        ),
        # TRANSLATORS: a candle's hover label: its opening price (the trading term, not "to open")
        'open:': pgettext('candle', 'open:'),
        # TRANSLATORS: a candle's hover label: its highest price
        'high:': pgettext('candle', 'high:'),
        # TRANSLATORS: a candle's hover label: its lowest price
        'low:': pgettext('candle', 'low:'),
        # TRANSLATORS: a candle's hover label: its closing price (the trading term, not "to close")
        'close:': pgettext('candle', 'close:'),
    }


def preload_plotly() -> None:
    """Fetch and run the bundle while the page loads (see vendor/plotly/index.js): charts built with the page do it
    themselves; a page that draws its charts only once connected calls this while it is being built."""
    client = ui.context.client
    if not client.has_socket_connection and client not in _preloading:
        _preloading.add(client)
        base = f'/_nicegui/{__version__}/esm/{next(k for k, m in esm_modules.items() if m.name == BUNDLE)}'
        script = (chart_locale() or {}).get('script')
        strings = script and f'<link rel="preload" as="script" id="oracle-plotly-locale" href="{base}/{script}">'
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
