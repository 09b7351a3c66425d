"""The Tailwind utilities the pages use, prebuilt (``scripts/build_css.sh``) and inlined into every page.

NiceGUI's default is Tailwind's in-browser compiler: ~70 ms of script on every first load, and a re-scan of
the page after every DOM change, which showed up as tail latency of live updates (``benchmarks/ui.py``).
The app runs with ``ui.run(tailwind=False)`` and this stylesheet instead.
"""

from __future__ import annotations

from pathlib import Path

from nicegui import Client, ui

TAILWIND_CSS = Path(__file__).parent / 'css' / 'tailwind.css'
STYLE_ID = 'oracle-tailwind'


def install() -> None:
    """Add the stylesheet to the head of every page (once per process)."""
    if f'id="{STYLE_ID}"' not in Client.shared_head_html:
        ui.add_head_html(f'<style id="{STYLE_ID}">{TAILWIND_CSS.read_text(encoding="utf-8")}</style>', shared=True)
