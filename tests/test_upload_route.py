"""NiceGUI's upload URL takes files only from the page's own browser session (against the real app)."""

import re

import httpx
import pytest

from .helpers import GOOG_SAMPLE, eventually
from .liveapp import live_app


@pytest.mark.slow
async def test_the_upload_url_takes_files_only_from_the_pages_own_session(tmp_path) -> None:
    data_dir = tmp_path / 'data'
    files = {'file': ('mine.csv', GOOG_SAMPLE.read_bytes(), 'text/csv')}
    with live_app(data_dir) as base:  # no login configured: every local browser is the operator
        async with (
            httpx.AsyncClient(base_url=base) as owner,
            httpx.AsyncClient(base_url=base) as other,
            httpx.AsyncClient(base_url=base) as stranger,
        ):
            page = await owner.get('/backtest')
            url = re.search(r'/_nicegui/client/[0-9a-f-]+/upload/\d+', page.text).group(0)
            anonymous = await stranger.post(url, files=files)  # no cookie at all
            assert anonymous.status_code == 403 and anonymous.json()['detail'].startswith('upload refused')
            await other.get('/backtest')  # another browser, with a session of its own
            assert (await other.post(url, files=files)).status_code == 403
            assert not (data_dir / 'uploads').exists()
            assert (await owner.post(url, files=files)).status_code == 200
            await eventually(lambda: list((data_dir / 'uploads' / 'local').glob('*.csv')), 10, 'the upload kept')
