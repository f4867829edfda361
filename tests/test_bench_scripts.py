"""`make bench` and `make load` run child scripts kept as text: their imports must name
what the apps hold today (a moved model would otherwise break only the bench)."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


def _embedded_scripts():
    for path in (ROOT / "bench.py", *sorted((ROOT / "load").glob("*.py"))):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "django.setup()" in node.value:
                yield path.name, node.value


@pytest.mark.parametrize("name, script", list(_embedded_scripts()))
def test_the_child_scripts_import_what_the_apps_hold(name, script):
    # Only the import lines: some scripts are templates filled in before they run.
    imports = "\n".join(line.strip() for line in script.splitlines() if line.strip().startswith(("from ", "import ")))
    for node in ast.walk(ast.parse(imports)):
        if isinstance(node, ast.ImportFrom):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name) or importlib.util.find_spec(f"{node.module}.{alias.name}"), (
                    f"{name}: {node.module} has no {alias.name}"
                )


def test_the_bench_has_child_scripts_to_check():
    assert len(list(_embedded_scripts())) >= 2
