"""``EquityChart``: account equity over time as one line."""

from __future__ import annotations

from collections.abc import Sequence

from components.plot import TRANSPARENT, Plot
from oracle_ui.i18n import _


class EquityChart(Plot):
    """Equity line; ``times`` are date strings or epoch milliseconds. Extend it with ``extendTraces`` on trace 0."""

    def __init__(self, times: Sequence[str | float], equity: Sequence[float], height: int) -> None:
        super().__init__(
            {
                'data': [
                    {
                        'type': 'scatter',
                        'mode': 'lines',
                        'name': _('equity'),
                        'x': list(times),
                        'y': list(equity),
                        'line': {'color': '#2dd4bf'},
                    }
                ],
                'layout': {
                    **TRANSPARENT,
                    'height': height,
                    'margin': {'l': 70, 'r': 10, 't': 10, 'b': 30},
                    'xaxis': {'type': 'date'},
                    'yaxis': {'tickformat': ',.2f', 'hoverformat': ',.2f'},  # 9,999.80, not plotly's '9.9998k'
                },
                'config': {'displaylogo': False},
            }
        )
        self.classes('w-full').style(f'height: {height}px')
