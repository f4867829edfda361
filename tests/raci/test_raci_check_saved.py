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


def _accepted_matrix():
    from raci import services
    from raci.models import Matrix

    member = MembershipFactory(user__first_name="Mia", user__last_name="Lund")
    # Role 2 is only consulted (idle-role); row 1 has an A and no R (no-responsible).
    matrix, acts, roles = build_matrix(
        member.workspace,
        activities=3,
        roles=3,
        letters={(0, 0): "AR", (0, 2): "C", (1, 1): "A", (2, 0): "AR", (2, 1): "R"},
    )
    services.finding_acknowledge(
        matrix=Matrix.objects.select_related("workspace").get(pk=matrix.pk),
        ref=services.FindingRef("idle-role", None, roles[2].pk),
        reason="Consulted on purpose.",
        review_on=None,
        actor=member.user,
    )
    return member, matrix


def test_a_finding_accepted_on_purpose_is_reported_as_acknowledged_in_json(capsys):
    member, matrix = _accepted_matrix()
    call_command("raci_check", member.workspace.slug, matrix.slug, "--format", "json")
    findings = {f["rule"]: f for f in json.loads(capsys.readouterr().out)}
    assert findings["idle-role"]["acknowledged"]["reason"] == "Consulted on purpose."
    assert findings["idle-role"]["acknowledged"]["by"] == "Mia Lund"
    assert findings["no-responsible"]["acknowledged"] is None


def test_a_finding_accepted_on_purpose_is_marked_in_text_and_left_out_of_the_summary(capsys):
    member, matrix = _accepted_matrix()
    call_command("raci_check", member.workspace.slug, matrix.slug)
    out = capsys.readouterr().out
    assert "accepted info  idle-role  GRI2: GRI2 holds no R and no A anywhere.  (accepted on purpose: Consulted" in out
    assert "0 errors, 1 warning, 0 info. 1 accepted on purpose." in out
