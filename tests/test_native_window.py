"""``python main.py --native``: the dashboard in a native GTK window under Xvfb, closed like a user closes it."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .liveapp import ROOT, free_port

TOOLS = [shutil.which(t) for t in ('Xvfb', 'xdotool', 'import', 'convert')]
try:
    import gi

    gi.require_version('WebKit2', '4.1')
    HAS_GTK = True
except (ImportError, ValueError):
    HAS_GTK = False
if (not all(TOOLS) or not HAS_GTK) and os.environ.get('ORACLE_REQUIRE_NATIVE'):
    raise RuntimeError('the native-window test needs Xvfb, xdotool, imagemagick and pygobject with WebKit2 4.1')
pytestmark = [
    pytest.mark.native,
    pytest.mark.skipif(not all(TOOLS) or not HAS_GTK, reason='no Xvfb/GTK WebKit on this machine'),
]


def _close_like_a_user(display: str, window: int) -> None:
    """Send WM_DELETE_WINDOW, what a window manager sends when the close button is clicked."""
    from Xlib import X, protocol
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    target = connection.create_resource_object('window', window)
    protocols, delete = connection.intern_atom('WM_PROTOCOLS'), connection.intern_atom('WM_DELETE_WINDOW')
    target.send_event(
        protocol.event.ClientMessage(window=target, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    )
    connection.flush()
    connection.close()


def test_native_window_shows_the_dashboard_and_closing_it_ends_the_app(tmp_path: Path) -> None:
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ['Xvfb', '-displayfd', str(write), '-screen', '0', '1280x900x24', '-nolisten', 'tcp'],
        pass_fds=[write],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / 'xvfb.log').open('w'),
    )
    os.close(write)
    number = b''
    while not number.endswith(b'\n'):  # written in pieces; closing early would kill Xvfb on its next write
        chunk = os.read(read, 16)
        assert chunk, 'Xvfb did not start'
        number += chunk
    display = ':' + number.decode().strip()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST'}
    env.update(DISPLAY=display, ORACLE_DATA_DIR=str(tmp_path / 'data'), ORACLE_SPEED='60')
    log = (tmp_path / 'native.log').open('w')
    app = subprocess.Popen(
        [sys.executable, str(ROOT / 'main.py'), '--native', '--port', str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        window = None
        for _ in range(120):
            found = subprocess.run(
                ['xdotool', 'search', '--name', 'Oracle Trader$'], env=env, capture_output=True, text=True, check=False
            ).stdout.split()
            if found:
                window = int(found[0])
                break
            assert app.poll() is None, (tmp_path / 'native.log').read_text()
            time.sleep(0.5)
        assert window, 'no window titled "… Oracle Trader" appeared'
        assert httpx.get(f'http://127.0.0.1:{port}/dashboard/api/system-status', timeout=10).json()['bot_running']
        shot = tmp_path / 'screen.png'
        geometry = subprocess.run(
            ['xdotool', 'getwindowgeometry', str(window)], env=env, capture_output=True, text=True, check=True
        ).stdout
        left, top = (int(v) for v in geometry.split('Position: ')[1].split(' ')[0].split(','))
        header = (0, 0, 0)
        for _ in range(60):  # until the dashboard has painted its teal header (a loading window is plain white)
            subprocess.run(['import', '-window', 'root', str(shot)], env=env, check=True)
            pixel = subprocess.run(
                ['convert', str(shot), '-crop', f'1x1+{left + 300}+{top + 12}', '-depth', '8', 'txt:-'],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            header = tuple(int(v) for v in pixel.split('(')[1].split(')')[0].split(',')[:3])
            if abs(header[0] - 15) < 20 and abs(header[1] - 118) < 20 and abs(header[2] - 110) < 20:
                break
            time.sleep(0.5)
        assert abs(header[1] - 118) < 20 and header[0] < 40, f'no dashboard header in the window (pixel {header})'
        deviation = float(
            subprocess.run(
                ['convert', str(shot), '-format', '%[fx:standard_deviation]', 'info:'],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        assert deviation > 0.1, f'the screen is blank (standard deviation {deviation:.3f})'
        for _ in range(6):
            # pywebview's GTK window sometimes drops a close request that arrives while WebKit is still busy right
            # after loading (about one in three here, an upstream timing issue; three tries in a row failed once
            # in a loaded CI run); a user would click again
            _close_like_a_user(display, window)
            try:
                returncode = app.wait(10)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            returncode = None
        assert returncode == 0, 'closing the window ends the app cleanly'
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        xvfb.terminate()
        xvfb.wait()
        os.close(read)
        log.close()
    database = sqlite3.connect(tmp_path / 'data' / 'oracle.db')
    kinds = [
        row[0]
        for row in database.execute(
            "select type from events where type in ('strategy_update', 'bot_stopped') order by id"
        )
    ]
    assert kinds.count('strategy_update') == 1, 'the window process re-imports main.py but builds no second system'
    assert kinds[-1] == 'bot_stopped', 'the shutdown ran: the bot was stopped and that was stored'
