"""Chromium for the browser tests: Debian's, driven by Playwright (no browser download)."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
if not CHROMIUM and os.environ.get('ORACLE_REQUIRE_BROWSER'):
    raise RuntimeError('chromium is required for the browser tests (apt-get install chromium)')
ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
]


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (and so slow, see tests/conftest.py)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason='no chromium on this machine'))


@pytest.fixture
async def browser():
    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        await instance.close()


async def log_in(page: Page, base: str, name: str, password: str, path: str = '/') -> None:
    """Open ``path``, which sends the browser to log in, and log in there."""
    await page.goto(base + path)
    await page.get_by_label('Username').fill(name)
    await page.get_by_label('Password').fill(password)
    await page.get_by_role('button', name='Log in').click()
    await page.get_by_text(f'{name} · ').wait_for(timeout=20_000)
