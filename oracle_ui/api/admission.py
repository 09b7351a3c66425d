"""How many WebSockets a client may hold: per address, per token, and still waiting to authenticate.

A connection takes a :class:`Seat` before it is accepted and gives it back when it ends. Past a limit the
handshake is answered with HTTP 429 and the reason (or, once accepted, closed with 1013). Loopback addresses share
one larger limit: they are this machine's own programs (scripts, benchmarks), or the clients of a reverse proxy
that does not pass their addresses on (``ORACLE_TRUSTED_PROXIES`` makes it do so, and each count on its own).
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass

from ..security.accounts import Principal


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The limits (see the ``ws_*`` settings)."""

    per_address: int = 64
    loopback: int = 2000
    per_token: int = 32
    unauthenticated: int = 8
    auth_timeout_s: float = 3.0


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class Admission:
    """The seats taken, by address, by token and by address while unauthenticated."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.by_address: Counter[str] = Counter()
        self.by_token: Counter[str] = Counter()
        self.unauthenticated: Counter[str] = Counter()

    def seat(self, address: str, who: Principal | None) -> Seat | str:
        """A seat for a connection from ``address`` by ``who`` (None: yet to authenticate), or why there is none."""
        key, limit = ('loopback', self.limits.loopback) if is_loopback(address) else (address, self.limits.per_address)
        if self.by_address[key] >= limit:
            where = 'this machine' if key == 'loopback' else address
            return f'too many WebSocket connections from {where} (limit {limit}); close some and retry'
        if who is None and self.unauthenticated[address] >= self.limits.unauthenticated:
            return (
                f'too many unauthenticated WebSocket connections from {address} '
                f'(limit {self.limits.unauthenticated}); authenticate with ?token= or close some'
            )
        seat = Seat(self, key, address)
        if who is None:
            seat.pending = True
            self.unauthenticated[address] += 1
        elif refusal := seat.claim(who):
            seat.release()
            return refusal
        return seat


class Seat:
    """One connection's place; :meth:`release` it when the connection ends (idempotent)."""

    def __init__(self, admission: Admission, address_key: str, address: str) -> None:
        self.admission = admission
        self.address_key = address_key
        self.address = address
        self.pending = False
        self.token: str | None = None
        self.released = False
        admission.by_address[address_key] += 1

    def claim(self, who: Principal) -> str:
        """Count this connection towards ``who``'s token (no longer unauthenticated); why not, if it is over."""
        self._settle()
        if who.kind not in ('token', 'config'):
            return ''
        counts, limit = self.admission.by_token, self.admission.limits.per_token
        if counts[who.label] >= limit:
            return f'too many WebSocket connections for {who.label} (limit {limit}); close some and retry'
        counts[who.label] += 1
        self.token = who.label
        return ''

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        self._settle()
        _decrement(self.admission.by_address, self.address_key)
        if self.token is not None:
            _decrement(self.admission.by_token, self.token)

    def _settle(self) -> None:
        if self.pending:
            self.pending = False
            _decrement(self.admission.unauthenticated, self.address)


def _decrement(counter: Counter[str], key: str) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]
