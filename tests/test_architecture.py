"""The apps depend one way (docs/architecture.md): the import-linter contract in
pyproject.toml holds. import-linter reads every import, those inside functions too."""

import ast
import functools
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_apps_depend_one_way():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


# --- names that stay inside their module ------------------------------------------------------

APPS = ("core", "accounts", "workspaces", "notifications", "raci", "workshops", "launches", "rituals", "dashboard")
PACKAGES = (*APPS, "api", "config")
ERRORS = {"DomainError", "InvalidInput", "NotFound", "Forbidden", "Conflict", "StaleEdit", "StaleChanges"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@functools.cache
def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


@functools.cache
def _uses(path: Path) -> tuple[tuple[int, str, str], ...]:
    """(line, module, name) for each name this file takes from another of our modules:
    `from module import name`, and `alias.name` where alias is a module it imported. Read
    once per file for both checks below."""
    return tuple(_read_uses(path))


def _read_uses(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in (*PACKAGES, "tests"):
                continue
            for alias in node.names:
                if _is_module(f"{node.module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                else:
                    yield node.lineno, node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in (*PACKAGES, "tests"):
                    # `import a.b` binds `a`; `import a.b as x` binds x to a.b.
                    bound = alias.name if alias.asname else alias.name.split(".")[0]
                    modules[alias.asname or bound] = bound
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or isinstance(node.ctx, ast.Store):
            continue
        dotted = _dotted(node.value)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        if head in modules:
            module = ".".join(filter(None, [modules[head], rest]))
            if _is_module(module):
                yield node.lineno, module, node.attr


def _sources(*packages: str):
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_module_takes_another_modules_private_names():
    """A leading underscore means "this module's own": a helper others need is public, in a
    module of its own if need be. Tests are not held to it (they may reach a module's private
    seam to spy on it or to shorten a case), nor are migrations (they name a field's default
    as it was when they were written)."""
    taken = [
        f"{path.relative_to(ROOT)}:{line} takes {module}.{name}"
        for path in _sources(*PACKAGES)
        if "migrations" not in path.parts
        for line, module, name in _uses(path)
        if _private(name) and module != ".".join(path.relative_to(ROOT).with_suffix("").parts)
    ]
    assert taken == []


def test_error_classes_come_from_core_errors_only():
    """One name per error class: `core.errors`' own, never another module's re-export."""
    elsewhere = [
        f"{path.relative_to(ROOT)}:{line} takes {module}.{name}"
        for path in _sources(*PACKAGES, "tests")
        for line, module, name in _uses(path)
        if name in ERRORS and module != "core.errors"
    ]
    assert elsewhere == []


def test_the_checks_above_see_a_private_name_and_a_re_exported_error(tmp_path):
    """The two checks above would fail on the imports they forbid."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import raci.tabular\nfrom raci.views import cells\nfrom raci import services\n"
        "from workspaces.access import _require\n"
        "cells._cell_form\nservices.InvalidInput\nraci.tabular._parse_records\n"
    )
    found = {(module, name) for _, module, name in _uses(sample)}
    assert {("workspaces.access", "_require"), ("raci.views.cells", "_cell_form")} <= found
    assert ("raci.services", "InvalidInput") in found and ("raci.tabular", "_parse_records") in found
