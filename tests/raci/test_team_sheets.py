"""The corpus of team spreadsheets with their own phases (tests/fixtures/team_sheets):
each one imports (the preview lists the phases it adds, confirming creates them in file
order after the workspace's own, the matrix groups its rows by them) and lints cleanly."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raci import tabular
from raci.importing import export_table, import_parse
from raci.models import Matrix, MatrixImport
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory
from tests.fixtures import TEAM_SHEETS
from workspaces import team_phases
from workspaces.models import Phase

LIFECYCLE_NAMES = ["Insight/Discovery", "Strategy", "Build & Validate", "Launch", "Post-Launch"]

# file -> (the team's own phases, the matrix's phase groups in order)
CORPUS = {
    "seed-002-phase-owners.csv": (
        ["Monthly review"],
        ["Insight/Discovery", "Build & Validate", "Launch", "Monthly review"],
    ),
    "phase-0-to-3.csv": (["Phase 1", "Phase 2", "Phase 3"], ["Insight/Discovery", "Phase 1", "Phase 2", "Phase 3"]),
    "alpha-beta-ga.csv": (["Alpha", "Beta", "GA"], ["Post-Launch", "Alpha", "Beta", "GA"]),
    "mixed-case-and-aliases.csv": (
        ["Pilot", "Scale-up"],
        ["Insight/Discovery", "Strategy", "Build & Validate", "Launch", "Post-Launch", "Pilot", "Scale-up"],
    ),
    "semicolon-delimited.csv": (
        ["Kick-off", "Design sprint", "Hypercare"],
        ["Launch", "Kick-off", "Design sprint", "Hypercare"],
    ),
    "bom-french-team.csv": (
        ["Découverte", "Stratégie produit", "Lancement", "Après-lancement"],
        ["Découverte", "Stratégie produit", "Lancement", "Après-lancement"],
    ),
    "now-next-later.csv": (["Now", "Next", "Later"], ["Now", "Next", "Later", "Unphased"]),
}


def test_the_corpus_is_every_file_in_the_folder():
    assert sorted(CORPUS) == sorted(p.name for p in TEAM_SHEETS.glob("*.csv"))
    assert len(CORPUS) >= 6


@pytest.fixture
def editor(client, db):
    member = MembershipFactory(access="editor")
    client.force_login(member.user)
    return member


def _upload(client, member, name, data, capture, new_name="Imported"):
    with capture(execute=True):
        return client.post(
            reverse("raci:import_upload", args=[member.workspace.slug]),
            {"name": new_name, "file": SimpleUploadedFile(name, data)},
        )


def _import(client, member, name, data, capture, new_name="Imported"):
    """Upload, read the preview page, confirm: (the preview's HTML, the job)."""
    response = _upload(client, member, name, data, capture, new_name)
    assert response.status_code == 302, response.content[:500]
    job = MatrixImport.objects.get(new_name=new_name)
    assert job.status == "preview", job.summary
    page = client.get(response["Location"]).content.decode()
    with capture(execute=True):
        client.post(reverse("raci:import_confirm", args=[member.workspace.slug, job.pk]))
    job.refresh_from_db()
    return page, job


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_team_sheet_imports_with_its_own_phases(client, editor, name, django_capture_on_commit_callbacks):
    own, groups = CORPUS[name]
    page, job = _import(client, editor, name, (TEAM_SHEETS / name).read_bytes(), django_capture_on_commit_callbacks)
    assert job.summary["new_phases"] == own
    assert "New phases this import adds" in page
    listed = page[page.index("New phases this import adds") :]
    positions = [listed.index(f'<span class="pill team">{escape(phase)}</span>') for phase in own]
    assert positions == sorted(positions)
    assert job.status == "done", job.failure
    assert [p.name for p in team_phases.phases_of(workspace=editor.workspace)] == LIFECYCLE_NAMES + own
    grid = matrix_grid(matrix=job.result)
    assert [label for _, label, _ in grid.phases()] == groups
    assert not [f for f in grid.findings if f.severity == "error"]
    html = client.get(reverse("raci:matrix", args=[editor.workspace.slug, job.result.slug])).content.decode()
    shown = [html.index(f">{escape(label)}</th>") for label in groups]
    assert shown == sorted(shown)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_team_sheet_lints_cleanly_and_lists_its_phases(name):
    out = io.StringIO()
    call_command("raci_check", "--csv", str(TEAM_SHEETS / name), "--format", "json", stdout=out)  # exit 0: no raise
    rows = json.loads(out.getvalue())
    assert not [r for r in rows if r["severity"] == "error"]
    assert [r["phase"] for r in rows if r["rule"] == "team-phase"] == CORPUS[name][0]
    assert all(set(r) >= {"rule", "severity", "activity", "role", "message"} for r in rows)
    text = io.StringIO()
    call_command("raci_check", "--csv", str(TEAM_SHEETS / name), stdout=text)
    assert "Team phases" in text.getvalue() and CORPUS[name][0][0] in text.getvalue()


def _xlsx_of(name: str) -> bytes:
    table = tabular.parse_upload((TEAM_SHEETS / name).read_bytes(), name)
    assert table.ok
    rows = [
        [a.name, a.phase_text, a.description, *(a.letters.get(i, "") for i in range(len(table.columns)))]
        for a in table.activities
    ]
    return tabular.text_workbook(
        [["Activity", "Phase", "Description", *(c.header for c in table.columns)], *rows], title="Sheet1", widths={}
    )


def test_an_xlsx_team_sheet_imports_and_lints_too(client, editor, django_capture_on_commit_callbacks, tmp_path):
    data = _xlsx_of("alpha-beta-ga.csv")
    _, job = _import(client, editor, "stages.xlsx", data, django_capture_on_commit_callbacks)
    assert job.status == "done" and job.summary["new_phases"] == ["Alpha", "Beta", "GA"]
    path = tmp_path / "stages.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("raci_check", "--csv", str(path), "--format", "json", stdout=out)
    assert [r["phase"] for r in json.loads(out.getvalue()) if r["rule"] == "team-phase"] == ["Alpha", "Beta", "GA"]


def test_a_second_import_reuses_the_phases_the_first_added(client, editor, django_capture_on_commit_callbacks):
    data = (TEAM_SHEETS / "alpha-beta-ga.csv").read_bytes()
    _import(client, editor, "a.csv", data, django_capture_on_commit_callbacks, new_name="First")
    page, job = _import(
        client, editor, "a.csv", data.replace(b",GA,", b",ga,"), django_capture_on_commit_callbacks, new_name="Second"
    )
    assert job.summary["new_phases"] == [] and "New phases this import adds" not in page
    assert Phase.objects.filter(workspace=editor.workspace).count() == 8


def test_export_then_import_gives_the_same_phases(client, editor, django_capture_on_commit_callbacks):
    _, job = _import(
        client, editor, "f.csv", (TEAM_SHEETS / "bom-french-team.csv").read_bytes(), django_capture_on_commit_callbacks
    )
    team_phases.phase_rename(
        workspace=editor.workspace, phase_key=Phase.objects.get(name="Lancement").key, name="Mise sur le marché"
    )
    before = matrix_grid(matrix=job.result)
    data = tabular.write_csv(export_table(job.result))
    assert "Mise sur le marché" in data.decode()
    _, again = _import(client, editor, "again.csv", data, django_capture_on_commit_callbacks, new_name="Again")
    assert again.summary["new_phases"] == []
    after = matrix_grid(matrix=again.result)
    assert [(a.name, a.phase) for a in after.activities] == [(a.name, a.phase) for a in before.activities]


def test_an_import_past_the_phase_limit_is_refused_naming_it(client, editor, django_capture_on_commit_callbacks):
    team_phases.phases_add(workspace=editor.workspace, names=[f"Stage {i}" for i in range(24)])
    response = _upload(
        client, editor, "abc.csv", (TEAM_SHEETS / "alpha-beta-ga.csv").read_bytes(), django_capture_on_commit_callbacks
    )
    job = MatrixImport.objects.get()
    assert job.status == "invalid" and "at most 30 phases" in job.summary["errors"][0]["message"]
    assert "at most 30 phases" in client.get(response["Location"]).content.decode()
    assert not Matrix.objects.exists() and Phase.objects.filter(workspace=editor.workspace).count() == 29


def test_one_phase_named_two_ways_cannot_hold_one_activity_twice(editor):
    team_phases.phase_rename(workspace=editor.workspace, phase_key="insight", name="Research & Discovery")
    job = MatrixImport.objects.create(
        workspace=editor.workspace,
        new_name="X",
        created_by=editor.user,
        filename="x.csv",
        data=b"Activity,Phase,PM\nInterviews,Discovery,A\nInterviews,Research & Discovery,A\n",
    )
    import_parse(job)
    assert job.status == "invalid" and "already on row 2" in job.summary["errors"][0]["message"]


PHASE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phase=PHASE_TEXT)
def test_any_phase_text_imports_or_is_refused_clearly(client, editor, phase):
    """Whatever a Phase cell holds (bounded, no NUL), the import previews it or lists a
    clear error: never a 500."""
    MatrixImport.objects.all().delete()
    data = tabular.write_csv(
        tabular.ExportTable(role_headers=["PM"], rows=[tabular.ExportRow("Naming", phase, "", ["A"])])
    )
    response = client.post(
        reverse("raci:import_upload", args=[editor.workspace.slug]),
        {"name": "Fuzz", "file": SimpleUploadedFile("f.csv", data)},
    )
    assert response.status_code in (302, 422)
    job = MatrixImport.objects.first()
    if job is None:
        return
    import_parse(job)
    assert job.status in ("preview", "invalid")
    if job.status == "invalid":
        assert all(e["message"] for e in job.summary["errors"])
    else:
        assert len(job.summary["new_phases"]) <= 1
    assert client.get(reverse("raci:import", args=[editor.workspace.slug, job.pk])).status_code == 200


def test_the_preview_says_where_each_phase_of_the_file_goes(client, editor, django_capture_on_commit_callbacks):
    data = (
        b"Activity,Phase,PM,PMM\n"
        b"Interviews,Discovery,A,R\n"
        b"Launch plan,GTM,C,A\n"
        b"Roadmap,Strategy,A,C\n"
        b"Beta program,Alpha,A,I\n"
        b"Misc,,A,\n"
    )
    response = _upload(client, editor, "phases.csv", data, django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get(new_name="Imported")
    assert [(p["from"], p["to"], p["how"]) for p in job.summary["phase_map"]] == [
        ("Discovery", "Insight/Discovery", "alias"),
        ("GTM", "Launch", "alias"),
        ("Strategy", "Strategy", "same"),
        ("Alpha", "Alpha", "new"),
        ("", "Unphased", "blank"),
    ]
    page = client.get(response["Location"]).content.decode()
    moves = page[page.index('id="phase-map"') :]
    assert (
        '<span class="pill">GTM</span> <span aria-hidden="true">→</span><span class="vh"> goes to</span> <strong>Launch</strong>'
        in moves
    )
    assert '<span class="pill team">Alpha</span> <span class="muted small">a new phase of the team' in moves
