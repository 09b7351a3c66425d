"""The one error type commands raise; the API maps its kind to a status code, pages show its message."""

from __future__ import annotations

from enum import StrEnum


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
    """A command that was not carried out; ``str(error)`` says why in words a user can act on.

    :param kind: why, as a category (the API's status code follows from it)
    :param message: what went wrong and, where it helps, what is valid
    """

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
