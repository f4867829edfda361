"""Spreadsheets through the API: upload, the preview with every error by row, column and
value and the phases mapped, confirm, poll until done; export as the page downloads it."""

import io

import openpyxl
import pytest

from raci import selectors
from raci.models import ChangeEvent, Matrix
from tests.api.conftest import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _ws(world):
    return f"/api/v1/w/{world['ws'].slug}"


def _upload(api, world, django_capture_on_commit_callbacks, content, filename="team.csv", **fields):
    with django_capture_on_commit_callbacks(execute=True):
        made = api.call(
            "post",
            f"{_ws(world)}/imports",
            world["tokens"][("editor", "write")],
            Upload(fields, filename, content),
        )
    assert made.status_code == 202, made.content
    return api.call("get", f"{_ws(world)}/imports/{made.json()['id']}", world["tokens"][("editor", "read")]).json()


def test_a_file_with_errors_lists_each_by_row_column_and_value_and_saves_nothing(
    api, world, django_capture_on_commit_callbacks
):
    content = b"Activity,PM,PMM\nPricing,A,X\nNaming,Q,A\n"
    job = _upload(api, world, django_capture_on_commit_callbacks, content, name="Broken")
    assert job["status"] == "invalid" and job["error_count"] == 2
    assert [(e["row"], e["column"], e["value"]) for e in job["errors"]] == [(2, "PMM", "X"), (3, "PM", "Q")]
    refused = api.call("post", f"{_ws(world)}/imports/{job['id']}/confirm", world["tokens"][("editor", "write")])
    assert refused.status_code == 422
    assert not Matrix.objects.filter(workspace=world["ws"], name="Broken").exists()


def test_a_preview_maps_phases_and_roles_then_confirming_saves_it_in_the_background(
    api, world, django_capture_on_commit_callbacks
):
    content = b"Activity,Phase,PM,PMM,Legal\nPricing,GTM,C,A/R,\nContracts,Paperwork,,C,A/R\n"
    job = _upload(api, world, django_capture_on_commit_callbacks, content, name="From the sheet")
    assert job["status"] == "preview", job
    assert job["activities"] == 2 and job["errors"] == []
    assert {(p["text"], p["how"]) for p in job["phases"]} == {("GTM", "alias"), ("Paperwork", "new")}
    assert job["new_phases"] == ["Paperwork"]
    assert {r["header"]: r["new"] for r in job["roles"]}["Legal"] is True
    assert job["rows"][0][0] == "Pricing"
    secret = world["tokens"][("editor", "write")]
    with django_capture_on_commit_callbacks(execute=True):
        saving = api.call("post", f"{_ws(world)}/imports/{job['id']}/confirm", secret)
    assert saving.status_code == 202
    done = api.call("get", f"{_ws(world)}/imports/{job['id']}", secret).json()
    assert done["status"] == "done" and done["result"]
    matrix = Matrix.objects.get(workspace=world["ws"], slug=done["result"])
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    assert [a.name for a in grid.activities] == ["Pricing", "Contracts"]
    assert ChangeEvent.objects.filter(matrix=matrix, via="API (editor write)").exists()


def test_an_export_imports_back_into_the_same_matrix_as_xlsx(api, world, django_capture_on_commit_callbacks, client):
    secret = world["tokens"][("viewer", "read")]
    exported = api.call("get", f"{_ws(world)}/matrices/{world['matrix'].slug}/export?format=xlsx", secret)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(exported.content)).active["A1"].value == "Activity"
    csv = api.call("get", f"{_ws(world)}/matrices/{world['matrix'].slug}/export", secret)
    client.force_login(world["viewer"].user)
    page = client.get(f"/w/{world['ws'].slug}/matrices/{world['matrix'].slug}/export.csv")
    assert csv.content == page.content
    job = _upload(
        api, world, django_capture_on_commit_callbacks, exported.content, filename="m.xlsx", name="Round trip"
    )
    assert job["status"] == "preview", job["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        api.call("post", f"{_ws(world)}/imports/{job['id']}/confirm", world["tokens"][("editor", "write")])
    copy = Matrix.objects.get(workspace=world["ws"], name="Round trip")
    again = api.call("get", f"{_ws(world)}/matrices/{copy.slug}/export", secret)
    assert again.content == csv.content


def test_an_import_is_read_by_editors_only_and_in_its_own_workspace(api, world):
    url = f"{_ws(world)}/imports/{world['import'].pk}"
    assert api.call("get", url, world["tokens"][("viewer", "read")]).status_code == 403
    assert api.call("get", url, world["tokens"][("editor", "read")]).status_code == 200
    assert api.call("get", url, world["outsider_token"]).status_code == 404


def test_a_nul_in_an_uploads_fields_is_refused(api, world):
    refused = api.call(
        "post", f"{_ws(world)}/imports", world["tokens"][("editor", "write")], Upload({"name": "Bad\x00name"})
    )
    assert refused.status_code == 400
