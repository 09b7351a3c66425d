"""Schema migrations at start-up (Alembic, configured here: no alembic.ini).

A fresh database is created by upgrading to the newest revision; a 0.1.0 database (its tables, no
``alembic_version``) is stamped :data:`BASELINE` and upgraded; a database at the newest revision is only read.
Before an existing SQLite database changes, a copy is made next to it with SQLite's online backup (which includes
the write-ahead log); a PostgreSQL database is its administrator's to back up (``pg_dump``). Every pending
migration runs in one transaction, DDL included (both databases have transactional DDL): all apply, or none.

A new migration is a file in ``migrations/versions`` (written by hand, ``down_revision`` the previous one) plus
the same change in :mod:`.schema` and a new :data:`HEAD`; ``tests/test_migrations.py`` checks that they agree.

Alembic is imported only when a database is not at :data:`HEAD`: with the Mako and Pygments it brings it holds
~8 MB resident, which every start of a current database would otherwise carry until it stops.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from .dialect import shown

if TYPE_CHECKING:
    from alembic.runtime.migration import MigrationInfo
    from alembic.script import Script, ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name('migrations')
HEAD = '0005'
"""The newest revision in :data:`MIGRATIONS_DIR`."""
BASELINE = '0001'
"""The schema of version 0.1.0, which created its tables without Alembic."""
BASELINE_TABLES = frozenset(
    {'meta', 'account', 'orders', 'fills', 'trades', 'equity', 'candles', 'events', 'users', 'api_tokens'}
)
VERSION_TABLE = 'alembic_version'
MIGRATION_LOCK_KEY = 0x6F7261636C65
"""The PostgreSQL advisory lock held while migrating ('oracle' in ASCII: any number every process agrees on)."""


class MigrationError(ValueError):
    """The database could not be brought to this version's schema; the message says why and what to do."""


@dataclass(slots=True, frozen=True, kw_only=True)
class Migration:
    """What :func:`migrate` did."""

    from_revision: str | None
    """The schema found (None: an empty database)."""
    applied: tuple[str, ...]
    """Revisions applied, oldest first (empty: the schema was current)."""
    backup: Path | None
    """The copy made before the first change (None: nothing changed, or nothing to copy)."""


@dataclass(slots=True, frozen=True)
class _Found:
    revision: str | None
    is_stamped: bool
    """Alembic has recorded the revision (a 0.1.0 database has not)."""
    has_tables: bool

    def is_current(self, head: str | None) -> bool:
        return self.is_stamped and self.revision == head


def migrate(engine: Engine, script_location: Path = MIGRATIONS_DIR) -> Migration:
    """Bring the database of ``engine`` (SQLite or PostgreSQL) to the newest revision in ``script_location``.

    :param engine: the database, migrated on its own connections (an in-memory database has only one)
    :param script_location: the Alembic script directory (default: the package's own)
    :raises MigrationError: the database is not one this version can migrate, or a migration failed
    """
    if script_location == MIGRATIONS_DIR:
        with engine.connect() as conn:
            if VERSION_TABLE in inspect(conn).get_table_names() and _recorded_revision(conn) == HEAD:
                return Migration(from_revision=HEAD, applied=(), backup=None)
    return _upgrade(engine, script_location)


def _recorded_revision(conn: Connection) -> str | None:
    revision: str | None = conn.execute(text(f'SELECT version_num FROM {VERSION_TABLE}')).scalar()
    return revision


def _upgrade(engine: Engine, script_location: Path) -> Migration:
    """:func:`migrate` past the check for a current database: everything that needs Alembic."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option('script_location', str(script_location))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    database = engine.url.database
    path = Path(database) if engine.dialect.name == 'sqlite' and database not in (None, '', ':memory:') else None
    where = shown(engine.url)
    with engine.connect() as conn:
        found = _inspect(conn, script, where)
    if found.is_current(head):
        return Migration(from_revision=head, applied=(), backup=None)
    run = _Run(where=where, found=found)
    try:
        with _alembic_quiet(), engine.connect() as conn, _transaction(conn):
            run.found = _inspect(conn, script, where)  # again, holding the write lock: another process may have
            if run.found.is_current(head):  # migrated it meanwhile
                return Migration(from_revision=head, applied=(), backup=None)
            run.backup = _back_up(path, run.found.revision) if path and run.found.has_tables else None
            run.pending = _pending(script, run.found.revision)
            config.attributes['connection'] = conn
            config.attributes['on_version_apply'] = [lambda *, step, **_: _note(run.applied, step)]
            from alembic import command  # here: importing it sets up autogenerate's plugins, logging each

            if not run.found.is_stamped and run.found.revision:
                command.stamp(config, run.found.revision)
            command.upgrade(config, 'head')
    except MigrationError:
        raise
    except Exception as error:
        raise MigrationError(run.failure(error)) from error
    for revision in run.applied:
        log.info('database %s: applied migration %s (%s)', where, revision, _doc(script.get_revision(revision)))
    if run.backup:
        log.info('database %s: upgraded from %s; the copy from before is %s', where, run.found.revision, run.backup)
    return Migration(from_revision=run.found.revision, applied=tuple(run.applied), backup=run.backup)


@dataclass(slots=True, kw_only=True)
class _Run:
    """How far an upgrade got, for the message when it fails."""

    where: str
    found: _Found
    backup: Path | None = None
    pending: list[Script] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)

    def failure(self, error: Exception) -> str:
        kept = f'at revision {self.found.revision}' if self.found.revision else 'empty'
        if len(self.applied) < len(self.pending):
            failed = self.pending[len(self.applied)]
            what = f'migration {failed.revision} ({_doc(failed)}) failed'
        else:
            what = 'the upgrade could not start or finish'
        copy = f'; a copy from before is {self.backup}' if self.backup else ''
        advice = (
            'keep running the previous version of Oracle Trader on it, and report this error'
            if self.found.revision
            else 'report this error'
        )
        return (
            f'database {self.where}: {what}: {_cause(error)}. The transaction was rolled back, so the database is '
            f'as it was ({kept}){copy}; {advice}'
        )


def _note(applied: list[str], step: MigrationInfo) -> None:
    if step.is_upgrade and not step.is_stamp and step.up_revision_id:
        applied.append(step.up_revision_id)


def _inspect(conn: Connection, script: ScriptDirectory, where: str) -> _Found:
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    tables = set(inspect(conn).get_table_names())
    if VERSION_TABLE in tables:
        revision = _recorded_revision(conn)
        try:
            if revision is not None:
                script.get_revision(revision)
        except (CommandError, RevisionError) as error:
            raise MigrationError(
                f'database {where} has schema revision {revision!r}, which this version of Oracle Trader does not '
                'know (a newer version made it): run that version, or restore a copy made before it upgraded'
            ) from error
        return _Found(revision, True, bool(tables - {VERSION_TABLE}))
    if not tables:
        return _Found(None, False, False)
    if missing := BASELINE_TABLES - tables:
        raise MigrationError(
            f'database {where} has tables but no schema revision, and not those of Oracle Trader 0.1.0 (missing: '
            f'{", ".join(sorted(missing))}): is it the right data directory?'
        )
    return _Found(BASELINE, False, True)


@contextmanager
def _alembic_quiet() -> Iterator[None]:
    """Alembic logs its plugins and each step at INFO, before anything is committed; :func:`migrate` logs what
    was applied once it is."""
    logger = logging.getLogger('alembic')
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def _transaction(conn: Connection) -> Iterator[None]:
    """One transaction around everything, holding a lock from the start that a second process migrating the same
    database waits for. SQLite: its write lock (Python's sqlite3 driver begins a transaction by itself only before
    an INSERT, UPDATE or DELETE, which would leave DDL before it uncovered). PostgreSQL: a transaction-level
    advisory lock (tables may not exist yet to lock)."""
    if conn.dialect.name == 'sqlite':
        conn.exec_driver_sql('BEGIN IMMEDIATE')
    elif conn.dialect.name == 'postgresql':
        conn.execute(text('SELECT pg_advisory_xact_lock(:key)'), {'key': MIGRATION_LOCK_KEY})
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _back_up(path: Path, revision: str | None) -> Path:
    """Copy the database next to itself (mode 0600) with a connection of its own (the migrating one holds the
    write lock, so the copy is what the migrations start from; SQLite's backup reads the write-ahead log too)."""
    stamp = datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')
    target = path.with_name(f'{path.name}.backup-{revision}-{stamp}')
    try:
        for n in itertools.count(2):
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                break
            except FileExistsError:
                target = path.with_name(f'{path.name}.backup-{revision}-{stamp}-{n}')
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    except (sqlite3.Error, OSError) as error:
        with suppress(OSError):
            target.unlink()
        raise MigrationError(
            f'database {path}: could not copy it to {target} before upgrading it ({_cause(error)}); nothing was '
            'changed: make room or fix the permissions of its directory and start again'
        ) from error
    return target


def _pending(script: ScriptDirectory, revision: str | None) -> list[Script]:
    """The revisions after ``revision`` (None: all), oldest first."""
    oldest_first = list(reversed(list(script.walk_revisions())))
    done = [s.revision for s in oldest_first].index(revision) + 1 if revision else 0
    return oldest_first[done:]


def _doc(script: Script) -> str:
    return ' '.join(script.doc.split())


def _cause(error: BaseException) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
    return ' '.join(f'{type(cause).__name__}: {cause}'.split())
