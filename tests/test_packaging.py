"""The wheel is the product: built, installed into a fresh virtualenv (no source tree on the path), it serves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from .liveapp import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp('dist')
    subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob('oracle_trader-*.whl')
    return built


def test_the_wheel_carries_every_asset_and_no_top_level_main(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        'components/plot.js',
        'components/events_feed.js',
        'components/vendor/plotly/plotly-finance.min.js',
        'components/vendor/plotly/index.js',
        *(f'components/vendor/plotly/plotly-locale-{name}.js' for name in ('de', 'es', 'fr', 'zh-cn', 'ja')),
        'oracle_ui/web/vendor/swagger-ui/swagger-ui-bundle.js',
        'oracle_ui/web/vendor/swagger-ui/swagger-ui.css',
        'oracle_ui/web/vendor/redoc/redoc.standalone.js',
        'oracle_ui/web/css/tailwind.css',
        'oracle_ui/samples/GOOG_daily.csv',
        'oracle_ui/samples/BTCUSDT_sim_1m.csv',
        'oracle_ui/store/migrations/env.py',
        'oracle_ui/store/migrations/script.py.mako',
        'oracle_ui/store/migrations/versions/0001_schema_of_0_1_0.py',
        'oracle_ui/store/migrations/versions/0002_preferences.py',
        *(f'oracle_ui/i18n/locales/{code}/LC_MESSAGES/messages.mo' for code in ('de', 'es', 'fr', 'zh_CN', 'ja', 'fa')),
    } <= names
    assert {'oracle_ui/api/__init__.py', 'oracle_ui/web/app.py', 'pages/dashboard.py'} <= names
    assert not {n for n in names if n in ('main.py',) or n.startswith('tests/')}


def test_installed_into_a_fresh_virtualenv_it_serves_the_dashboard_and_the_api(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / 'venv'
    venv.create(env_dir, with_pip=True)
    python = env_dir / 'bin' / 'python'
    subprocess.run([str(python), '-m', 'pip', 'install', '-q', str(wheel)], check=True, capture_output=True)
    work = tmp_path / 'elsewhere'  # not the source tree: only the installed package can be imported
    work.mkdir()
    # nothing from this checkout on the path, not even a PYTHONPATH pointing at it
    environment = {k: v for k, v in os.environ.items() if not k.startswith(('ORACLE_', 'PYTEST', 'PYTHONPATH'))}
    imported = subprocess.run(
        [str(python), '-c', 'import main'], cwd=work, env=environment, capture_output=True, check=False
    )
    assert imported.returncode != 0
    port = free_port()
    log = (tmp_path / 'serve.log').open('w')
    app = subprocess.Popen(
        [
            str(env_dir / 'bin' / 'oracle-trader'),
            'serve',
            '--no-show',
            '--port',
            str(port),
            '--data-dir',
            str(work / 'data'),
        ],
        cwd=work,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f'http://127.0.0.1:{port}'
        status = None
        for _ in range(240):
            assert app.poll() is None, (tmp_path / 'serve.log').read_text()
            try:
                status = httpx.get(f'{base}/dashboard/api/system-status', timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.25)
        assert status is not None and status.status_code == 200, 'the API answers'
        page = httpx.get(f'{base}/', timeout=10)
        assert page.status_code == 200 and 'Oracle Trader' in page.text
        assets = set(re.findall(r'/_nicegui/[^"\']+/(?:plotly-finance\.min|plot|events_feed)\.js', page.text))
        assert {a.rsplit('/', 1)[1] for a in assets} == {'plotly-finance.min.js', 'plot.js', 'events_feed.js'}
        for path in ('/docs', '/redoc'):  # the API docs' own assets, not a CDN's
            docs = httpx.get(f'{base}{path}', timeout=10).text
            assets |= set(re.findall(r'(/_oracle/api-docs/[^"\']+\.(?:js|css))', docs))
        assert len(assets) == 6, assets
        for asset in assets:  # served from the installed package
            response = httpx.get(f'{base}{asset}', timeout=10)
            assert response.status_code == 200 and len(response.content) > 500, asset
    finally:
        app.terminate()
        app.wait(15)
        log.close()
