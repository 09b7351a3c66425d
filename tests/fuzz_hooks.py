"""Schemathesis hooks for :mod:`tests.test_fuzz` (loaded through ``SCHEMATHESIS_HOOKS``).

An Apprise URL's scheme names a service and the schema states that much; whether the rest is usable is decided by
the service's plugin (a Telegram URL needs a bot token of Telegram's shape), which no schema can state, and the
API answers 422 naming the reason. So in the alerts' bodies every generated URL becomes one Apprise can use: every
other value stays as generated and must be accepted when it is schema-valid.
"""

import re
from typing import Any

import schemathesis

from oracle_ui.alerts.rules import APPRISE_URL

USABLE_URL = 'json://127.0.0.1:9/oracle-fuzz'
"""A JSON webhook to the discard port: Apprise accepts it, and a test message fails fast without leaving."""


def _usable(value: Any) -> Any:
    """A schema-valid URL -> :data:`USABLE_URL`; anything else (the case may be testing it) unchanged."""
    valid = isinstance(value, str) and 3 <= len(value) <= 2000 and re.fullmatch(APPRISE_URL, value)
    return USABLE_URL if valid else value


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Generated URLs in ``url`` and ``channels`` of the alerts' bodies -> :data:`USABLE_URL`, in every phase."""
    body = case.body
    if '/alert' not in case.operation.path or not isinstance(body, dict):
        return
    if 'url' in body:
        body['url'] = _usable(body['url'])
    if isinstance(body.get('channels'), list):
        body['channels'] = [_usable(item) for item in body['channels']]
