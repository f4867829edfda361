"""The matrix from a script: read it, write cells the HTTP way, fix a finding, undo, history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import tokens
from notifications.models import Webhook
from raci import selectors
from raci.models import Activity, ChangeEvent, Matrix
from tests.factories import build_matrix


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


pytestmark = pytest.mark.django_db


def _base(world):
    return f"/api/v1/w/{world['ws'].slug}/matrices/{world['matrix'].slug}"


def _cell(world, index=0):
    grid = selectors.matrix_grid(matrix=world["matrix"], check=False)
    activity, column = grid.activities[index], grid.columns[0]
    value, version = grid.cells.get((activity.id, column.role_id), ("", 0))
    return activity.id, column.role_id, value, version


def test_a_matrix_reads_with_its_cells_findings_and_version_as_etag(api, world):
    answer = api.call("get", _base(world), world["tokens"][("viewer", "read")])
    assert answer.status_code == 200
    body = answer.json()
    assert answer["ETag"] == f'"v{body["version"]}"'
    assert body["activities"] and body["columns"] and body["cells"]
    assert body["counts"] == {
        "errors": world["matrix"].errors,
        "warnings": world["matrix"].warnings,
        "infos": world["matrix"].infos,
    }


def test_a_cell_write_with_its_etag_saves_and_records_the_token_in_the_history(api, world):
    a, r, value, version = _cell(world)
    secret = world["tokens"][("editor", "write")]
    read = api.call("get", f"{_base(world)}/cells/{a}/{r}", secret)
    new = "I" if value != "I" else "C"
    answer = api.call("put", f"{_base(world)}/cells/{a}/{r}", secret, {"value": new}, if_match=read["ETag"])
    assert answer.status_code == 200, answer.content
    assert answer.json()["value"] == new and answer["ETag"] == f'"v{version + 1}"'
    event = ChangeEvent.objects.filter(matrix=world["matrix"], kind="cell").order_by("-seq").first()
    assert event.actor == world["editor"].user and event.via == "API (editor write)"


def test_a_stale_cell_write_answers_412_with_the_letter_now_and_who_changed_it(api, world):
    a, r, value, version = _cell(world)
    admin = world["tokens"][("admin", "write")]
    api.call("put", f"{_base(world)}/cells/{a}/{r}", admin, {"value": "I" if value != "I" else "C", "version": version})
    answer = api.call(
        "put",
        f"{_base(world)}/cells/{a}/{r}",
        world["tokens"][("editor", "write")],
        {"value": "R"},
        if_match=f'"v{version}"',
    )
    assert answer.status_code == 412
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["current"]["version"] == version + 1
    assert problem["changed_by"] == (world["admin"].user.first_name or world["admin"].user.username)


def test_a_cell_write_that_says_no_version_answers_428(api, world):
    a, r, _, _ = _cell(world)
    answer = api.call("put", f"{_base(world)}/cells/{a}/{r}", world["tokens"][("editor", "write")], {"value": "R"})
    assert answer.status_code == 428


def test_a_bad_letter_is_a_field_error(api, world):
    a, r, _, version = _cell(world)
    answer = api.call(
        "put", f"{_base(world)}/cells/{a}/{r}", world["tokens"][("editor", "write")], {"value": "Q", "version": version}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "value"


def test_a_read_token_never_writes_even_an_admins(api, world):
    a, r, _, version = _cell(world)
    answer = api.call(
        "put", f"{_base(world)}/cells/{a}/{r}", world["tokens"][("admin", "read")], {"value": "R", "version": version}
    )
    assert answer.status_code == 403


def test_a_fix_applies_through_the_api_and_undoes_as_one_group(api, world):
    secret = world["tokens"][("editor", "write")]
    base = _base(world)
    grid = selectors.matrix_grid(matrix=world["matrix"], check=False)
    a, role = grid.activities[0].id, grid.columns
    # Two accountable roles on the first activity: an error whose fix is one click.
    matrix = Matrix.objects.get(pk=world["matrix"].pk)
    for column in role[:2]:
        version = selectors.matrix_grid(matrix=matrix, check=False).cells.get((a, column.role_id), ("", 0))[1]
        assert (
            api.call(
                "put", f"{base}/cells/{a}/{column.role_id}", secret, {"value": "A", "version": version}
            ).status_code
            == 200
        )
    findings = api.call("get", f"{base}/findings", secret).json()
    two = next(f for f in findings if f["rule"] == "multiple-accountable" and f["activity_id"] == a)
    assert two["fixes"]
    since = api.call("get", base, secret).json()["version"]
    fixed = api.call(
        "post",
        f"{base}/findings/fix",
        secret,
        {"rule": two["rule"], "activity_id": a, "code": two["fixes"][0]["code"], "since": since},
    )
    assert fixed.status_code == 200, fixed.content
    group = fixed.json()["group"]
    assert not any(
        f["rule"] == "multiple-accountable" and f["activity_id"] == a
        for f in api.call("get", f"{base}/findings", secret).json()
    )
    undone = api.call("post", f"{base}/history/groups/{group}/undo", secret)
    assert undone.status_code == 200 and undone.json()["label"].startswith("Undo")
    assert any(
        f["rule"] == "multiple-accountable" and f["activity_id"] == a
        for f in api.call("get", f"{base}/findings", secret).json()
    )


def test_history_pages_by_sequence_number_without_gaps_or_repeats(api, world):
    secret = world["tokens"][("viewer", "read")]
    seen, after = [], 0
    while after is not None:
        page = api.call("get", f"{_base(world)}/history?after={after}&limit=7", secret).json()
        seen += [c["seq"] for c in page["changes"]]
        after = page["next_after"]
    assert seen == sorted(set(seen)) and seen == list(
        ChangeEvent.objects.filter(matrix=world["matrix"]).order_by("seq").values_list("seq", flat=True)
    )


def test_activities_are_added_renamed_with_if_match_and_removed(api, world):
    secret = world["tokens"][("editor", "write")]
    base = _base(world)
    made = api.call("post", f"{base}/activities", secret, {"name": "Pricing page", "phase": "launch"})
    assert made.status_code == 201, made.content
    activity = made.json()
    renamed = api.call(
        "patch",
        f"{base}/activities/{activity['id']}",
        secret,
        {"name": "Pricing pages"},
        if_match=f'"v{activity["version"]}"',
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Pricing pages"
    stale = api.call(
        "patch", f"{base}/activities/{activity['id']}", secret, {"name": "Older"}, if_match=f'"v{activity["version"]}"'
    )
    assert stale.status_code == 412
    assert api.call("delete", f"{base}/activities/{activity['id']}", secret).status_code == 204
    assert not Activity.objects.filter(pk=activity["id"]).exists()


def test_a_matrix_is_made_from_the_default_template(api, world):
    secret = world["tokens"][("editor", "write")]
    template = next(
        t for t in api.call("get", f"/api/v1/w/{world['ws'].slug}/templates", secret).json() if t["builtin"]
    )
    made = api.call(
        "post", f"/api/v1/w/{world['ws'].slug}/matrices", secret, {"name": "Q3 launch", "template": template["slug"]}
    )
    assert made.status_code == 201, made.content
    assert made.json()["activities"]
    assert ChangeEvent.objects.get(matrix__slug=made.json()["slug"], kind="matrix.create").via == "API (editor write)"


def test_who_owns_finds_an_activity_by_a_misspelled_name(api, world):
    grid = selectors.matrix_grid(matrix=world["matrix"])
    target = next(a for a in grid.activities if len(a.name) > 8)
    typo = target.name.lower()[:-1] + ("x" if target.name[-1] != "x" else "y")
    answer = api.call(
        "get", f"/api/v1/w/{world['ws'].slug}/who-owns?q={typo}", world["tokens"][("viewer", "read")]
    ).json()
    assert answer["outcome"] in ("found", "ambiguous")
    if answer["outcome"] == "found":
        assert answer["activity"]["id"] == target.id and answer["url"].endswith(f"#row-{target.id}")
    else:
        assert target.id in [c["id"] for c in answer["candidates"]]


def test_token_secrets_never_show_in_the_matrix_answer(api, world):
    secret = world["tokens"][("admin", "read")]
    assert secret not in api.call("get", _base(world), secret).content.decode()
    assert tokens.digest_of(secret) not in api.call("get", _base(world), secret).content.decode()


def test_the_history_page_says_a_change_came_through_the_api_and_which_token(api, world, client):
    a, r, value, version = _cell(world)
    secret = world["tokens"][("editor", "write")]
    api.call(
        "put", f"{_base(world)}/cells/{a}/{r}", secret, {"value": "I" if value != "I" else "C", "version": version}
    )
    client.force_login(world["viewer"].user)
    page = client.get(f"/w/{world['ws'].slug}/matrices/{world['matrix'].slug}/history/").content.decode()
    assert "via API (editor write)" in page


def test_a_cell_write_through_the_api_costs_as_many_queries_at_any_matrix_size(api, world):
    secret = world["tokens"][("editor", "write")]
    counts = []
    for size, name in ((10, "Small"), (60, "Large")):
        matrix, activities, roles = build_matrix(world["ws"], activities=size, roles=6, name=name)
        a, r = activities[0].pk, roles[1].pk
        path = f"/api/v1/w/{world['ws'].slug}/matrices/{matrix.slug}/cells/{a}/{r}"
        version = api.call("get", path, secret).json()["version"]
        with CaptureQueriesContext(connection) as queries:
            answer = api.call("put", path, secret, {"value": "I", "version": version})
        assert answer.status_code == 200, answer.content
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


def test_an_admin_reads_the_webhook_without_its_secret(api, world):
    hook = Webhook.objects.create(workspace=world["ws"], url="https://hooks.example.com/x")
    answer = api.call("get", f"/api/v1/w/{world['ws'].slug}/settings", world["tokens"][("admin", "read")])
    assert answer.json()["webhook"] == {"url": "https://hooks.example.com/x", "active": True}
    assert hook.secret not in answer.content.decode()


def test_findings_accepted_on_purpose_are_reported_as_acknowledged_and_left_out_of_the_counts(api, world):
    secret = world["tokens"][("viewer", "read")]
    matrix = api.call("get", _base(world), secret).json()
    assert matrix["accepted"], "the default template accepts its consulted-only roles"
    accepted = matrix["accepted"][0]
    assert accepted["severity"] in ("warning", "info") and accepted["acknowledged"]["reason"]
    assert accepted not in matrix["findings"]
    counted = sum(matrix["counts"].values())
    assert counted == len(matrix["findings"])
    listed = api.call("get", f"{_base(world)}/findings", secret).json()
    marked = [f for f in listed if f["acknowledged"]]
    assert [(f["rule"], f["role_id"]) for f in marked] == [(a["rule"], a["role_id"]) for a in matrix["accepted"]]
    assert all(f["fixes"] == [] for f in marked)
