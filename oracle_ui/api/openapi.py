"""The OpenAPI schema as the running system answers: what depends on the configuration (the charted
timeframes) is stated as it is, so the schema is exact."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ..system import System
from ..views import chart_timeframes
from .paths import REST_PREFIX


def state_configuration(app: FastAPI, system: System) -> None:
    """Make ``app.openapi()`` list the system's charted timeframes for ``GET /candles``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        for parameter in schema['paths'][f'{REST_PREFIX}/candles']['get']['parameters']:
            if parameter['name'] == 'timeframe':
                parameter['schema'] = {
                    'anyOf': [{'type': 'string', 'enum': chart_timeframes(system)}, {'type': 'null'}],
                    'title': 'Timeframe',
                }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
