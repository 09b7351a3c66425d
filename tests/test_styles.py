"""Every CSS class the pages set is defined by a stylesheet the page loads (NiceGUI/Quasar or the prebuilt
Tailwind file): a class added to the code without re-running ``scripts/build_css.sh`` would silently do nothing."""

import ast
import re
from pathlib import Path

import nicegui

from oracle_ui.web.styles import TAILWIND_CSS

ROOT = Path(__file__).resolve().parent.parent
STATIC = Path(nicegui.__file__).parent / 'static'
CLASS_SELECTOR = re.compile(r'\.((?:\\.|[A-Za-z0-9_-])+)')


def defined_classes() -> set[str]:
    sheets = [
        TAILWIND_CSS,
        STATIC / 'nicegui.css',
        STATIC / 'quasar.unimportant.prod.css',
        STATIC / 'quasar.important.prod.css',
    ]
    names: set[str] = set()
    for sheet in sheets:
        names |= {re.sub(r'\\(.)', r'\1', m) for m in CLASS_SELECTOR.findall(sheet.read_text(encoding='utf-8'))}
    return names


def used_classes() -> dict[str, str]:
    """Class names in literal ``.classes(...)`` arguments under pages/ and components/, with where they are."""
    used: dict[str, str] = {}
    for path in [*ROOT.glob('pages/*.py'), *ROOT.glob('components/*.py'), *ROOT.glob('oracle_ui/web/*.py')]:
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'classes':
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(argument, ast.JoinedStr):
                        continue  # f-strings: names made at run time (Quasar colours)
                    for constant in ast.walk(argument):
                        if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                            for name in constant.value.split():
                                used.setdefault(name, f'{path.relative_to(ROOT)}:{node.lineno}')
    return used


def test_every_class_in_the_pages_is_defined() -> None:
    used = used_classes()
    assert {'w-full', 'md:grid-cols-5', 'text-negative'} <= set(used)  # the scan sees the pages
    missing = {name: where for name, where in used.items() if name not in defined_classes()}
    assert not missing, f'classes with no CSS (run scripts/build_css.sh): {missing}'
