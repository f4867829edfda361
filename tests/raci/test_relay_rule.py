"""`idle-driver`: the letters contradict the relay when a role drives a phase and holds no
A and no R on any of its activities; in the engine, the catalogue, `raci_check` (files and
saved matrices), the corpus of team sheets, and its one-click fix."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from raci import fixes, rules
from raci.models import Activity, Cell, Column
from raci.rules import ActivityData, MatrixData, RoleData
from tests.factories import MatrixFactory, MembershipFactory, RoleFactory
from workspaces import team_phases

REPO = Path(__file__).resolve().parents[2]
TEAM_SHEETS = REPO / "tests" / "fixtures" / "team_sheets"


def data(rows, drivers=None):
    """A matrix of PM and PMM columns; rows are (name, phase, PM letter, PMM letter)."""
    activities = [ActivityData(i, name, phase) for i, (name, phase, _, _) in enumerate(rows)]
    cells = {}
    for i, (_, _, pm, pmm) in enumerate(rows):
        if pm:
            cells[(i, "pm")] = pm
        if pmm:
            cells[(i, "pmm")] = pmm
    return MatrixData(activities, [RoleData("pm", "PM"), RoleData("pmm", "PMM")], cells, phase_drivers=drivers)


def driver_findings(matrix):
    return [f for f in rules.check(matrix) if f.rule == "idle-driver"]


def test_the_driver_of_a_led_phase_without_a_or_r_there_is_warned():
    (found,) = driver_findings(data([("Specs", "build", "C", "AR"), ("Launch plan", "launch", "C", "AR")]))
    assert found.severity == rules.WARNING and found.role == "pm" and found.activity is None
    assert found.message == "PM drives “Build & Validate” but holds no A and no R on its activities."


def test_a_split_phase_checks_both_roles_and_a_shared_one_neither():
    matrix = data([("Positioning", "strategy", "C", "AR"), ("Interviews", "insight", "I", "I")])
    assert [f.role for f in driver_findings(matrix)] == ["pm"]


def test_one_finding_per_role_names_every_phase_it_drives_idle():
    drivers = {"strategy": ("PM",), "build": ("PM",)}
    matrix = data([("Bets", "strategy", "C", "AR"), ("Specs", "build", "I", "AR")], drivers)
    (found,) = driver_findings(matrix)
    assert "“Strategy” and “Build & Validate”" in found.message and "their activities" in found.message


def test_any_a_or_r_of_the_driver_in_the_phase_keeps_it_quiet():
    for letter in ("R", "A", "AR"):
        assert not driver_findings(data([("Specs", "build", letter, "C"), ("More", "build", "C", "AR")]))


def test_no_finding_without_activities_in_the_phase_or_without_the_driving_role():
    assert not driver_findings(data([("Launch plan", "launch", "C", "AR")], {"build": ("PM",)}))
    assert not driver_findings(data([("Specs", "build", "C", "AR")], {"build": ("ENG",)}))
    assert not driver_findings(data([("Specs", "build", "C", "AR")], {}))


def test_the_rule_is_in_the_catalogue_and_says_why_it_matters():
    assert "idle-driver" in rules.RULE_CODES
    assert "`idle-driver`" in (REPO / "docs" / "contracts.md").read_text()
    assert len(fixes.WHY["idle-driver"]) > 40


def test_the_obvious_fix_gives_the_driver_the_row_nobody_does():
    matrix = data([("Specs", "build", "C", "A"), ("Demo the delta", "build", "C", "AR")])
    (found,) = driver_findings(matrix)
    fix = fixes.fixes_for(found, matrix)[0]
    assert fix.code == "driver" and fix.changes == ((0, "pm", "C", "R"),)
    assert fix.label == "Make PM responsible (R) for “Specs”"
    after = MatrixData(matrix.activities, matrix.roles, {**matrix.cells, (0, "pm"): "R"})
    assert not driver_findings(after)


def test_no_change_is_offered_when_it_is_not_obvious_only_accepting():
    matrix = data([("Specs", "build", "C", "AR"), ("Demo", "build", "C", "AR")])
    (found,) = driver_findings(matrix)
    assert [f.code for f in fixes.fixes_for(found, matrix)] == ["accept"]


def test_the_corpus_of_team_sheets_warns_only_where_a_driver_is_idle():
    warned = {}
    for path in sorted(TEAM_SHEETS.glob("*.csv")):
        out = io.StringIO()
        call_command("raci_check", "--csv", str(path), "--format", "json", stdout=out)
        warned[path.name] = [
            (r["role"], r["message"]) for r in json.loads(out.getvalue()) if r["rule"] == "idle-driver"
        ]
    # Team phases start shared, so a team's own phase never makes a driver idle.
    assert {name: found for name, found in warned.items() if found} == {
        "mixed-case-and-aliases.csv": [("pm", "pm drives “Strategy” but holds no A and no R on its activities.")]
    }


@pytest.mark.django_db
def test_a_saved_matrix_follows_the_workspaces_own_relay(capsys):
    member = MembershipFactory()
    ws = member.workspace
    pm, pmm = RoleFactory(workspace=ws, code="PM"), RoleFactory(workspace=ws, code="PMM")
    matrix = MatrixFactory(workspace=ws)
    Column.objects.bulk_create([Column(matrix=matrix, role=pm, order=0), Column(matrix=matrix, role=pmm, order=1)])
    beta = team_phases.phase_add(workspace=ws, name="Beta", driver="PM", navigator="PMM")
    for i, phase in enumerate(["build", beta.key]):
        activity = Activity.objects.create(matrix=matrix, name=f"Row {i}", phase=phase, order=i)
        Cell.objects.create(activity=activity, role=pm, value="AR" if phase == "build" else "C")
        Cell.objects.create(activity=activity, role=pmm, value="C" if phase == "build" else "AR")
    call_command("raci_check", ws.slug, matrix.slug, "--format", "json")
    (found,) = [f for f in json.loads(capsys.readouterr().out) if f["rule"] == "idle-driver"]
    assert found["role"] == "PM" and found["message"] == "PM drives “Beta” but holds no A and no R on its activities."
    # Handing Beta to PMM in the settings ends it.
    team_phases.phase_relay_set(workspace=ws, phase_key=beta.key, driver="PMM", navigator="PM")
    call_command("raci_check", ws.slug, matrix.slug, "--format", "json")
    assert not [f for f in json.loads(capsys.readouterr().out) if f["rule"] == "idle-driver"]


@pytest.mark.django_db
def test_the_finding_page_offers_the_fix_and_one_click_applies_it(client):
    from django.urls import reverse

    member = MembershipFactory(access="editor")
    ws = member.workspace
    pm, pmm = RoleFactory(workspace=ws, code="PM"), RoleFactory(workspace=ws, code="PMM")
    matrix = MatrixFactory(workspace=ws)
    Column.objects.bulk_create([Column(matrix=matrix, role=pm, order=0), Column(matrix=matrix, role=pmm, order=1)])
    specs = Activity.objects.create(matrix=matrix, name="Specs", phase="build", order=0)
    Cell.objects.create(activity=specs, role=pm, value="C")
    Cell.objects.create(activity=specs, role=pmm, value="A")
    client.force_login(member.user)
    args = [ws.slug, matrix.slug]
    page = client.get(reverse("raci:finding", args=args) + f"?rule=idle-driver&role={pm.pk}").content.decode()
    assert "Make PM responsible (R) for “Specs”" in page and "dropped baton" in page
    matrix.refresh_from_db()
    response = client.post(
        reverse("raci:fix_apply", args=args),
        {"rule": "idle-driver", "role": pm.pk, "code": "driver", "since": matrix.last_seq},
    )
    assert response.status_code == 302
    assert Cell.objects.get(activity=specs, role=pm).value == "R"


@pytest.mark.django_db
def test_changing_who_drives_records_it_and_recounts_the_matrices_of_the_phase():
    from raci.models import ChangeEvent, Matrix

    member = MembershipFactory(access="admin")
    ws = member.workspace
    pm, pmm = RoleFactory(workspace=ws, code="PM"), RoleFactory(workspace=ws, code="PMM")
    matrix = MatrixFactory(workspace=ws)
    Column.objects.bulk_create([Column(matrix=matrix, role=pm, order=0), Column(matrix=matrix, role=pmm, order=1)])
    specs = Activity.objects.create(matrix=matrix, name="Specs", phase="build", order=0)
    Cell.objects.create(activity=specs, role=pm, value="C")
    Cell.objects.create(activity=specs, role=pmm, value="AR")
    from raci.services import matrix_recount

    matrix_recount(matrix)
    warnings_before = Matrix.objects.get(pk=matrix.pk).warnings
    team_phases.phase_relay_set(workspace=ws, phase_key="build", driver="PMM", navigator="PM", actor=member.user)
    event = ChangeEvent.objects.filter(matrix=matrix).latest("seq")
    assert event.kind == "phase.relay" and "PMM drives, PM navigates" in event.target
    assert Matrix.objects.get(pk=matrix.pk).warnings == warnings_before - 1
