"""ORACLE_DATABASE_URL: the migrations build the code's schema on each database from empty, a failing migration on
PostgreSQL changes nothing, and a database that cannot be used stops the start-up with one line that names it
without its password."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from oracle_ui.cli import main
from oracle_ui.engine.models import Candle
from oracle_ui.store import MigrationError, Store
from oracle_ui.store.migrate import MIGRATIONS_DIR
from oracle_ui.store.schema import metadata

from .postgres import PostgresServer, free_port
from .test_migrations import FAILING_MIGRATION, HEAD

SECRET = 'hunter2-never-shown'


def test_an_empty_database_migrates_to_the_schema_of_the_code(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert store.migration.applied == ('0001', '0002', '0003', '0004', '0005') and store.migration.backup is None
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert conn.execute(text('SELECT version_num FROM alembic_version')).scalar() == HEAD
    finally:
        store.close()


@pytest.mark.postgres
def test_a_failing_migration_on_postgresql_changes_nothing(postgres_server: PostgresServer, tmp_path: Path) -> None:
    migrations = Path(shutil.copytree(MIGRATIONS_DIR, tmp_path / 'migrations'))
    (migrations / 'versions' / '9001_unique_candle_times.py').write_text(FAILING_MIGRATION)
    with postgres_server.database() as url:
        store = Store(url)
        store.save_candles([Candle(s, 60, 1.0, 1.0, 1.0, 1.0, 1.0) for s in ('BTC/USDT', 'ETH/USDT')], '1m')
        store.close()

        with pytest.raises(MigrationError) as failure:
            Store(url, migrations=migrations)

        message = str(failure.value)
        assert 'migration 9001 (Unique candle times.) failed' in message and 'UniqueViolation' in message
        assert 'rolled back' in message and 'at revision 0005' in message and '\n' not in message
        assert message.startswith(f'database postgresql+psycopg://oracle:***@127.0.0.1:{postgres_server.port}/')
        again = Store(url)  # the column 9001 added first is gone with the rest
        try:
            assert again.migration.applied == () and 'note' not in {
                c['name'] for c in inspect(again.engine).get_columns('trades')
            }
            assert len(again.candles('ETH/USDT', '1m')) == 1
        finally:
            again.close()


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str) -> str:
    monkeypatch.setenv('ORACLE_DATABASE_URL', url)
    assert main(['users', 'list']) == 2
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    (line,) = captured.err.splitlines()
    assert line.startswith('oracle-trader: error: ')
    return line


@pytest.mark.postgres
def test_a_database_that_cannot_be_used_is_one_line_without_its_password(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nobody = free_port()
    line = run_cli(monkeypatch, capsys, f'postgresql+psycopg://oracle:{SECRET}@127.0.0.1:{nobody}/oracle')
    assert f'database postgresql+psycopg://oracle:***@127.0.0.1:{nobody}/oracle: cannot connect' in line
    assert 'check ORACLE_DATABASE_URL' in line

    line = run_cli(monkeypatch, capsys, postgres_server.url('postgres', password=SECRET))
    assert 'password authentication failed for user "oracle"' in line and ':***@127.0.0.1' in line

    line = run_cli(monkeypatch, capsys, f'postgresql+psycopg://oracle:{SECRET}@127.0.0.1:port/oracle')
    assert 'the database URL is not one SQLAlchemy reads' in line

    line = run_cli(monkeypatch, capsys, f'mysql://oracle:{SECRET}@127.0.0.1/oracle')
    assert 'stores its data in SQLite or PostgreSQL' in line


@pytest.mark.slow  # the app in a subprocess: a second or two on a quiet machine, several under load
def test_serve_stops_at_start_up_with_that_line_and_no_traceback(tmp_path: Path) -> None:
    url = f'postgresql+psycopg://oracle:{SECRET}@127.0.0.1:{free_port()}/oracle'
    env = {**os.environ, 'ORACLE_DATABASE_URL': url, 'ORACLE_DATA_DIR': str(tmp_path / 'data')}
    done = subprocess.run(
        [sys.executable, '-m', 'oracle_ui.cli', 'serve', '--no-show', '--port', str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert 'Traceback' not in done.stderr and SECRET not in done.stdout + done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith('oracle-trader: error: database postgresql+psycopg://')
