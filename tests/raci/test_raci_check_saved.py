"""`raci_check WORKSPACE MATRIX` lints a saved matrix with the same engine."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


def test_a_saved_matrix_with_an_error_exits_1_and_lists_it(capsys):
    member = MembershipFactory()
    matrix, acts, roles = build_matrix(
        member.workspace, activities=3, roles=2, letters={(0, 0): "A", (0, 1): "A", (1, 0): "AR", (2, 1): "AR"}
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("raci_check", member.workspace.slug, matrix.slug, "--format", "json")
    assert exit_.value.code == 1
    findings = json.loads(capsys.readouterr().out)
    assert {"rule": "multiple-accountable", "severity": "error", "activity": "Activity 0", "role": None} == {
        k: findings[0][k] for k in ("rule", "severity", "activity", "role")
    }
    assert {f["rule"] for f in findings} == {"multiple-accountable", "no-responsible"}


def test_a_clean_saved_matrix_exits_0(capsys):
    member = MembershipFactory()
    matrix, _, _ = build_matrix(member.workspace, activities=3, roles=3)
    call_command("raci_check", member.workspace.slug, matrix.slug)
    assert "0 errors" in capsys.readouterr().out


def test_an_unknown_matrix_is_a_clear_error():
    member = MembershipFactory()
    with pytest.raises(CommandError, match="matrix"):
        call_command("raci_check", member.workspace.slug, "nope")
