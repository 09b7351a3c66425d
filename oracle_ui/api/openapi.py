"""The OpenAPI schema as the running system answers: what depends on the configuration (the traded symbols,
the charted timeframes) is stated as it is, so the schema is exact."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ..alerts.rules import CONFIGURED
from ..system import System
from ..views import chart_timeframes
from ..views.symbols import symbols_pattern
from .paths import REST_PREFIX


def state_configuration(app: FastAPI, system: System) -> None:
    """Make ``app.openapi()`` state the system's traded symbols and charted timeframes where the models mark
    them, and list the charted timeframes for ``GET /candles``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        timeframes = chart_timeframes(system)
        for parameter in schema['paths'][f'{REST_PREFIX}/candles']['get']['parameters']:
            if parameter['name'] == 'timeframe':
                parameter['schema'] = {
                    'anyOf': [{'type': 'string', 'enum': timeframes}, {'type': 'null'}],
                    'title': 'Timeframe',
                }
        values: dict[str, dict[str, Any]] = {
            'traded-symbols': {'pattern': symbols_pattern(system.engine.symbols)},
            'charted-timeframes': {'enum': timeframes},
        }
        _state(schema, values)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _state(node: Any, values: dict[str, dict[str, Any]]) -> None:
    """Replace every :data:`CONFIGURED` under ``node`` with what it stands for."""
    if isinstance(node, dict):
        if CONFIGURED in node:
            node.update(values[node.pop(CONFIGURED)])
        for child in node.values():
            _state(child, values)
    elif isinstance(node, list):
        for child in node:
            _state(child, values)
