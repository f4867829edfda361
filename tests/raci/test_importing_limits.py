"""Imports that could take the service down are refused, and exports cannot attack the
spreadsheet that opens them: through the upload, the import page and the export views."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from raci import services
from raci.models import Activity, Matrix, MatrixImport
from workspaces.models import Role

pytestmark = pytest.mark.django_db

LIMITS_TEXT = "up to 2,000 activities, 60 roles, 10 MB per file, and at most 60,000 cells"


@pytest.fixture
def upload(client, editor, django_capture_on_commit_callbacks):
    def send(name: str, data: bytes, *, matrix=None, new_name="Imported"):
        url = reverse("raci:import_upload", args=[editor.workspace.slug])
        if matrix is not None:
            url += f"?matrix={matrix.slug}"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"name": new_name, "file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302
        return MatrixImport.objects.order_by("-pk").first(), response

    return send


def csv_matrix(activities: int, roles: int, value: str) -> bytes:
    header = ",".join(["Activity", *(f"R{j}" for j in range(roles))])
    return ("\n".join([header, *(",".join([f"A{i}", *([value] * roles)]) for i in range(activities))]) + "\n").encode()


def test_a_file_past_the_activity_limit_is_invalid_naming_the_limit(client, editor, upload):
    job, response = upload("long.csv", b"Activity,PM\n" + b"".join(b"A%d,A\n" % i for i in range(100_000)))
    assert job.status == "invalid"
    assert job.summary["error_count"] == 1
    page = client.get(response["Location"]).content.decode()
    assert "The file has 1 error; nothing was saved" in page
    assert "The file has more than 2,000 activities, the most a matrix holds; reading stopped at row 2002." in page
    assert not Matrix.objects.exists() and not Role.objects.exists()


def test_the_import_page_shows_the_first_500_of_all_errors(client, editor, upload):
    job, response = upload("wrong.csv", csv_matrix(1_000, 60, "Q"))
    assert job.status == "invalid"
    assert len(job.summary["errors"]) == 500 and job.summary["error_count"] == 60_000
    assert len(json.dumps(job.summary)) < 200_000  # was 207 MB for 400,000 bad rows
    page = client.get(response["Location"]).content.decode()
    assert "The file has 60,000 errors; nothing was saved" in page
    assert "Showing the first 500 of 60,000." in page
    assert page.count("<code>Q</code>") == 500


def test_a_few_errors_are_all_shown_without_a_count_line(client, editor, upload):
    job, response = upload("two.csv", b"Activity,PM\nOne,Q\nTwo,Z\n")
    page = client.get(response["Location"]).content.decode()
    assert "The file has 2 errors; nothing was saved" in page and "Showing the first" not in page


def test_an_import_page_from_before_errors_were_counted_still_shows(client, editor, upload):
    job, response = upload("two.csv", b"Activity,PM\nOne,Q\nTwo,Z\n")
    del job.summary["error_count"]
    job.save(update_fields=["summary"])
    assert "The file has 2 errors; nothing was saved" in client.get(response["Location"]).content.decode()


def test_a_zip_bomb_upload_is_invalid_and_saves_nothing(client, editor, upload):
    workbook = Workbook()
    workbook.active.append(["Activity", "PM"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w") as stream:
                stream.write(source.read(info))
                for _ in range(60):
                    stream.write(b" " * (1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    job, response = upload("bomb.xlsx", bomb.getvalue())
    assert job.status == "invalid"
    assert "once unpacked" in client.get(response["Location"]).content.decode()
    assert not Matrix.objects.exists()


def test_the_limits_are_shown_before_uploading(client, editor):
    page = client.get(reverse("raci:matrix_new", args=[editor.workspace.slug])).content.decode()
    assert LIMITS_TEXT in page
    matrix = services.matrix_create(workspace=editor.workspace, name="Core", actor=editor.user)
    page = client.get(reverse("raci:matrix", args=[editor.workspace.slug, matrix.slug])).content.decode()
    assert LIMITS_TEXT in page


# ---------------------------------------------------------------- CSV injection through export


HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)"]


def hostile_matrix(member):
    matrix = services.matrix_create(workspace=member.workspace, name="Hostile", actor=member.user)
    role = services.column_add(matrix=matrix, name="@Ops lead", code="=OPS", actor=member.user)
    for name in HOSTILE:
        activity = services.activity_add(matrix=matrix, name=name, phase="launch", description=name, actor=member.user)
        services.cell_set(
            matrix=matrix, activity_id=activity.pk, role_id=role.pk, value="A/R", expected_version=0, actor=member.user
        )
    return matrix


def test_csv_export_quotes_formulas_and_imports_back_to_the_same_names(client, editor, upload):
    matrix = hostile_matrix(editor)
    response = client.get(reverse("raci:export", args=[editor.workspace.slug, matrix.slug, "csv"]))
    text = response.content.decode()
    assert text.splitlines()[0] == "Activity,Phase,Description,'=OPS"
    unquoted = text.replace('"', "").replace("\r", "")
    for name in HOSTILE:
        assert "\n'" + name.replace('"', "") in unquoted
    job, _ = upload("hostile.csv", response.content, new_name="Again")
    assert job.status == "preview", job.summary.get("errors")
    assert [row[0] for row in job.summary["rows"]] == HOSTILE
    assert [r["code"] for r in job.summary["roles"]] == ["=OPS"]


def test_xlsx_export_has_no_formulas_and_imports_back_to_the_same_names(client, editor, upload):
    matrix = hostile_matrix(editor)
    response = client.get(reverse("raci:export", args=[editor.workspace.slug, matrix.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    job, _ = upload("hostile.xlsx", response.content, matrix=matrix)
    assert job.status == "preview", job.summary.get("errors")
    client.post(reverse("raci:import_confirm", args=[editor.workspace.slug, job.pk]))
    assert list(Activity.objects.filter(matrix=matrix).order_by("order").values_list("name", "description")) == [
        (name, name) for name in HOSTILE
    ]
