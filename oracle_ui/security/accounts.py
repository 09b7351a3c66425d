"""Users (argon2-hashed passwords) and API tokens (SHA-256-hashed), each with a role, in the bot's database.

Nothing secret is stored in clear: a password is kept as its argon2id hash, a token as the SHA-256 of its value
(tokens are 256 random bits, so a fast hash is enough and lookups stay cheap). A token's value is shown once,
when it is created.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.engine import Engine

from ..store.dialect import bytewise, upsert
from ..store.schema import tokens_table, users_table

NAME_PATTERN = re.compile(r'^[A-Za-z0-9_.@-]{1,64}$')
MIN_PASSWORD_LENGTH = 10
TOKEN_CACHE_S = 2.0
"""How long a token lookup table is reused: a removed token stops working within this time."""
COMMON_PASSWORDS = frozenset(
    {
        'password',
        'password1',
        'password123',
        '1234567890',
        '0123456789',
        'qwertyuiop',
        'changeme',
        'changeme123',
        'letmein123',
        'administrator',
        'oracletrader',
        'trader123',
    }
)


class Role(StrEnum):
    """``operator`` may start/stop/restart, close positions and change settings; ``viewer`` only looks."""

    VIEWER = 'viewer'
    OPERATOR = 'operator'


@dataclass(slots=True, frozen=True)
class Principal:
    """Who is asking: a user, a named token, the configured token, or anyone on loopback when no auth is set."""

    name: str
    role: Role
    kind: Literal['user', 'token', 'config', 'local']

    @property
    def can_control(self) -> bool:
        return self.role is Role.OPERATOR

    @property
    def label(self) -> str:
        """How audit events name this principal: ``alice``, ``token:ci-bot``, ``api-token`` or ``local``."""
        return f'token:{self.name}' if self.kind == 'token' else self.name


LOCAL = Principal('local', Role.OPERATOR, 'local')


@dataclass(slots=True, frozen=True)
class AccountInfo:
    name: str
    role: Role
    created_time: float


class AccountError(ValueError):
    """A user or token cannot be added or removed; the message says why."""


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise AccountError(f'invalid name {name!r}: 1-64 letters, digits or _.@-')
    return name


def password_problem(name: str, password: str) -> str | None:
    """Why ``password`` is too weak for ``name``, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f'password too short: at least {MIN_PASSWORD_LENGTH} characters'
    if password.lower() in COMMON_PASSWORDS or password.lower() == name.lower() or len(set(password)) < 4:
        return 'password too easy to guess: pick a longer, less common one'
    return None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Users and API tokens stored next to the bot's data.

    :param engine: the engine of the bot's database (a :class:`~oracle_ui.store.Store`'s: it has created the tables)
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hasher = PasswordHasher()
        self._token_cache: dict[str, Principal] = {}
        self._token_cache_time = -1e9
        self._users_cache = (-1e9, False)

    # ---- users ---------------------------------------------------------------------------------------------
    def add_user(self, name: str, password: str, role: Role) -> None:
        """Add a user, or replace its password and role; weak passwords are refused."""
        check_name(name)
        if problem := password_problem(name, password):
            raise AccountError(problem)
        changed = {'password_hash': self._hasher.hash(password), 'role': Role(role).value}
        with self.engine.begin() as conn:
            conn.execute(
                upsert(conn, users_table)
                .values(name=name, created_time=time.time(), **changed)
                .on_conflict_do_update(index_elements=['name'], set_=changed)
            )
        self._users_cache = (-1e9, False)

    def remove_user(self, name: str) -> bool:
        removed = self._delete(users_table, name)
        self._users_cache = (-1e9, False)
        return removed

    def users(self) -> list[AccountInfo]:
        return self._listing(users_table)

    def user(self, name: str) -> Principal | None:
        """The user ``name`` as it is now (a removed user, or a changed role, takes effect at once)."""
        with self.engine.connect() as conn:
            role = conn.execute(select(users_table.c.role).where(users_table.c.name == name)).scalar()
        return Principal(name, Role(role), 'user') if role else None

    def verify_password(self, name: str, password: str) -> Principal | None:
        """The user if ``password`` is theirs; takes the same time whether or not the user exists (~50 ms)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users_table).where(users_table.c.name == name)).first()
        try:
            self._hasher.verify(row.password_hash if row else self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return Principal(row.name, Role(row.role), 'user') if row else None

    @functools.cached_property
    def _dummy_hash(self) -> str:
        """Checked against when the user does not exist (so that takes as long); made on first use, not at start."""
        return self._hasher.hash(secrets.token_urlsafe(16))

    def has_users(self) -> bool:
        checked, present = self._users_cache
        if time.monotonic() - checked > TOKEN_CACHE_S:
            with self.engine.connect() as conn:
                present = bool(conn.execute(select(func.count()).select_from(users_table)).scalar())
            self._users_cache = (time.monotonic(), present)
        return present

    # ---- tokens --------------------------------------------------------------------------------------------
    def add_token(self, name: str, role: Role) -> str:
        """Create a token and return its value (shown once; only its hash is kept)."""
        check_name(name)
        token = 'ot_' + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            if conn.execute(select(tokens_table.c.name).where(tokens_table.c.name == name)).first():
                raise AccountError(f'a token named {name!r} exists; remove it first')
            conn.execute(
                insert(tokens_table).values(
                    name=name, token_hash=hash_token(token), role=Role(role).value, created_time=time.time()
                )
            )
        self._token_cache_time = -1e9
        return token

    def remove_token(self, name: str) -> bool:
        removed = self._delete(tokens_table, name)
        self._token_cache_time = -1e9
        return removed

    def tokens(self) -> list[AccountInfo]:
        return self._listing(tokens_table)

    def token_principal(self, token: str) -> Principal | None:
        """The principal a token value belongs to (looked up by its hash), or None."""
        return self._tokens_by_hash().get(hash_token(token))

    def has_tokens(self) -> bool:
        return bool(self._tokens_by_hash())

    def _delete(self, table: Table, name: str) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.name == name)).rowcount > 0

    def _listing(self, table: Table) -> list[AccountInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(bytewise(self.engine, table.c.name))).all()
        return [AccountInfo(r.name, Role(r.role), r.created_time) for r in rows]

    def _tokens_by_hash(self) -> dict[str, Principal]:
        if time.monotonic() - self._token_cache_time > TOKEN_CACHE_S:
            with self.engine.connect() as conn:
                rows = conn.execute(select(tokens_table)).all()
            self._token_cache = {r.token_hash: Principal(r.name, Role(r.role), 'token') for r in rows}
            self._token_cache_time = time.monotonic()
        return self._token_cache
