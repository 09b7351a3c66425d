"""After a real start, the data directory and everything in it is private to the server's account, and browser
sessions are kept there, not in ./.nicegui of the folder the app was started from."""

import os
import stat

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from ..helpers import GOOG_SAMPLE
from ..liveapp import live_app
from .conftest import log_in

PASSWORD = 'correct horse battery staple'


def modes(data_dir) -> dict[str, str]:
    return {
        str(p.relative_to(data_dir.parent)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in (data_dir, *data_dir.rglob('*'))
    }


async def test_the_data_directory_is_private_after_a_real_start(browser, tmp_path) -> None:
    data_dir, started_in = tmp_path / 'data', tmp_path / 'elsewhere'
    started_in.mkdir()
    old_umask = os.umask(0o022)  # an older install: everything world-readable
    try:
        data_dir.mkdir(mode=0o755)
        store = Store(data_dir / 'oracle.db')
        Accounts(store.engine).add_user('alice', PASSWORD, Role.OPERATOR)
        store.close()
        (data_dir / 'uploads').mkdir()
        (data_dir / 'uploads' / 'old.csv').write_bytes(GOOG_SAMPLE.read_bytes())
    finally:
        os.umask(old_umask)
    assert modes(data_dir)['data/oracle.db'] == '0o644'
    with live_app(data_dir, cwd=started_in) as base:
        page = await browser.new_page()
        await log_in(page, base, 'alice', PASSWORD, '/backtest')  # a session is stored
        await page.locator('input[type=file]').set_input_files(str(GOOG_SAMPLE))  # and an upload
        await page.get_by_text('GOOG_daily.csv: 2,148 bars').wait_for(timeout=20_000)
        found = modes(data_dir)
    assert not (started_in / '.nicegui').exists()
    assert [p for p in found if p.startswith('data/.nicegui/storage-user-')], 'no session in the data directory'
    assert [p for p in found if p.startswith('data/uploads/alice/')] and 'data/oracle.db-wal' in found
    assert 'data/.storage_secret' in found
    public = {path: mode for path, mode in found.items() if mode not in ('0o700', '0o600')}
    assert public == {}
    assert all(mode == '0o700' for path, mode in found.items() if (tmp_path / path).is_dir())
