"""Notification channels: Apprise URLs checked, masked, kept encrypted, and sent to (synchronously: the
dispatcher calls :func:`send` from a worker thread).

A URL's secret parts never leave the server once saved: the database holds it encrypted with a key in the data
directory (``.alerts_key``, mode 0600), everyone sees :func:`mask` of it, and any text that could contain parts of
it (Apprise's error messages) passes :func:`scrub` first. Apprise's own log lines are captured, never printed.

Apprise and cryptography are imported where they are used (a channel saved, checked or sent to): together they
hold ~9 MB resident, which a server without channels would carry for nothing.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEY_FILE = '.alerts_key'
NOTIFY_TYPES = {'info': 'info', 'warning': 'warning', 'critical': 'failure'}
"""Apprise's notify type (``apprise.NotifyType``'s values) for each severity."""
_APPRISE_LOG = logging.getLogger('apprise')
_APPRISE_LOG.propagate = False  # its messages may name hosts, users or tokens: they are captured, scrubbed, reported
_APPRISE_LOG.addHandler(logging.NullHandler())
_APPRISE_LOG.setLevel(logging.DEBUG)  # its debug lines carry the socket errors: kept when they do
_ERRNO = re.compile(r'\[Errno -?\d+\][^"\']*|timed out|Read timed out[^"\']*')
_MASK_MIN = 6
"""Path segments this long or longer are masked (topics, webhook tokens, e-mail addresses)."""


class ChannelError(ValueError):
    """An URL Apprise cannot use; the message names the problem without the URL's secrets."""


@dataclass(frozen=True, slots=True)
class CheckedUrl:
    url: str
    masked: str
    service: str
    """Apprise's name of the service (``Telegram``, ``E-Mail``, ``JSON``)."""
    host: str
    """As masked (a Telegram bot's "host" is its token)."""


class SecretBox:
    """Encrypts channel URLs with a key kept in the data directory (made when first needed, mode 0600)."""

    def __init__(self, data_dir: Path) -> None:
        self._path = Path(data_dir) / KEY_FILE
        self._fernet: Fernet | None = None

    def encrypt(self, text: str) -> str:
        return self._box().encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The URL; raises ChannelError if the key is not the one it was saved with."""
        from cryptography.fernet import InvalidToken

        try:
            return self._box().decrypt(token.encode()).decode()
        except InvalidToken:
            raise ChannelError(f'cannot decrypt this channel: {KEY_FILE} in the data directory changed') from None

    def _box(self) -> Fernet:
        from cryptography.fernet import Fernet

        if self._fernet is None:
            if not self._path.exists():
                self._path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:  # another process made it first
                    pass
                else:
                    with os.fdopen(fd, 'wb') as handle:
                        handle.write(Fernet.generate_key())
            self._fernet = Fernet(self._path.read_bytes().strip())
        return self._fernet


def check(url: str) -> CheckedUrl:
    """The URL if Apprise can send to it, with its masked form; raises ChannelError saying why not."""
    import apprise

    url = url.strip()
    with _captured() as lines:
        try:
            plugin = apprise.Apprise.instantiate(url, suppress_exceptions=False)
        except Exception as error:  # Apprise raises its own and plain TypeErrors for bad arguments
            lines.append(str(error))
            plugin = None
    if plugin is None:
        scheme = url.split('://', 1)[0] if '://' in url else ''
        reason = scrub('; '.join(dict.fromkeys(lines)), url) or (
            f'unknown service {scheme!r}' if scheme else 'not an URL (service://…)'
        )
        raise ChannelError(f'not a usable Apprise URL: {reason}')
    masked = mask(url, plugin.url(privacy=True))
    return CheckedUrl(url, masked, str(plugin.service_name), masked.partition('://')[2].partition('/')[0])


def mask(url: str, private: str | None = None) -> str:
    """Scheme, host and path of Apprise's privacy form of ``url`` (passwords and tokens already abbreviated by
    it) without the query (headers, keys), and long path segments abbreviated too."""
    if private is None:
        import apprise

        plugin = apprise.Apprise.instantiate(url)
        private = plugin.url(privacy=True) if plugin is not None else url.split('://', 1)[0] + '://…'
    base = private.split('?', 1)[0]
    scheme, _, rest = base.partition('://')
    host, _, path = rest.partition('/')
    segments = [_abbreviate(s) for s in path.split('/') if s]
    return f'{scheme}://{host}' + ''.join(f'/{s}' for s in segments)


def _abbreviate(segment: str) -> str:
    if len(segment) < _MASK_MIN or '...' in segment:
        return segment
    return f'{segment[0]}...{segment[-1]}'


def scrub(text: str, url: str) -> str:
    """``text`` with every part of ``url`` that its masked form does not show replaced by ``****``."""
    shown = mask(url) if '://' in url else ''
    secrets = {t for t in re.split(r'[/:@?&=#,;+\s]', url) if len(t) >= 4 and t not in shown}
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, '****')
    return text


def send(url: str, title: str, body: str, severity: str) -> tuple[bool, str]:
    """Send one message (blocking: call from a worker thread); returns (ok, the scrubbed reason if not)."""
    import apprise

    with _captured() as lines:
        try:  # the plugin itself: Apprise() would send from a pool of its own, past the log capture
            plugin = apprise.Apprise.instantiate(url)
            ok = plugin is not None and bool(
                plugin.notify(body=body, title=title, notify_type=apprise.NotifyType(NOTIFY_TYPES[severity]))
            )
        except Exception as error:
            lines.append(f'{type(error).__name__}: {error}')
            ok = False
    if ok:
        return True, ''
    return False, scrub(_reason(lines), url) or 'the service refused the message'


def _reason(lines: list[str]) -> str:
    """Apprise's warning, with the socket's own words (``[Errno 111] Connection refused``) if it logged them."""
    warnings = [line for line in lines if not line.startswith(('Socket Exception', 'Response Details'))]
    sockets = [m.group(0).rstrip('\'")') for line in lines if (m := _ERRNO.search(line))]
    text = '; '.join(dict.fromkeys(warnings)) + (f' ({sockets[-1]})' if sockets else '')
    return text[:500]


class _ThreadLines(logging.Handler):
    """Collects the warnings and socket errors Apprise logs on one thread (sends run on several at once)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.thread = threading.get_ident()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage()
        if record.levelno >= logging.WARNING or message.startswith(('Socket Exception', 'Response Details')):
            self.lines.append(message)


class _captured:
    def __enter__(self) -> list[str]:
        self.handler = _ThreadLines()
        _APPRISE_LOG.addHandler(self.handler)
        return self.handler.lines

    def __exit__(self, *exc: object) -> None:
        _APPRISE_LOG.removeHandler(self.handler)
