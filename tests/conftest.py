"""Shared fixtures: every test gets its own data directory and a fast simulated market."""

import pytest

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from .sessions import PASSWORD


@pytest.fixture(autouse=True)
def oracle_env(tmp_path, monkeypatch):
    """Configuration main.py reads when NiceGUI's ``user`` fixture runs it (pytest's argv is ignored there)."""
    monkeypatch.setenv('ORACLE_DATA_DIR', str(tmp_path / 'data'))
    monkeypatch.setenv('ORACLE_SPEED', '300')
    monkeypatch.setenv('ORACLE_SHOW', 'false')
    monkeypatch.setenv('ORACLE_ALLOWED_HOSTS', 'test')  # the host name of NiceGUI's simulated `user` client
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def accounts(oracle_env):
    """alice (operator) and victor (viewer) in the data directory main.py is about to open."""
    store = Store(oracle_env / 'data' / 'oracle.db')
    accounts = Accounts(store.engine)
    accounts.add_user('alice', PASSWORD, Role.OPERATOR)
    accounts.add_user('victor', PASSWORD, Role.VIEWER)
    store.close()
