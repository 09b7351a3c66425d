"""Start-up leaves out the libraries that only rare work needs, each several MB resident for as long as the server
runs: Alembic (a database to upgrade), Apprise and cryptography (notification channels) and SQLAlchemy's
PostgreSQL dialect (a PostgreSQL database)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oracle_ui.settings import Settings
from oracle_ui.system import build_system

ROOT = Path(__file__).resolve().parent.parent
RARELY_NEEDED = ('alembic', 'apprise', 'cryptography.fernet', 'sqlalchemy.dialects.postgresql')
START = """
import asyncio, sys
from oracle_ui.settings import Settings
from oracle_ui.web.app import build_app
from pages import register_pages

async def start_and_stop():
    context = build_app(Settings(data_dir=sys.argv[1], autostart=False, sim_history_days=1, _env_file=None),
                        register_pages)
    await context.system.start()
    await context.system.stop()

asyncio.run(start_and_stop())
print(' '.join(name for name in sys.argv[2:] if name in sys.modules))
"""


@pytest.mark.slow  # a server's imports in a process of its own: ~5 s
def test_a_start_on_a_current_database_without_channels_loads_none_of_the_rarely_needed_libraries(
    tmp_path: Path,
) -> None:
    data = tmp_path / 'data'
    build_system(Settings(data_dir=data, autostart=False, _env_file=None)).store.close()  # made and migrated
    command = [sys.executable, '-c', START, str(data), *RARELY_NEEDED]
    started = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == ''
