"""API tokens: when any is configured, every REST and WebSocket request must present one."""

from __future__ import annotations

import hmac
from collections.abc import Iterable


class Access:
    """The set of valid API tokens (empty: no token required, loopback only).

    :param tokens: valid bearer tokens
    """

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        self._tokens: tuple[bytes, ...] = ()
        self.set_tokens(tokens)

    @property
    def is_enabled(self) -> bool:
        return bool(self._tokens)

    def set_tokens(self, tokens: Iterable[str]) -> None:
        """Replace the valid tokens; connections holding a withdrawn one are closed at the next check."""
        self._tokens = tuple(t.encode() for t in tokens if t)

    def is_valid(self, token: str | None) -> bool:
        """Constant-time check of ``token`` (any token is fine while none is configured)."""
        if not self._tokens:
            return True
        if not token:
            return False
        candidate = token.encode()
        matches = [hmac.compare_digest(candidate, valid) for valid in self._tokens]
        return any(matches)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(' ')
    return value.strip() or None if scheme.lower() == 'bearer' else None
