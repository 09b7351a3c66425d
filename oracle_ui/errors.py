"""The one error type commands raise; the API maps its kind to a status code, pages show its message."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from .i18n import SOURCE, gettext, using


class ErrorKind(StrEnum):
    BAD_REQUEST = 'bad_request'
    """The request names something that does not exist as a choice (an unknown action)."""
    FORBIDDEN = 'forbidden'
    """The caller's role may not do this."""
    NOT_FOUND = 'not_found'
    """The thing acted on does not exist (no open position on a symbol, an unknown symbol)."""
    CONFLICT = 'conflict'
    """The current state does not allow it (something already exists)."""
    INVALID = 'invalid'
    """The values given are not acceptable; the message names each problem and what is valid."""
    UNAVAILABLE = 'unavailable'
    """A resource the command needs is failing (the database); retrying later may work."""


class CommandError(Exception):
    """A command that was not carried out; :attr:`message` says why in words a user can act on, in the current
    language (a page shows it in its viewer's; the API's error bodies are English: :meth:`english`).

    :param kind: why, as a category (the API's status code follows from it)
    :param message: what went wrong and, where it helps, what is valid: an English text (marked ``N_`` to be
        translated where shown, ``{name}`` placeholders filled from ``params``), or a function writing it in the
        current language (e.g. pydantic's problems)
    :param params: the placeholders' values (data: kept as they are in every language)
    """

    def __init__(self, kind: ErrorKind, message: str | Callable[[], str], **params: object) -> None:
        self.kind = kind
        self.template = message
        self.params = params
        super().__init__(self.english())

    @property
    def message(self) -> str:
        """The reason in the current language."""
        if callable(self.template):
            return self.template()
        text = gettext(self.template)
        return text.format(**self.params) if self.params else text

    def english(self) -> str:
        """The reason in English (API error bodies, logs)."""
        with using(SOURCE):
            return self.message

    def __str__(self) -> str:
        return self.message
