"""Write screenshots of every page (375 px phone, 1440 px desktop) and of the native window to docs/screenshots/.

Run: ``.venv/bin/python scripts/screenshots.py`` (needs Debian's chromium; the native window also Xvfb, xdotool and
imagemagick, as installed by scripts/test.sh). Starts its own app at speed 60 on a temporary data directory.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.liveapp import free_port, live_app  # noqa: E402

OUT = ROOT / 'docs' / 'screenshots'
PAGES = {'dashboard': '/', 'trades': '/trades', 'events': '/events', 'backtest': '/backtest', 'settings': '/settings'}
WIDTHS = {'phone': (375, 812), 'desktop': (1440, 1000)}


async def pages(base: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=shutil.which('chromium'),
            args=['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        )
        for size, (width, height) in WIDTHS.items():
            page = await browser.new_page(viewport={'width': width, 'height': height})
            for name, path in PAGES.items():
                await page.goto(base + path)  # not 'networkidle': at 60x the dashboard never went quiet for it
                await page.wait_for_load_state('load')
                if name == 'backtest':
                    await page.get_by_role('button', name='Run backtest').click()
                    await page.get_by_text('bars in').wait_for(timeout=30_000)
                await page.wait_for_timeout(1500)
                await page.screenshot(
                    path=str(OUT / f'{name}-{size}.png'), full_page=name != 'dashboard' or size == 'phone'
                )
                print('wrote', OUT / f'{name}-{size}.png')
        await browser.close()


def native_window(data_dir: Path) -> None:
    if not all(shutil.which(t) for t in ('Xvfb', 'xdotool', 'import')):
        print('skipped the native window: Xvfb, xdotool or imagemagick missing')
        return
    display = f':{90 + os.getpid() % 9}'
    xvfb = subprocess.Popen(
        ['Xvfb', display, '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], stderr=subprocess.DEVNULL
    )
    env = {**os.environ, 'DISPLAY': display, 'ORACLE_DATA_DIR': str(data_dir), 'ORACLE_SPEED': '60'}
    env.pop('PYTEST_CURRENT_TEST', None)
    app = subprocess.Popen(
        [sys.executable, str(ROOT / 'main.py'), '--native', '--port', str(free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(12)
        subprocess.run(
            ['xdotool', 'search', '--name', 'Oracle Trader$', 'windowsize', '%@', '1200', '860'], env=env, check=False
        )
        time.sleep(3)
        subprocess.run(['import', '-window', 'root', str(OUT / 'native-window.png')], env=env, check=True)
        print('wrote', OUT / 'native-window.png')
    finally:
        app.terminate()
        app.wait(20)
        xvfb.terminate()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        with live_app(Path(temp) / 'data', ORACLE_SPEED='60') as base:
            time.sleep(20)  # some trades and events to show
            asyncio.run(pages(base))
        native_window(Path(temp) / 'native')


if __name__ == '__main__':
    main()
