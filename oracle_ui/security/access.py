"""Who may do what: token and password checks, the role each grants, and the failed-login throttle.

Authentication is on as soon as any credential exists (``ORACLE_API_TOKEN``, a user, or a stored token). While
none exists the server only listens on loopback (see :func:`check_exposure`) and everyone is the local operator.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import _
from ..settings import Settings
from ..store import Store
from .accounts import LOCAL, Accounts, Principal, Role

log = logging.getLogger(__name__)

WEAK_TOKENS = frozenset({'token', 'secret', 'changeme', 'password', 'admin', 'test', 'oracle', 'dev'})
MIN_TOKEN_LENGTH = 24


class LoginThrottle:
    """Per-client lock after repeated failures: ``max_failures`` within ``lock_s`` locks the client for ``lock_s``.

    :param clock: monotonic seconds (tests pass a fake clock)
    """

    MAX_CLIENTS = 10_000

    def __init__(self, max_failures: int = 5, lock_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max_failures
        self.lock_s = lock_s
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    def retry_after(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        return max(0.0, self._locked_until.get(client, 0.0) - self.clock())

    def failure(self, client: str) -> None:
        """Count a failed attempt of ``client`` (the one that reaches ``max_failures`` locks it)."""
        now = self.clock()
        recent = [t for t in self._failures.get(client, []) if now - t < self.lock_s] + [now]
        self._failures[client] = recent
        if len(recent) >= self.max_failures:
            self._locked_until[client] = now + self.lock_s
            self._failures.pop(client)
            log.warning('locked out %s for %.0f s after %d failed logins', client, self.lock_s, len(recent))
        if len(self._failures) > self.MAX_CLIENTS:  # bounded memory under a spray of addresses
            self._prune(now)

    def success(self, client: str) -> None:
        """A right password: forget the client's failures, and the lock its own attempt may have started."""
        self._failures.pop(client, None)
        self._locked_until.pop(client, None)

    def lock_from_now(self, client: str) -> None:
        """A wrong password, counted when its check began: a lock that attempt started runs ``lock_s`` from now."""
        if client in self._locked_until:
            self._locked_until[client] = max(self._locked_until[client], self.clock() + self.lock_s)

    def _prune(self, now: float) -> None:
        self._failures = {c: ts for c, ts in self._failures.items() if now - ts[-1] < self.lock_s}
        self._locked_until = {c: t for c, t in self._locked_until.items() if t > now}


@dataclass(frozen=True, slots=True)
class LoginResult:
    """How a login attempt ended: the principal if the password was right; ``refused`` says why it was not even
    checked (empty when it was checked and wrong), in the current language (the login page's)."""

    principal: Principal | None
    refused: str = ''


class Access:
    """Resolves tokens and passwords to principals.

    :param accounts: stored users and tokens
    :param config_token: ``ORACLE_API_TOKEN``, an operator token from the settings
    """

    def __init__(self, accounts: Accounts, config_token: str | None = None) -> None:
        self.accounts = accounts
        self._config_token = config_token.encode() if config_token else b''
        self.throttle = LoginThrottle()
        self._checking_clients: set[str] = set()
        self._checking_users: set[str] = set()

    @property
    def is_enabled(self) -> bool:
        """Any credential exists: requests must authenticate."""
        return bool(self._config_token) or self.accounts.has_tokens() or self.accounts.has_users()

    def resolve(self, token: str | None) -> Principal | None:
        """The principal a bearer token stands for; the local operator while no credential exists."""
        if not self.is_enabled:
            return LOCAL
        if not token:
            return None
        if self._config_token and hmac.compare_digest(token.encode(), self._config_token):
            return Principal('api-token', Role.OPERATOR, 'config')
        return self.accounts.token_principal(token)

    def is_valid(self, token: str | None) -> bool:
        return self.resolve(token) is not None

    async def login(self, name: str, password: str, client: str) -> LoginResult:
        """Check a password (in a thread: argon2 takes ~50 ms), for at most one attempt per client address and per
        user name at a time: while one is being checked, others are refused, not queued. An attempt counts towards
        the client's lock before its check starts (a right password clears the count), so a burst of parallel
        attempts gets no more guesses checked than a sequence would."""
        if (wait := self.throttle.retry_after(client)) > 0:
            refusal = _('too many failed attempts: try again in {seconds} s')
            return LoginResult(None, refusal.format(seconds=math.ceil(wait)))
        user_key = name.casefold()
        if client in self._checking_clients or user_key in self._checking_users:
            log.warning('refused a login for user %r from %s: another attempt is being checked', name, client)
            return LoginResult(None, _('another login attempt is being checked: try again in a moment'))
        self._checking_clients.add(client)
        self._checking_users.add(user_key)
        self.throttle.failure(client)
        try:
            principal = await asyncio.to_thread(self.accounts.verify_password, name, password)
        finally:
            self._checking_clients.discard(client)
            self._checking_users.discard(user_key)
        if principal is None:
            self.throttle.lock_from_now(client)
            log.warning('failed login for user %r from %s', name, client)
        else:
            self.throttle.success(client)
            log.info('user %r logged in from %s', name, client)
        return LoginResult(principal)

    def authenticate(self, token: str | None, client: str) -> Principal | None:
        """:meth:`resolve` for a request from ``client``: a presented but wrong token counts towards its lock (a
        request without any token does not) and is logged, without the token."""
        who = self.resolve(token)
        if who is None and token:
            self.throttle.failure(client)
            log.warning('rejected an invalid API token from %s', client)
        return who


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(' ')
    return value.strip() or None if scheme.lower() == 'bearer' else None


def weak_secret_warnings(config_token: str | None) -> list[str]:
    """Warnings about guessable secrets in the configuration."""
    if config_token is None:
        return []
    if config_token.lower() in WEAK_TOKENS or len(config_token) < MIN_TOKEN_LENGTH or len(set(config_token)) < 8:
        return [
            f'ORACLE_API_TOKEN is weak (under {MIN_TOKEN_LENGTH} characters or a common word): anyone who '
            'guesses it controls the bot; use `oracle-trader tokens add NAME` or '
            '`python3 -c "import secrets; print(secrets.token_urlsafe(32))"`'
        ]
    return []


def credentials_exist(settings: Settings) -> bool:
    """A token is configured, or the data directory's database holds a user or token."""
    if settings.api_token is not None:
        return True
    if settings.database == settings.database_path and not settings.database_path.exists():
        return False
    store = Store(settings.database)
    try:
        accounts = Accounts(store.engine)
        return accounts.has_users() or accounts.has_tokens()
    finally:
        store.close()
