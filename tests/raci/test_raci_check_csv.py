"""`raci_check --csv`: the command-line contract of docs/contracts.md, without a database.

None of these tests asks for the `db` fixture, so pytest-django fails any of them that
touches the database: that is part of what they check.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from raci.tabular import export_table, write_xlsx
from tests.fixtures import EXAMPLES

REPO = Path(__file__).resolve().parents[2]
TEAM = EXAMPLES / "team-spreadsheet.csv"
TWO_OWNERS = EXAMPLES / "two-owners.csv"
BROKEN = EXAMPLES / "broken.csv"


def run(*args, **options) -> tuple[int, str]:
    """Run the command; (exit status, stdout)."""
    out = io.StringIO()
    try:
        call_command("raci_check", *args, stdout=out, **options)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def run_json(*args) -> tuple[int, object]:
    status, output = run(*args, "--format", "json")
    return status, json.loads(output)


# ------------------------------------------------------------------ exit status


def test_findings_without_errors_exit_0():
    status, _ = run("--csv", str(TEAM))
    assert status == 0


def test_an_error_finding_exits_1():
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("raci_check", csv=str(TWO_OWNERS), stdout=out)
    assert exc.value.code == 1
    assert "multiple-accountable" in out.getvalue()


def test_an_invalid_file_exits_1():
    with pytest.raises(SystemExit) as exc:
        call_command("raci_check", csv=str(BROKEN), format="json", stdout=io.StringIO())
    assert exc.value.code == 1


def test_a_clean_file_exits_0_with_no_findings(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("Activity,PM,PMM\nNaming,C,A/R\nRoadmap,A/R,C\n", encoding="utf-8")
    status, findings = run_json("--csv", str(path))
    assert (status, findings) == (0, [])
    status, text = run("--csv", str(path))
    assert status == 0
    assert text.strip() == "Checked 2 activities and 2 roles: 0 errors, 0 warnings, 0 info."


# ------------------------------------------------------------------ JSON


def test_json_findings_for_the_team_spreadsheet():
    status, findings = run_json("--csv", str(TEAM))
    assert status == 0
    assert findings == [
        {
            "rule": "idle-role",
            "severity": "info",
            "activity": None,
            "role": "Engineering Lead",
            "message": "Engineering Lead holds no R and no A anywhere.",
        },
    ]


def test_json_findings_name_the_activity():
    status, findings = run_json("--csv", str(TWO_OWNERS))
    assert status == 1
    assert findings == [
        {
            "rule": "multiple-accountable",
            "severity": "error",
            "activity": "Naming",
            "role": None,
            "message": "PM and PMM are both accountable for “Naming”.",
        },
        # The file's Strategy row is PM's alone: in the lifecycle's relay PMM drives its half too.
        {
            "rule": "idle-driver",
            "severity": "warning",
            "activity": None,
            "role": "PMM",
            "message": "PMM drives “Strategy” but holds no A and no R on its activities.",
        },
    ]


def test_json_errors_for_an_invalid_file():
    status, output = run_json("--csv", str(BROKEN))
    assert status == 1
    assert list(output) == ["errors", "error_count"] and output["error_count"] == 2
    assert [(e["row"], e["column"], e["value"]) for e in output["errors"]] == [
        (2, "PM", "Consulted"),
        (3, "PMM", "A/R/C"),
    ]
    for error in output["errors"]:
        assert set(error) == {"row", "column", "value", "message"}
        assert error["message"]


def test_json_role_is_the_header_as_written(tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text("Activity,pm lead,Légal\nOne,A/R,I\nTwo,A/R,C\nThree,A/R,\n", encoding="utf-8")
    status, findings = run_json("--csv", str(path))
    assert status == 0
    assert [(f["rule"], f["role"]) for f in findings] == [("idle-role", "Légal")]


# ------------------------------------------------------------------ text


def test_text_lines_and_summary():
    status, text = run("--csv", str(TEAM))
    assert status == 0
    assert text.splitlines() == [
        "info  idle-role  Engineering Lead: Engineering Lead holds no R and no A anywhere.",
        "Checked 7 activities and 4 roles: 0 errors, 0 warnings, 1 info.",
    ]


def test_text_error_line_names_the_activity():
    status, text = run("--csv", str(TWO_OWNERS))
    assert status == 1
    assert text.splitlines()[0] == "error  multiple-accountable  Naming: PM and PMM are both accountable for “Naming”."
    # The warning: PMM drives its half of Strategy (the lifecycle's relay) with only a C there.
    assert text.splitlines()[-1] == "Checked 3 activities and 2 roles: 1 error, 1 warning, 0 info."


def test_text_errors_for_an_invalid_file():
    status, text = run("--csv", str(BROKEN))
    assert status == 1
    lines = text.splitlines()
    assert lines[0].startswith("invalid  Row 2, column “PM”: “Consulted”")
    assert lines[1].startswith("invalid  Row 3, column “PMM”: “A/R/C”")
    assert lines[2] == "broken.csv: 2 errors in the file; nothing was checked."


def test_verbosity_2_shows_the_fix():
    status, text = run("--csv", str(TWO_OWNERS), "--verbosity", "2")
    assert status == 1
    assert text.splitlines()[1].startswith("    fix: Keep one A")


# ------------------------------------------------------------------ inputs


def test_xlsx_file(tmp_path):
    path = tmp_path / "matrix.xlsx"
    path.write_bytes(
        write_xlsx(
            export_table(
                role_headers=["PM", "PMM"],
                rows=[("Naming", "launch", "", ["A", "A"]), ("Pricing", "strategy", "", ["C", "AR"])],
            )
        )
    )
    status, findings = run_json("--csv", str(path))
    assert status == 1
    assert [(f["rule"], f["activity"]) for f in findings] == [
        ("multiple-accountable", "Naming"),
        ("no-responsible", "Naming"),
        ("idle-driver", None),  # PM drives its half of Strategy with only a C there
    ]


def test_png_renamed_csv(tmp_path):
    path = tmp_path / "logo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    status, output = run_json("--csv", str(path))
    assert status == 1
    (error,) = output["errors"]
    assert error["row"] is None and "logo.csv" in error["message"]


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TWO_OWNERS.read_bytes())))
    status, findings = run_json("--csv", "-")
    assert status == 1
    assert [f["rule"] for f in findings] == ["multiple-accountable", "idle-driver"]


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("raci_check", csv=str(tmp_path / "nope.csv"), stdout=io.StringIO())


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(CommandError, match="directory"):
        call_command("raci_check", csv=str(tmp_path), stdout=io.StringIO())


@pytest.mark.parametrize("args", [(), ("acme",)])
def test_needs_a_file_or_a_matrix(args):
    with pytest.raises(CommandError, match="--csv FILE"):
        call_command("raci_check", *args, stdout=io.StringIO())


def test_not_both_a_file_and_a_matrix():
    with pytest.raises(CommandError, match="not both"):
        call_command("raci_check", "acme", "roadmap", csv=str(TEAM), stdout=io.StringIO())


def test_unknown_format_is_refused():
    with pytest.raises(CommandError):
        call_command("raci_check", "--csv", str(TEAM), "--format", "xml", stdout=io.StringIO())


# ------------------------------------------------------------------ a real process


def test_manage_py_exit_status_without_a_reachable_database():
    """Through manage.py, with a database URL nothing answers: the CSV mode never connects."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
    }
    env.pop("REDIS_URL", None)
    ok = subprocess.run(
        [sys.executable, "manage.py", "raci_check", "--csv", str(TEAM), "--format", "json"],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert {f["rule"] for f in json.loads(ok.stdout)} == {"idle-role"}
    bad = subprocess.run(
        [sys.executable, "manage.py", "raci_check", "--csv", str(BROKEN)],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1, bad.stderr
    assert "Consulted" in bad.stdout


# ------------------------------------------------------------------ limits


def many_errors_csv(tmp_path) -> Path:
    """1,000 activities x 60 roles, every letter wrong: 60,000 errors."""
    path = tmp_path / "wrong.csv"
    header = ",".join(["Activity", *(f"R{j}" for j in range(60))])
    path.write_text("\n".join([header, *(",".join([f"A{i}", *(["Q"] * 60)]) for i in range(1_000))]) + "\n")
    return path


def test_json_lists_the_first_500_errors_and_counts_them_all(tmp_path):
    status, output = run_json("--csv", str(many_errors_csv(tmp_path)))
    assert status == 1
    assert output["error_count"] == 60_000 and len(output["errors"]) == 500
    assert (output["errors"][0]["row"], output["errors"][0]["column"]) == (2, "R0")


def test_text_shows_the_first_500_of_all_errors(tmp_path):
    status, text = run("--csv", str(many_errors_csv(tmp_path)))
    assert status == 1
    lines = text.splitlines()
    assert len(lines) == 502 and all(line.startswith("invalid  ") for line in lines[:500])
    assert lines[500] == "Showing the first 500 of 60,000 errors."
    assert lines[501] == "wrong.csv: 60,000 errors in the file; nothing was checked."


def test_a_file_with_too_many_activities_is_refused_naming_the_limit(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Activity,PM\n" + "".join(f"A{i},A\n" for i in range(100_000)))
    status, output = run_json("--csv", str(path))
    assert status == 1
    assert "more than 2,000 activities" in output["errors"][0]["message"]
    assert output["errors"][0]["row"] == 2_002


def test_a_file_over_ten_megabytes_is_refused_after_reading_ten(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.write(b"Activity,PM\n")
        stream.truncate(1024 * 1024 * 1024)  # 1 GB, sparse: costs nothing on disk
    status, output = run_json("--csv", str(path))
    assert status == 1
    assert output == {
        "errors": [
            {
                "row": None,
                "column": None,
                "value": "",
                "message": "The file is larger than 10 MB, the most an import takes.",
            }
        ],
        "error_count": 1,
    }
