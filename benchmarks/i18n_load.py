"""First load of ``/`` per language: ``python -m benchmarks.i18n_load [--runs N]`` prints the numbers.

Navigation start -> price chart drawn and the metric cards filled (as ``benchmarks.ui`` measures a first load),
each load cold (a new browser context: nothing cached) from a browser preferring English, German or Persian; the
languages interleaved round by round so a slower minute of the machine falls on all three; medians, p90 and the
ratios German/English and Persian/English (the target: within 10 %).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.ui import ARGS, wait_for_history, wait_until_idle  # noqa: E402
from oracle_ui.i18n import _, using  # noqa: E402
from tests.liveapp import live_app  # noqa: E402

LANGUAGES = {'en': 'en-US', 'de': 'de-DE', 'fa': 'fa-IR'}
"""Each language measured and the browser locale that asks for it (Accept-Language)."""
READY = """(cpu) => document.querySelector('.js-plotly-plot .main-svg') &&
    [...document.querySelectorAll('.q-card')].some(c => c.innerText.includes(cpu) && c.innerText.includes('%'))"""
"""``benchmarks.ui``'s first-load end, with the CPU card's label in the page's language."""


async def first_load(browser, base: str, locale: str, cpu_label: str) -> float:
    """Navigation start -> chart and metric cards drawn (ms) for one cold load."""
    context = await browser.new_context(viewport={'width': 1440, 'height': 900}, locale=locale)
    page = await context.new_page()
    await page.goto(base + '/', wait_until='commit')
    await page.wait_for_function(READY, arg=cpu_label, polling='raf', timeout=60_000)
    elapsed = await page.evaluate('() => performance.now()')
    await context.close()
    return elapsed


async def measure(base: str, runs: int) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    labels = {}
    for code in LANGUAGES:
        with using(code):
            labels[code] = _('CPU')
    loads: dict[str, list[float]] = {code: [] for code in LANGUAGES}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which('chromium'), args=ARGS)
        for code, locale in LANGUAGES.items():  # a warm-up load each (the server's first page of a language)
            await first_load(browser, base, locale, labels[code])
        for _round in range(runs):
            for code, locale in LANGUAGES.items():
                loads[code].append(await first_load(browser, base, locale, labels[code]))
        await browser.close()
    return loads


def report(loads: dict[str, list[float]]) -> None:
    medians = {code: float(np.median(values)) for code, values in loads.items()}
    for code, values in loads.items():
        print(
            f'First load of / in {code} ({len(values)} cold loads): median {medians[code]:.0f} ms, '
            f'p90 {np.percentile(values, 90):.0f} ms (min {min(values):.0f}, max {max(values):.0f})'
        )
    for code in ('de', 'fa'):
        ratio = medians[code] / medians['en']
        verdict = 'within' if ratio <= 1.10 else 'OVER'
        print(f'{code}/en median ratio {ratio:.3f} ({verdict} the 10 % target)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--runs', type=int, default=11, help='cold loads per language (default 11)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp, live_app(Path(temp) / 'data') as base:
        wait_for_history(base)
        wait_until_idle(base)
        report(asyncio.run(measure(base, args.runs)))


if __name__ == '__main__':
    main()
