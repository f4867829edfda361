"""Import and export: previewed first, saved whole or not at all, and round trips."""

import pytest
from django.urls import reverse

from raci import services, tabular
from raci.importing import export_table
from raci.models import Activity, ChangeEvent, Matrix, MatrixImport
from raci.selectors import matrix_grid
from tests.factories import build_matrix
from tests.fixtures import EXAMPLES
from workspaces import services as workspaces_services
from workspaces.models import Role

pytestmark = pytest.mark.django_db


def upload(client, member, name, data, *, matrix=None, new_name="Imported", capture=None):
    url = reverse("raci:import_upload", args=[member.workspace.slug])
    if matrix is not None:
        url += f"?matrix={matrix.slug}"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post(url, {"name": new_name, "file": SimpleUploadedFile(name, data)})
    return response


def confirm(client, member, job, capture):
    with capture(execute=True):
        return client.post(reverse("raci:import_confirm", args=[member.workspace.slug, job.pk]))


def test_team_spreadsheet_is_previewed_with_its_findings_then_saved(client, editor, django_capture_on_commit_callbacks):
    data = (EXAMPLES / "team-spreadsheet.csv").read_bytes()
    response = upload(client, editor, "team.csv", data, capture=django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    assert job.status == "preview" and not Matrix.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Preview: 7 activities × 4 roles" in page and "idle-role" in page and "overloaded-role" not in page
    assert "Product Manager → PM (new role)" in page
    confirm(client, editor, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done"
    grid = matrix_grid(matrix=job.result)
    assert [c.name for c in grid.columns] == ["Product Manager", "Product Marketing", "Engineering Lead", "Sales"]
    assert {f.rule for f in grid.findings} == {"idle-role"}
    assert ChangeEvent.objects.filter(matrix=job.result, kind="import").count() == 1
    assert "Open Imported" in client.get(response["Location"]).content.decode()


def test_broken_file_lists_every_error_with_row_column_and_value_and_saves_nothing(
    client, editor, django_capture_on_commit_callbacks
):
    data = (EXAMPLES / "broken.csv").read_bytes()
    response = upload(client, editor, "broken.csv", data, capture=django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get()
    assert job.status == "invalid"
    page = client.get(response["Location"]).content.decode()
    assert "The file has 2 errors; nothing was saved" in page
    assert "<code>Consulted</code>" in page and "<code>A/R/C</code>" in page
    assert "Import 2 activities" not in page
    assert confirm(client, editor, job, django_capture_on_commit_callbacks).status_code == 302
    assert not Matrix.objects.exists() and not Role.objects.exists()


def test_a_refused_file_offers_the_upload_again_with_its_name(client, editor, django_capture_on_commit_callbacks):
    data = (EXAMPLES / "broken.csv").read_bytes()
    response = upload(
        client, editor, "team roster.csv", data, new_name="Roster", capture=django_capture_on_commit_callbacks
    )
    page = client.get(response["Location"]).content.decode()
    again = page[page.index('class="card upload-again"') :]
    again = again[: again.index("</form>")]
    assert "Upload “team roster.csv” again" in again
    assert f'action="{reverse("raci:import_upload", args=[editor.workspace.slug])}"' in again
    assert 'type="file" name="file"' in again and 'value="Roster"' in again
    # The form works: the corrected file goes through the same preview.
    fixed = upload(
        client,
        editor,
        "team roster.csv",
        b"Activity,PM\nNaming,A/R\n",
        new_name="Roster",
        capture=django_capture_on_commit_callbacks,
    )
    assert MatrixImport.objects.get(pk=fixed["Location"].rstrip("/").split("/")[-1]).status == "preview"


def test_a_refused_file_for_a_matrix_is_uploaded_again_into_that_matrix(
    client, editor, django_capture_on_commit_callbacks
):
    matrix, _, _ = build_matrix(editor.workspace, activities=3, roles=2)
    response = upload(
        client,
        editor,
        "grid.csv",
        (EXAMPLES / "broken.csv").read_bytes(),
        matrix=matrix,
        capture=django_capture_on_commit_callbacks,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Upload “grid.csv” again" in page and f"?matrix={matrix.slug}" in page
    assert 'id="reimport-name"' not in page


def test_a_file_that_could_not_be_read_offers_the_upload_again(client, editor):
    job = MatrixImport.objects.create(
        workspace=editor.workspace,
        created_by=editor.user,
        filename="q3 <plan>.xlsx",
        data=b"",
        new_name="Q3",
        status="failed",
        failure="The file could not be read.",
    )
    page = client.get(reverse("raci:import", args=[editor.workspace.slug, job.pk])).content.decode()
    assert "The file could not be read." in page and "Upload “q3 &lt;plan&gt;.xlsx” again" in page


def test_a_previewed_file_does_not_offer_the_upload_again(client, editor, django_capture_on_commit_callbacks):
    response = upload(
        client, editor, "ok.csv", b"Activity,PM\nNaming,A/R\n", capture=django_capture_on_commit_callbacks
    )
    assert "upload-again" not in client.get(response["Location"]).content.decode()


def test_two_owners_are_flagged_not_refused(client, editor, django_capture_on_commit_callbacks):
    data = (EXAMPLES / "two-owners.csv").read_bytes()
    upload(client, editor, "two.csv", data, capture=django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get()
    assert job.status == "preview" and job.summary["counts"]["error"] == 1
    assert job.summary["findings"][0]["rule"] == "multiple-accountable"


def test_a_png_called_csv_is_refused_in_place(client, editor, django_capture_on_commit_callbacks):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    upload(client, editor, "matrix.csv", png, capture=django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get()
    assert job.status == "invalid" and "CSV" in job.summary["errors"][0]["message"]


def test_an_oversized_upload_is_refused_before_it_is_read(client, editor):
    url = reverse("raci:import_upload", args=[editor.workspace.slug])
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.csv", b"Activity,PM\n" + b"x" * (10 * 1024 * 1024))
    response = client.post(url, {"name": "Big", "file": big}, follow=True)
    assert "The file is larger than 10 MB, the most an import takes. Nothing was changed." in response.content.decode()
    assert not MatrixImport.objects.exists()


def test_a_duplicate_matrix_name_is_refused_before_upload(client, editor, django_capture_on_commit_callbacks):
    services.matrix_create(workspace=editor.workspace, name="Core", actor=editor.user)
    response = upload(
        client, editor, "a.csv", b"Activity,PM\nX,A/R\n", new_name="core", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302 and not MatrixImport.objects.exists()


def test_importing_into_a_matrix_replaces_its_contents_and_keeps_history(
    client, editor, django_capture_on_commit_callbacks
):
    matrix, _, _ = build_matrix(editor.workspace, activities=3, roles=2)
    upload(
        client,
        editor,
        "n.csv",
        b"Activity;Phase;PM\nNaming;Launch;A/R\n",
        matrix=matrix,
        capture=django_capture_on_commit_callbacks,
    )
    job = MatrixImport.objects.get()
    confirm(client, editor, job, django_capture_on_commit_callbacks)
    assert list(Activity.objects.filter(matrix=matrix).values_list("name", flat=True)) == ["Naming"]
    event = ChangeEvent.objects.get(matrix=matrix, kind="import")
    assert event.before["activities"] == 3 and event.after["activities"] == 1
    matrix.refresh_from_db()
    assert matrix.counts == matrix_grid(matrix=matrix).counts


def test_a_confirmed_import_is_not_applied_twice(client, editor, django_capture_on_commit_callbacks):
    from raci.tasks import apply_import

    upload(client, editor, "a.csv", b"Activity,PM\nX,A/R\n", capture=django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get()
    confirm(client, editor, job, django_capture_on_commit_callbacks)
    apply_import(job.pk)
    assert Matrix.objects.count() == 1 and Activity.objects.count() == 1


def _round_trip(editor, fmt):
    tricky = 'Préparation — 東京, "quoted"'
    matrix, acts, roles = build_matrix(editor.workspace, activities=3, roles=3)
    services.activity_update(
        matrix=matrix,
        activity_id=acts[0].pk,
        name=tricky,
        phase="launch",
        description='Line one\nLine two, with "quotes"',
        actor=editor.user,
    )
    workspaces_services.role_update(
        workspace=editor.workspace, role_id=roles[1].pk, name="Ventes & Co", code="VENTES", description=""
    )
    table = export_table(matrix)
    data = tabular.write_csv(table) if fmt == "csv" else tabular.write_xlsx(table)
    return matrix, data


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_matrix(client, editor, fmt, django_capture_on_commit_callbacks):
    matrix, data = _round_trip(editor, fmt)
    upload(client, editor, f"m.{fmt}", data, new_name="Copy", capture=django_capture_on_commit_callbacks)
    job = MatrixImport.objects.get()
    assert job.status == "preview", job.summary
    confirm(client, editor, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    a, b = matrix_grid(matrix=matrix), matrix_grid(matrix=job.result)
    shape = lambda g: ([(x.name, x.phase, x.description) for x in g.activities], [c.role_id for c in g.columns])  # noqa: E731
    assert shape(a) == shape(b)

    def letters(g):
        return {
            (x.name, c.code): g.cells.get((x.id, c.role_id), ("", 0))[0]  # noqa: E731
            for x in g.activities
            for c in g.columns
        }

    assert letters(a) == letters(b)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_downloads(client, editor, fmt):
    matrix, _ = _round_trip(editor, fmt)
    response = client.get(reverse("raci:export", args=[matrix.workspace.slug, matrix.slug, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{matrix.slug}.{fmt}"'
    parsed = tabular.parse_upload(response.content, f"x.{fmt}")
    assert parsed.ok and len(parsed.activities) == 3


def test_headers_name_workspace_roles_by_code_name_or_unique_name_prefix(editor):
    from raci.importing import _role_plan

    workspaces_services.role_create(workspace=editor.workspace, name="Product Manager", code="PM")
    workspaces_services.role_create(workspace=editor.workspace, name="Product Marketing Manager", code="PMM")
    plan = _role_plan(editor.workspace, ["pm", "Product Marketing", "Engineering Lead", "Sales"])
    assert [(p["code"], p["new"]) for p in plan] == [("PM", False), ("PMM", False), ("EL", True), ("SALES", True)]
