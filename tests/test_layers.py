"""The import-linter contracts (pyproject.toml) cover every module: a new core module cannot slip past them."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_SHELL = {'oracle_ui.api', 'oracle_ui.web', 'oracle_ui.cli'}


def test_every_top_level_module_of_the_core_is_under_the_framework_free_contract() -> None:
    contracts = tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['importlinter']['contracts']
    core = next(c for c in contracts if c['name'].startswith('The core imports no UI'))
    modules = {f'oracle_ui.{p.stem}' for p in (ROOT / 'oracle_ui').glob('*.py') if p.stem != '__init__'}
    packages = {f'oracle_ui.{p.parent.name}' for p in (ROOT / 'oracle_ui').glob('*/__init__.py')}
    assert set(core['source_modules']) == (modules | packages) - APP_SHELL
    assert {'nicegui', 'fastapi', 'oracle_ui.api', 'oracle_ui.web', 'pages', 'components'} <= set(
        core['forbidden_modules']
    )
