"""How pages report a command's outcome: one place shows a refused command's reason."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

from nicegui import ui

from ..errors import CommandError

T = TypeVar('T')


@overload
async def attempt(command: Callable[[], Awaitable[T]]) -> T | None: ...
@overload
async def attempt(command: Callable[[], T]) -> T | None: ...
async def attempt(command: Callable[[], T | Awaitable[T]]) -> T | None:
    """Run ``command``; a :class:`CommandError` becomes a red notification and None."""
    try:
        result = command()
        if inspect.isawaitable(result):
            return await result
        return result
    except CommandError as error:
        ui.notify(error.message, type='negative')
        return None
