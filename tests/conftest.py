"""The one set of fixtures: a fresh data directory per test, a manual clock, systems built the production way,
and NiceGUI's simulated user on the production app wiring (``oracle_ui.web.serve``) with that clock."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from nicegui import core, ui
from nicegui.functions.download import download
from nicegui.functions.navigate import Navigate
from nicegui.functions.notify import notify
from nicegui.testing import User
from nicegui.testing.general import nicegui_reset_globals

from oracle_ui.clock import ManualClock
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.settings import Settings
from oracle_ui.store import Store
from oracle_ui.system import System, build_system
from oracle_ui.web import serve
from pages import register_pages

from . import redis_server
from .apiserver import Server, api_client, running_server
from .helpers import eventually
from .postgres import PostgresServer, Unavailable, start_server
from .sessions import PASSWORD

START = 1_750_000_000.0
"""Where the manual clock starts (Unix seconds)."""


@pytest.fixture(autouse=True)
def oracle_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The configuration every app a test starts reads (from the environment, as in production)."""
    monkeypatch.setenv('ORACLE_DATA_DIR', str(tmp_path / 'data'))
    monkeypatch.setenv('ORACLE_SPEED', '60')
    monkeypatch.setenv('ORACLE_SIM_HISTORY_DAYS', '1')  # a day of 1-minute candles: every chart has some
    monkeypatch.setenv('ORACLE_SHOW', 'false')
    monkeypatch.setenv('ORACLE_ALLOWED_HOSTS', 'test')  # the host name of NiceGUI's simulated `user` client
    # worker processes (uploads are parsed in one) import pywebview, which resolves the program's own folder:
    # keep it findable after the move below even when pytest was started by a relative path
    monkeypatch.setattr(sys, 'argv', [os.path.abspath(sys.argv[0]), *sys.argv[1:]])
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def clock() -> ManualClock:
    """Market time that moves only when the test moves it."""
    return ManualClock(START)


@pytest.fixture
def make_system(tmp_path: Path, clock: ManualClock) -> Callable[..., System]:
    """Builds a system like production does, on ``clock``, in the test's data directory; keyword arguments
    override settings (default: not started automatically, 600x)."""

    def make(**overrides: object) -> System:
        values = {'data_dir': tmp_path / 'data', 'speed': 600, 'autostart': False, 'sim_history_days': 1, **overrides}
        return build_system(Settings(_env_file=None, **values), clock=clock)

    return make


@pytest.fixture
async def user(clock: ManualClock, caplog: pytest.LogCaptureFixture) -> AsyncIterator[User]:
    """NiceGUI's simulated user on the app as ``oracle-trader serve`` builds it (settings from the environment),
    with the market on the manual clock. Fails the test on ERROR logs, like NiceGUI's own fixture."""
    settings = Settings()
    system = build_system(settings, clock=clock)
    # NiceGUI's reset keeps the one app; FastAPI merges each included router's lifespan into it, so without this
    # every test would wrap the next one's start-up once more (a RecursionError after a few hundred tests)
    lifespan = core.app.router.lifespan_context
    with nicegui_reset_globals():
        os.environ['NICEGUI_USER_SIMULATION'] = 'true'
        try:
            serve(settings, register_pages, system)
            async with core.app.router.lifespan_context(core.app):
                # NiceGUI runs start-up handlers in the background: wait until the feed is ready and autostart done
                await eventually(lambda: system.engine.ready.is_set() and not system.controller.is_busy, 30)
                transport = httpx.ASGITransport(core.app)
                async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
                    yield User(client)
        finally:
            core.app.router.lifespan_context = lifespan
            os.environ.pop('NICEGUI_USER_SIMULATION', None)
            ui.navigate = Navigate()
            ui.notify = notify
            ui.download = download
    if [record for record in caplog.get_records('call') if record.levelname == 'ERROR']:
        pytest.fail('There were unexpected ERROR logs.', pytrace=False)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    """A real uvicorn server on a free port with the production API wiring (:mod:`tests.apiserver`)."""
    async with running_server(tmp_path) as running:
        yield running


@pytest.fixture
async def http(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on ``server``'s REST API (``/dashboard/api``)."""
    async with api_client(server) as client:
        yield client


@pytest.fixture
async def secured_server(tmp_path: Path) -> AsyncIterator[Server]:
    """A server whose API needs a token, with a viewer's (``.viewer``) and an operator's (``.operator``)."""
    async with running_server(tmp_path, api_token='cfg-' + secrets.token_urlsafe(24)) as running:
        accounts = running.system.access.accounts
        running.viewer = accounts.add_token('dash-viewer', Role.VIEWER)
        running.operator = accounts.add_token('ops', Role.OPERATOR)
        yield running


@pytest.fixture(scope='session')
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole run (:mod:`tests.postgres`). Without its binaries the tests that need it
    are skipped, or fail when ORACLE_REQUIRE_POSTGRES=1 (scripts/test.sh sets it)."""
    try:
        server = start_server()
    except Unavailable as error:
        if os.environ.get('ORACLE_REQUIRE_POSTGRES') == '1':
            pytest.fail(f'ORACLE_REQUIRE_POSTGRES=1 but {error}', pytrace=False)
        pytest.skip(str(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def redis_session() -> Iterator[redis_server.RedisServer]:
    """A Redis server for the whole run (:mod:`tests.redis_server`). Without redis-server the tests that need it are
    skipped, or fail when ORACLE_REQUIRE_REDIS=1 (scripts/test.sh sets it)."""
    try:
        server = redis_server.start_server()
    except redis_server.Unavailable as error:
        if os.environ.get('ORACLE_REQUIRE_REDIS') == '1':
            pytest.fail(f'ORACLE_REQUIRE_REDIS=1 but {error}', pytrace=False)
        pytest.skip(str(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis(redis_session: redis_server.RedisServer) -> redis_server.RedisServer:
    """The session's Redis server, running and empty."""
    if redis_session.process is None:
        redis_session.start()
    redis_session.flush()
    return redis_session


@pytest.fixture(params=['sqlite', pytest.param('postgresql', marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An ORACLE_DATABASE_URL for each database the store runs on: a SQLite file in the test's data directory, and
    a new database on the session's PostgreSQL server (dropped afterwards)."""
    if request.param == 'sqlite':
        yield f'sqlite:///{tmp_path / "data" / "oracle.db"}'
        return
    server: PostgresServer = request.getfixturevalue('postgres_server')
    with server.database() as url:
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser, native-window, fuzz, PostgreSQL and Redis tests are slow too: ``-m "not slow"`` leaves them all out."""
    for item in items:
        if any(item.get_closest_marker(name) for name in ('browser', 'native', 'fuzz', 'postgres', 'redis')):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def accounts(oracle_env):
    """alice (operator) and victor (viewer) in the data directory main.py is about to open."""
    store = Store(oracle_env / 'data' / 'oracle.db')
    accounts = Accounts(store.engine)
    accounts.add_user('alice', PASSWORD, Role.OPERATOR)
    accounts.add_user('victor', PASSWORD, Role.VIEWER)
    store.close()
