"""How a person may name a traded symbol: ``BTC/USDT``, ``btc-usdt``, ``BTC_USDT`` or ``BTCUSDT`` all name
``BTC/USDT``; one function resolves the spelling and one regular expression states exactly what it accepts."""

from __future__ import annotations

import re
from collections.abc import Sequence


def _spelled(text: str) -> str:
    return text.upper().replace('-', '/').replace('_', '/')


def configured_symbol(symbols: Sequence[str], text: str) -> str | None:
    """The symbol of ``symbols`` that ``text`` names (ASCII letters in any case, ``/``, ``-``, ``_`` or nothing
    between base and quote), else None."""
    if not text.isascii():
        return None
    wanted = _spelled(text)
    return next((s for s in symbols if wanted in (s, s.replace('/', ''))), None)


def symbols_pattern(symbols: Sequence[str]) -> str:
    """A regular expression matching exactly the texts :func:`configured_symbol` resolves within ``symbols``."""

    def spellings(symbol: str) -> str:
        return ''.join(
            '[/_-]?' if c == '/' else f'[{c.upper()}{c.lower()}]' if c.isalpha() else re.escape(c) for c in symbol
        )

    return '^(?:' + '|'.join(spellings(s) for s in symbols) + ')$'


def named_or_spelled(symbols: Sequence[str], text: str) -> str:
    """The configured symbol ``text`` names, else ``text`` upper-cased with ``/`` between base and quote (a
    symbol traded before the configuration changed)."""
    return configured_symbol(symbols, text) or _spelled(text)
