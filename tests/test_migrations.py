"""Schema migrations on real SQLite files: a 0.1.0 database upgrades with its data, a fresh one gets the newest
schema, a current one is left alone, and a failing migration changes nothing and says what to do."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from oracle_ui.alerts import messages
from oracle_ui.cli import main
from oracle_ui.engine.feed import SimFeed
from oracle_ui.i18n import using
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.settings import Settings
from oracle_ui.store import MigrationError, Store
from oracle_ui.store.alerts import AlertStore
from oracle_ui.store.migrate import HEAD, MIGRATIONS_DIR
from oracle_ui.store.schema import metadata
from oracle_ui.system import build_system

from .helpers import FakeClock

FIXTURE = Path(__file__).parent / 'data' / 'oracle-0.1.0.db'
"""Made by version 0.1.0 itself: scripts/make_v010_fixture.sh (trades, candles, events, the operator alice)."""
ALICE_PASSWORD = 'alice-fixture-0.1.0'
FAILING_MIGRATION = '''"""Unique candle times.

Adds a column (which works), then a unique index that the stored candles violate (three symbols share each time).
"""

import sqlalchemy as sa
from alembic import op

revision = '9001'
down_revision = '0005'


def upgrade() -> None:
    with op.batch_alter_table('trades', recreate='always') as batch:
        batch.add_column(sa.Column('note', sa.Text(), nullable=True))
    op.create_index('ux_candles_time', 'candles', ['timeframe', 'time'], unique=True)
'''


def copy_fixture(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(FIXTURE, data_dir / 'oracle.db'))


def dump(path: Path) -> list[str]:
    """Every table's schema and rows, as SQL."""
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def read(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def backups(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob('oracle.db.backup-*'))


def revision_of(path: Path) -> str | None:
    tables = {name for (name,) in read(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    return read(path, 'SELECT version_num FROM alembic_version')[0][0] if 'alembic_version' in tables else None


def schema_differences(path: Path) -> list:
    """What autogenerate would change to make the database match the code's tables (nothing: they agree)."""
    engine = create_engine(f'sqlite:///{path}')
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    return differences


async def test_a_0_1_0_database_upgrades_with_all_its_data(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / 'data'
    db = copy_fixture(data)
    before = dump(db)
    (balance,) = read(db, 'SELECT balance FROM account WHERE id = 1')[0]
    closed, pnl = read(db, "SELECT count(*), sum(pnl) FROM trades WHERE status != 'OPEN'")[0]
    open_symbols = {s for (s,) in read(db, "SELECT symbol FROM trades WHERE status = 'OPEN'")}
    candles = read(db, 'SELECT symbol, time, open, high, low, close, volume FROM candles ORDER BY symbol, time')
    event_ids = [i for (i,) in read(db, 'SELECT id FROM events ORDER BY id')]
    alice = read(db, "SELECT password_hash, role FROM users WHERE name = 'alice'")
    assert closed >= 5 and open_symbols and candles and event_ids and alice and revision_of(db) is None

    clock = FakeClock()
    settings = Settings(data_dir=data, autostart=False, _env_file=None)
    feed = SimFeed(settings.symbols, settings.timeframe, sleep=clock.sleep, wall_clock=clock.time, start=clock.now)
    with caplog.at_level(logging.INFO, logger='oracle_ui.store.migrate'):
        system = build_system(settings, feed=feed)
    store = system.store
    assert store.count_trades(closed_only=True) == closed
    assert sum(t.pnl for t in store.trades(closed_only=True)) == pytest.approx(pnl)
    symbols = sorted({c[0] for c in candles})
    assert [
        (c.symbol, c.time, c.open, c.high, c.low, c.close, c.volume)
        for s in symbols
        for c in store.candles(s, '1m', limit=100_000)
    ] == candles
    assert [e.id for e in store.events(limit=100_000)] == event_ids
    assert Accounts(store.engine).verify_password('alice', ALICE_PASSWORD) is not None
    await system.start()  # restores the account and the open positions from it
    try:
        assert system.engine.broker.balance == pytest.approx(balance)
        assert set(system.engine.broker.positions) == open_symbols
        assert system.engine.realized_pnl == pytest.approx(pnl)
        principal = (await system.access.login('alice', ALICE_PASSWORD, client='test')).principal
        assert principal is not None and principal.role is Role.OPERATOR
    finally:
        await system.stop()

    assert read(db, "SELECT password_hash, role FROM users WHERE name = 'alice'") == alice
    assert revision_of(db) == HEAD and schema_differences(db) == []
    (backup,) = backups(data)
    assert f'database {db}: applied migration 0002 (Per-user preferences.)' in caplog.text
    assert f'database {db}: applied migration 0003 (Saved backtest runs.)' in caplog.text
    assert f'database {db}: applied migration 0004 (Alerts.)' in caplog.text
    assert f"database {db}: applied migration 0005 (What a trigger's message is written from.)" in caplog.text
    assert f'database {db}: upgraded from 0001; the copy from before is {backup}' in caplog.text
    assert backup.name.startswith('oracle.db.backup-0001-')
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert dump(backup) == before


def test_the_backup_holds_what_only_the_write_ahead_log_had(tmp_path: Path) -> None:
    db = copy_fixture(tmp_path)
    writer = sqlite3.connect(db)  # open while the store migrates: its commit stays in oracle.db-wal
    try:
        writer.execute('PRAGMA wal_autocheckpoint = 0')
        writer.execute('UPDATE account SET balance = 12345.5 WHERE id = 1')
        writer.commit()
        assert Path(f'{db}-wal').stat().st_size > 0
        Store(db).close()
    finally:
        writer.close()
    (backup,) = backups(tmp_path)
    assert read(backup, 'SELECT balance FROM account') == [(12345.5,)]


def test_a_fresh_data_directory_gets_the_newest_schema_and_no_backup(tmp_path: Path) -> None:
    data = tmp_path / 'data'
    system = build_system(Settings(data_dir=data, autostart=False, _env_file=None))
    system.store.close()
    db = data / 'oracle.db'
    assert revision_of(db) == HEAD
    assert schema_differences(db) == []
    assert backups(data) == []


def test_a_database_at_the_newest_schema_is_left_alone(tmp_path: Path) -> None:
    db = copy_fixture(tmp_path)
    Store(db).close()
    assert len(backups(tmp_path)) == 1
    before = dump(db)
    store = Store(db)
    assert store.migration.applied == ()
    store.close()
    assert len(backups(tmp_path)) == 1
    assert dump(db) == before


def test_head_names_the_newest_migration() -> None:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_revision_0001_is_the_schema_0_1_0_made(tmp_path: Path) -> None:
    engine = create_engine(f'sqlite:///{tmp_path / "0001.db"}')
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes['connection'] = conn
        command.upgrade(config, '0001')
    engine.dispose()
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version' ORDER BY name"
    assert read(tmp_path / '0001.db', query) == read(copy_fixture(tmp_path / 'v010'), query)


def test_a_trigger_stored_before_0005_keeps_and_shows_its_message(tmp_path: Path) -> None:
    db = tmp_path / 'oracle.db'
    engine = create_engine(f'sqlite:///{db}')
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes['connection'] = conn
        command.upgrade(config, '0004')
        conn.exec_driver_sql(
            'INSERT INTO alert_triggers (id, alert_id, name, kind, severity, owner, symbol, time, value, message, '
            "channels) VALUES (7, 1, 'btc up', 'price', 'warning', 'local', 'BTC/USDT', 1.0, '105.0', "
            "'BTC/USDT crossed above 102.000: 105.000', '[]')"
        )
    engine.dispose()
    store = Store(db)  # upgrades it to 0005
    (kept,) = AlertStore(store.engine).triggers()
    store.close()
    assert (kept.id, kept.message, kept.rule, kept.detail) == (7, 'BTC/USDT crossed above 102.000: 105.000', None, None)
    with using('de'):  # nothing to write it again from: the stored message
        assert messages.written_again(kept.rule, kept.value, kept.detail, kept.message) == kept.message


def test_a_failing_migration_changes_nothing_and_says_what_to_do(tmp_path: Path) -> None:
    migrations = Path(shutil.copytree(MIGRATIONS_DIR, tmp_path / 'migrations'))
    (migrations / 'versions' / '9001_unique_candle_times.py').write_text(FAILING_MIGRATION)
    data = tmp_path / 'data'
    db = copy_fixture(data)
    before = dump(db)

    with pytest.raises(MigrationError) as failure:
        Store(db, migrations=migrations)

    message = str(failure.value)
    (backup,) = backups(data)
    assert 'migration 9001 (Unique candle times.) failed' in message
    assert 'UNIQUE constraint failed' in message and 'rolled back' in message and 'at revision 0001' in message
    assert str(backup) in message and 'previous version' in message
    assert '\n' not in message
    assert dump(db) == before  # not even 0002's, 0003's or 0004's table, 0005's columns, the stamp or 9001's column
    assert dump(backup) == before
    Store(db).close()  # the real migrations still apply
    assert revision_of(db) == HEAD


def test_the_cli_reports_a_database_from_a_newer_version_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / 'oracle.db'
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    before = dump(db)

    assert main(['users', 'list', '--data-dir', str(tmp_path)]) == 2

    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith('oracle-trader: error: database ') and "revision '0099'" in line
    assert 'newer version' in line
    assert dump(db) == before and backups(tmp_path) == []


def test_preferences_are_kept_per_owner_and_key(tmp_path: Path) -> None:
    store = Store(tmp_path / 'oracle.db')
    assert store.get_preference('alice', 'chart.indicators') is None
    store.set_preference('alice', 'chart.indicators', '["sma_20", "rsi_14"]')
    store.set_preference('bob', 'chart.indicators', '[]')
    store.set_preference('alice', 'chart.indicators', '["ema_50"]')
    with pytest.raises(ValueError, match='JSON'):
        store.set_preference('alice', 'theme', 'dark')  # not JSON
    store.close()
    again = Store(tmp_path / 'oracle.db')
    assert again.get_preference('alice', 'chart.indicators') == '["ema_50"]'
    assert again.get_preference('bob', 'chart.indicators') == '[]'
    assert again.get_preference('alice', 'theme') is None
    again.close()


def test_accounts_work_on_an_in_memory_store() -> None:
    store = Store(':memory:')
    accounts = Accounts(store.engine)
    accounts.add_user('carol', 'a long enough passphrase', Role.VIEWER)
    assert accounts.verify_password('carol', 'a long enough passphrase') is not None
    store.set_preference('carol', 'k', '1')
    assert store.get_preference('carol', 'k') == '1'
    store.close()
