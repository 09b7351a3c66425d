"""Log lines that cannot be forged: control characters in log messages are escaped, so text that came from a
client (a user name, a URL path, a browser's console message) can never start a line of its own."""

from __future__ import annotations

import logging
import re
from typing import Any

_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029]')
_NAMED = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}


def escape_controls(text: str) -> str:
    """``text`` with every control character (and the Unicode line/paragraph separators) written as an escape."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f'\\u{ord(m.group()):04x}'), text)


def _escaped(value: Any) -> Any:
    return escape_controls(value) if isinstance(value, str) else value


def install_escaping() -> None:
    """From now on, escape control characters in every log record's message and string arguments (idempotent).

    Done where records are made, so it covers every logger and handler (ours, NiceGUI's, uvicorn's); a record's
    arguments keep their shape for formatters that read them (uvicorn's access log). Tracebacks stay multi-line.
    """
    factory = logging.getLogRecordFactory()
    if getattr(factory, 'escapes_controls', False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.msg = _escaped(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_escaped(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _escaped(v) for k, v in record.args.items()}
        return record

    make_record.escapes_controls = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
