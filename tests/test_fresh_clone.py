"""A fresh clone is self-contained: its tests read and write nothing outside the repository."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.fixtures import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
# What a clone does not have: the environment, caches and artefacts of this checkout.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "staticfiles", "db.sqlite3*", ".pytest_cache", "test-results", "*.pyc"
)
# A folder named shared beside the clone, joined as a path ("shared" alone is also a word of
# the product: a phase both roles drive together).
OUTSIDE = re.compile(r"""["']/tmp\b|parents\[[3-9]\]|\.\./shared|/\s*["']shared["']|["']shared/""")


def test_example_spreadsheets_are_inside_the_repository():
    assert EXAMPLES.is_relative_to(ROOT)
    assert sorted(path.name for path in EXAMPLES.glob("*.csv")) == [
        "broken.csv",
        "team-spreadsheet.csv",
        "two-owners.csv",
    ]


def test_no_code_or_test_names_a_path_outside_the_repository():
    offenders = []
    for path in sorted([*ROOT.glob("*.py"), *ROOT.glob("[a-z]*/**/*.py"), ROOT / "Makefile"]):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_example_based_tests_pass_in_a_copy_with_nothing_beside_it(tmp_path):
    # The copy's parent folders hold no `shared/`: a test reaching out of the repository fails.
    clone = tmp_path / "lockstep"
    shutil.copytree(ROOT, clone, ignore=NOT_IN_A_CLONE)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "PYTEST_ADDOPTS", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "tests/raci/test_importing.py",
            "tests/raci/test_raci_check_csv.py",
            "tests/raci/test_tabular.py",
            # Starts manage.py twice more, for its exit status: the suite runs it, and the
            # copy's own manage.py is what the other tests already call in-process.
            "--deselect",
            "tests/raci/test_raci_check_csv.py::test_manage_py_exit_status_without_a_reachable_database",
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
