"""Templates through the API: read one with where each letter comes from; a matrix compared
with its template, and a drifted row reset to the template's letters."""

import pytest

from raci import selectors
from raci.models import ChangeEvent, Template

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _ws(world):
    return f"/api/v1/w/{world['ws'].slug}"


def test_a_template_reads_with_its_letters_and_their_sources(api, world):
    template = Template.objects.get(workspace__isnull=True, is_default=True)
    answer = api.call("get", f"{_ws(world)}/templates/{template.slug}", world["tokens"][("viewer", "read")])
    assert answer.status_code == 200
    body = answer.json()
    assert body["builtin"] and body["stage"] == template.stage
    assert len(body["activities"]) == template.activities.count()
    sourced = [a for a in body["activities"] if a["sources"]]
    assert sourced and all(set(a["sources"]) <= set(a["letters"]) | {r["code"] for r in body["roles"]} for a in sourced)
    first = template.activities.exclude(sources={}).first()
    row = next(a for a in body["activities"] if a["name"] == first.name)
    assert row["sources"] == {k.upper(): v for k, v in first.sources.items()}
    missing = api.call("get", f"{_ws(world)}/templates/no-such-template", world["tokens"][("viewer", "read")])
    assert missing.status_code == 404


def test_a_drifted_row_shows_in_the_compare_and_a_reset_brings_the_templates_letters_back(api, world):
    base = f"{_ws(world)}/matrices/{world['matrix'].slug}"
    secret = world["tokens"][("editor", "write")]
    grid = selectors.matrix_grid(matrix=world["matrix"], check=False)
    activity, column = grid.activities[0], grid.columns[0]
    value, version = grid.cells.get((activity.id, column.role_id), ("", 0))
    new = "I" if value != "I" else "C"
    api.call("put", f"{base}/cells/{activity.id}/{column.role_id}", secret, {"value": new, "version": version})
    compare = api.call("get", f"{base}/template", world["tokens"][("viewer", "read")]).json()
    row = next(r for r in compare["rows"] if r["activity_id"] == activity.id)
    assert row["kind"] == "changed" and compare["differing"] >= 1
    cell = next(c for c in row["cells"] if c["code"] == column.code.upper())
    assert cell["differs"] and cell["matrix"] == new
    stale = api.call("post", f"{base}/template/rows/{activity.id}/reset", secret, {"since": 0})
    assert stale.status_code == 409
    reset = api.call("post", f"{base}/template/rows/{activity.id}/reset", secret, {"since": compare["since"]})
    assert reset.status_code == 200, reset.content
    after = api.call("get", f"{base}/template", secret).json()
    assert next(r for r in after["rows"] if r["activity_id"] == activity.id)["kind"] == "same"
    events = ChangeEvent.objects.filter(matrix=world["matrix"], group=reset.json()["group"])
    assert events and all(e.via == "API (editor write)" for e in events)
