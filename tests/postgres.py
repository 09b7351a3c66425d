"""A PostgreSQL server of the tests' own: Debian's binaries (``postgresql`` package), a new cluster in a temporary
directory, a free port on 127.0.0.1 and its socket in that directory; a fresh database for each test.

``initdb`` refuses to run as root (CI runs as root): then the server runs as the ``postgres`` system user the
Debian package creates, through ``runuser``. Durability is off (``fsync``, ``synchronous_commit``): the data is
thrown away after the run, and that is what makes a database per test cheap.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

USER = 'oracle'
PASSWORD = 'pg-test-secret'
"""The superuser's password: URLs carry it, so tests can check that no message shows it."""
DEBIAN_BINARIES = Path('/usr/lib/postgresql')
START_TIMEOUT_S = 60


class Unavailable(Exception):
    """No PostgreSQL binaries on this machine (the message says how to install them)."""


def find_binaries() -> Path:
    """The ``bin`` directory of the newest PostgreSQL installed (Debian keeps each major version apart)."""
    versions = sorted(
        (int(m.group(1)), path.parent)
        for path in DEBIAN_BINARIES.glob('*/bin/initdb')
        if (m := re.fullmatch(r'(\d+)', path.parent.parent.name))
    )
    if versions:
        return versions[-1][1]
    if initdb := shutil.which('initdb'):
        return Path(initdb).parent
    raise Unavailable(
        f'no PostgreSQL server binaries (initdb) in {DEBIAN_BINARIES}/*/bin or on PATH: '
        'apt-get install postgresql (scripts/test.sh does)'
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


@dataclass(kw_only=True)
class PostgresServer:
    """A running server; :meth:`database` makes a database for one test."""

    bin_dir: Path
    root: Path
    port: int
    run_as: list[str]
    """The command prefix that runs a program as the server's owner (empty: this user)."""
    startup_s: float = 0.0
    """How long ``initdb`` and the start took."""
    database_numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data_dir(self) -> Path:
        return self.root / 'data'

    def url(self, database: str, *, password: str = PASSWORD) -> str:
        return f'postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{database}'

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host='127.0.0.1', port=self.port, user=USER, password=PASSWORD, dbname='postgres', autocommit=True
        )

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new, empty database for the duration; yields its SQLAlchemy URL and drops it afterwards."""
        name = f'test_{os.getpid()}_{next(self.database_numbers)}'
        create = f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY FILE_COPY LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
        with self._connect() as conn:  # text sorted by a language's rules, as a production database's usually is
            conn.execute(f"{create} LOCALE 'C'")
        try:
            yield self.url(name)
        finally:
            with self._connect() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')

    def _ctl(self, *args: str) -> None:
        command = [*self.run_as, str(self.bin_dir / 'pg_ctl'), '-D', str(self.data_dir), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
        if done.returncode:
            log = (self.root / 'server.log').read_text() if (self.root / 'server.log').exists() else ''
            raise RuntimeError(f'{" ".join(command)} failed: {done.stdout}{done.stderr}{log[-2000:]}')

    def stop(self) -> None:
        with suppress(RuntimeError, subprocess.TimeoutExpired):
            self._ctl('stop', '-m', 'immediate')
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PostgresServer:
    """initdb a cluster in a new temporary directory and start it; raises :class:`Unavailable` without binaries."""
    bin_dir = find_binaries()
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix='oracle-pg-'))
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam('postgres')  # made by Debian's postgresql package
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ['runuser', '-u', 'postgres', '--']
    server = PostgresServer(bin_dir=bin_dir, root=root, port=free_port(), run_as=run_as)
    try:
        password_file = root / 'password'
        password_file.write_text(PASSWORD)
        if run_as:
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        initdb = [str(bin_dir / 'initdb'), '-D', str(server.data_dir), '-U', USER, f'--pwfile={password_file}']
        initdb += ['--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync']
        done = subprocess.run([*run_as, *initdb], capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
        if done.returncode:
            raise RuntimeError(f'initdb failed: {done.stdout}{done.stderr}')
        options = (
            f'-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off '
            '-c full_page_writes=off -c max_connections=200'
        )
        server._ctl('start', '-w', '-t', str(START_TIMEOUT_S), '-l', str(root / 'server.log'), '-o', options)
    except BaseException:
        server.stop()
        raise
    server.startup_s = time.monotonic() - started
    return server


slow_on_postgresql = pytest.mark.parametrize(
    'database_url', ['sqlite', pytest.param('postgresql', marks=pytest.mark.slow)], indirect=True
)
"""For a test on both databases (the ``database_url`` fixture) that takes seconds: on PostgreSQL it is ``slow``."""
sqlite_only = pytest.mark.parametrize('database_url', ['sqlite'], indirect=True)
"""For a test whose fixture takes ``database_url`` but which checks nothing a database decides (a refused query)."""
