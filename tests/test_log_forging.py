"""Nothing a client sends can forge a line of the server's log (against the real app in a subprocess)."""

import asyncio
import json
import re
import uuid
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from .helpers import eventually
from .liveapp import live_app

FORGED = '2030-01-01 00:00:00,000 INFO oracle_ui.security.access: user admin logged in from 10.0.0.1'


def app_log(data_dir: Path) -> str:
    return ''.join(p.read_text() for p in data_dir.parent.glob('app-*.log'))


async def send_browser_log(base: str, level: str, message: str) -> None:
    """What any visitor of the public /login page can do: open its socket.io link and send a ``log`` message."""
    page = httpx.get(base + '/login', follow_redirects=True)
    client_id = re.search(r"'client_id': '([0-9a-f-]+)'", page.text).group(1)
    query = f'client_id={client_id}&tab_id={uuid.uuid4()}&document_id={uuid.uuid4()}&implicit_handshake=true'
    url = base.replace('http', 'ws') + f'/_nicegui_ws/socket.io/?EIO=4&transport=websocket&{query}'
    async with connect(url) as sio:
        assert (await sio.recv()).startswith('0')  # engine.io open
        await sio.send('40')
        assert (await sio.recv()).startswith('40')  # socket.io connected (and the implicit handshake done)
        await sio.send('42' + json.dumps(['log', {'client_id': client_id, 'level': level, 'message': message}]))
        await asyncio.sleep(0.5)


@pytest.mark.slow
async def test_client_text_cannot_start_a_log_line(tmp_path) -> None:
    data_dir = tmp_path / 'data'
    with live_app(data_dir) as base:
        await send_browser_log(base, 'error', f'harmless\n{FORGED}\rand\u2028more')
        httpx.get(base + f'/no-such-page%0A{FORGED.replace(" ", "%20")}')
        await eventually(lambda: 'not found' in app_log(data_dir) and 'harmless' in app_log(data_dir), 10)
    lines = app_log(data_dir).splitlines()
    assert not [line for line in lines if line.startswith('2030-')], 'a client forged a log line'
    browser = next(line for line in lines if 'oracle_ui.browser' in line)
    assert ' WARNING ' in browser and ' ERROR ' not in browser  # an anonymous page cannot log errors
    assert f'harmless\\n{FORGED}\\rand\\u2028more' in browser
    assert f'/no-such-page\\n{FORGED}' in app_log(data_dir)
