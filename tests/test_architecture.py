"""The core stays UI-free: only oracle_ui/state.py may import NiceGUI, and only nicegui.binding."""

import ast
from pathlib import Path

CORE = Path(__file__).parent.parent / 'oracle_ui'


def _nicegui_imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.split('.')[0] == 'nicegui']
        elif isinstance(node, ast.ImportFrom) and (node.module or '').split('.')[0] == 'nicegui':
            names += [f'{node.module}.{a.name}' for a in node.names]
    return names


def test_only_the_state_module_uses_nicegui_binding() -> None:
    found = {str(p.relative_to(CORE)): _nicegui_imports(p) for p in CORE.rglob('*.py')}
    offenders = {k: v for k, v in found.items() if v and k != 'state.py'}
    assert offenders == {}
    assert found['state.py'] == ['nicegui.binding']
