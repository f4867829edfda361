"""The quarter and a matrix as slides through the API: a .pptx for any token that may read
the workspace, names hidden when asked, refusals as problem details."""

import io
from datetime import date

import pytest
from pptx import Presentation

from core import slides
from launches import services as launch_services
from tests.factories import hold


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


pytestmark = pytest.mark.django_db


def _text(answer) -> str:
    prs = Presentation(io.BytesIO(answer.content))
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                found += [c.text for r in shape.table.rows for c in r.cells]
            elif shape.has_text_frame:
                found.append(shape.text_frame.text)
    return "\n".join(found)


def _matrix_url(world):
    return f"/api/v1/w/{world['ws'].slug}/matrices/{world['matrix'].slug}/slides.pptx"


def _quarter_url(world, quarter="2027-q1"):
    return f"/api/v1/w/{world['ws'].slug}/quarters/{quarter}/slides.pptx"


def _holder(world):
    """The editor holds the matrix's first role."""
    role = world["matrix"].columns.order_by("order").first().role
    hold(role, world["editor"])
    return world["editor"].display_name


def test_a_read_token_gets_the_matrix_as_slides(api, world):
    name = _holder(world)
    answer = api.call("get", _matrix_url(world), world["tokens"][("viewer", "read")])
    assert answer.status_code == 200 and answer["Content-Type"] == slides.CONTENT_TYPE
    assert answer["Content-Disposition"] == f'attachment; filename="{world["matrix"].slug}.pptx"'
    text = _text(answer)
    assert world["matrix"].name in text and world["ws"].name in text
    assert name in text


def test_hide_names_leaves_the_holders_out(api, world):
    name = _holder(world)
    assert name in _text(api.call("get", _matrix_url(world), world["tokens"][("viewer", "read")]))
    answer = api.call("get", _matrix_url(world) + "?hide_names=true", world["tokens"][("viewer", "read")])
    assert answer.status_code == 200
    assert name not in _text(answer)


def test_a_read_token_gets_the_quarter_as_slides(api, world):
    launch_services.launch_create(cycle=world["cycle"], name="Dark mode", launch_date=date(2027, 2, 1))
    answer = api.call("get", _quarter_url(world), world["tokens"][("viewer", "read")])
    assert answer.status_code == 200 and answer["Content-Type"] == slides.CONTENT_TYPE
    assert answer["Content-Disposition"] == f'attachment; filename="{world["ws"].slug}-2027-q1.pptx"'
    assert "Dark mode" in _text(answer) and "2027-Q1 launches" in _text(answer)


@pytest.mark.parametrize("quarter", ["2027-q5", "nonsense", "1999-q1", "2101-Q1"])
def test_a_quarter_that_cannot_be_is_refused_as_a_problem(api, world, quarter):
    answer = api.call("get", _quarter_url(world, quarter), world["tokens"][("viewer", "read")])
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "quarter"


def test_an_unknown_matrix_is_404_and_a_bad_flag_422(api, world):
    secret = world["tokens"][("viewer", "read")]
    url = f"/api/v1/w/{world['ws'].slug}/matrices/no-such-matrix/slides.pptx"
    assert api.call("get", url, secret).status_code == 404
    assert api.call("get", _matrix_url(world) + "?hide_names=perhaps", secret).status_code == 422
