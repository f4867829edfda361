"""A whole workflow through the API alone, then the pages: a matrix from the default template,
a finding fixed, a launch created, scored and tiered, its readiness worked to ready, go
recorded; the pages show the same, with the API (and its token) as the actor in the history."""

import html

import pytest
from django.urls import reverse

from launches.models import GoDecision
from raci.models import ChangeEvent


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


pytestmark = pytest.mark.django_db


def test_a_launch_goes_from_the_default_template_to_go_through_the_api_alone(api, world, client):
    pm, pmm = world["tokens"][("editor", "write")], world["tokens"][("admin", "write")]
    base = f"/api/v1/w/{world['ws'].slug}"

    def call(method, path, secret=pm, body=None, expect=200, **headers):
        answer = api.call(method, base + path, secret, body, **headers)
        assert answer.status_code == expect, (method, path, answer.content)
        return answer.json() if answer.content else None

    # A matrix from the default template.
    templates = call("get", "/templates")
    default = next(t for t in templates if t["builtin"])
    matrix = call("post", "/matrices", body={"name": "Seats launch", "template": default["slug"]}, expect=201)
    m = f"/matrices/{matrix['slug']}"
    assert matrix["counts"]["errors"] == 0

    # A finding made and fixed: a second accountable on a row, then the fix on offer.
    row = matrix["activities"][0]
    letters = {(c["activity_id"], c["role_id"]): c for c in matrix["cells"]}
    column = next(
        c for c in matrix["columns"] if letters.get((row["id"], c["role_id"]), {}).get("value") not in ("A", "A/R")
    )
    cell = letters.get((row["id"], column["role_id"]), {"version": 0})
    call("put", f"{m}/cells/{row['id']}/{column['role_id']}", body={"value": "A", "version": cell["version"]})
    findings = call("get", f"{m}/findings")
    finding = next(f for f in findings if f["rule"] == "multiple-accountable" and f["activity_id"] == row["id"])
    version = call("get", m)["version"]
    fixed = call(
        "post",
        f"{m}/findings/fix",
        body={"rule": finding["rule"], "activity_id": row["id"], "code": finding["fixes"][0]["code"], "since": version},
    )
    assert fixed["changed"] >= 1
    after = call("get", m)
    assert after["counts"]["errors"] == 0
    assert not [f for f in after["findings"] if f["rule"] == "multiple-accountable"]

    # A launch: created, scored, tiered as suggested, confirmed by its two leads.
    call("post", "/cycles", body={"quarter": "2029-Q2"}, expect=201)
    launch = call(
        "post",
        "/cycles/2029-q2/launches",
        body={
            "name": "Seats",
            "pm_owner_id": world["editor"].pk,
            "pmm_owner_id": world["admin"].pk,
            "matrix": matrix["slug"],
            "ship_date": "2029-05-10",
            "launch_date": "2029-05-20",
        },
        expect=201,
    )
    url = f"/launches/{launch['id']}"
    scored = call("put", f"{url}/scores", body={"scores": [2, 2, 2, 2, 2, 2]})
    tiered = call("put", f"{url}/tier", body={"tier": scored["suggested_tier"]})
    assert tiered["tier_name"] == "Tier 2" and tiered["items"]
    call("post", f"{url}/tier/confirm", body={"lead": "PM"})
    call("post", f"{url}/tier/confirm", pmm, body={"lead": "PMM"})

    # Readiness worked to ready: every required item ticked, the metric agreed by the readout.
    refused = api.call("post", f"{base}{url}/go", pm, {"decision": "go"})
    assert refused.status_code == 422 and refused.json()["blockers"]
    for item in call("get", f"{url}/items"):
        if item["required"] and item["key"] != "metric":
            read = api.call("get", f"{base}{url}/items/{item['key']}", pm)
            call("patch", f"{url}/items/{item['key']}", body={"status": "done"}, if_match=read["ETag"])
    call("put", f"{url}/readout", body={"metric_name": "Seats sold", "metric_target": "500"})
    ready = call("get", url)
    assert ready["readiness"]["ready"] and ready["readiness"]["blockers"] == []

    go = call("post", f"{url}/go", body={"decision": "go", "notes": "All set"}, expect=201)
    assert go["decision"] == "go" and go["via"] == "API (editor write)"

    # The pages show the same, and name the API (and its token) as the actor.
    client.force_login(world["viewer"].user)
    ws, cycle = world["ws"].slug, "2029-q2"
    page = client.get(reverse("launches:launch", args=[ws, cycle, launch["id"]])).content.decode()
    assert "Seats" in page and "Tier 2" in page and "via API (editor write)" in page
    assert GoDecision.objects.get(launch_id=launch["id"]).decided_by == world["editor"].user
    board = client.get(reverse("launches:cycle", args=[ws, cycle])).content.decode()
    assert "Seats" in board
    history = client.get(reverse("raci:history", args=[ws, matrix["slug"]])).content.decode()
    assert "via API (editor write)" in history
    events = ChangeEvent.objects.filter(matrix__slug=matrix["slug"], matrix__workspace=world["ws"])
    fix_events = events.filter(group=fixed["group"])
    assert fix_events and all(e.via == "API (editor write)" and e.actor == world["editor"].user for e in fix_events)
    assert html.escape(fixed["label"]) in history
