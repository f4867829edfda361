"""Launches from a script: cycles, create, edit, score, tier and its confirmation, the
checklist ticked by key, go refused with every blocker, the readout, the quarter."""

from datetime import date

import pytest

from launches import selectors
from launches.models import GoDecision, Launch, ReadinessItem
from raci import selectors as raci_selectors
from raci import services as raci_services
from raci.models import Activity
from tests.api.conftest import token_for
from tests.factories import MembershipFactory
from tests.queries import assert_same_queries
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _ws(world):
    return f"/api/v1/w/{world['ws'].slug}"


def _launch_url(world, launch=None):
    return f"{_ws(world)}/launches/{(launch or world['launch']).pk}"


def test_a_quarter_opens_once_and_lists_with_its_launches(api, world):
    secret = world["tokens"][("editor", "write")]
    made = api.call("post", f"{_ws(world)}/cycles", secret, {"quarter": "2028-q3"})
    assert made.status_code == 201, made.content
    assert made.json()["slug"] == "2028-q3"
    again = api.call("post", f"{_ws(world)}/cycles", secret, {"quarter": "2028-Q3"})
    assert again.status_code == 422 and "already has a launch cycle" in again.json()["detail"]
    listed = api.call("get", f"{_ws(world)}/cycles", world["tokens"][("viewer", "read")]).json()
    assert {c["slug"]: c["launches"] for c in listed} == {"2028-q3": 0, "2027-q1": 2}


def test_a_launch_is_created_scored_and_tiered_as_the_rubric_suggests(api, world):
    secret = world["tokens"][("editor", "write")]
    made = api.call(
        "post",
        f"{_ws(world)}/cycles/2027-q1/launches",
        secret,
        {
            "name": "Seats API",
            "pm_owner_id": world["editor"].pk,
            "matrix": world["matrix"].slug,
            "ship_date": "2027-03-01",
            "launch_date": "2027-03-10",
        },
    )
    assert made.status_code == 201, made.content
    launch = made.json()
    assert launch["pm_owner"] == {"id": world["editor"].pk, "name": world["editor"].display_name}
    assert launch["matrix"] == world["matrix"].slug and launch["tier"] is None and launch["items"] == []
    unknown = api.call("post", f"{_ws(world)}/cycles/2027-q1/launches", secret, {"name": "X", "matrix": "nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "matrix"
    url = f"{_ws(world)}/launches/{launch['id']}"
    scored = api.call("put", f"{url}/scores", secret, {"scores": [3, 3, 3, 2, 2, 2]}).json()
    assert (scored["suggested_tier"], scored["suggested_tier_name"], scored["score_total"]) == (1, "Tier 1", 15)
    overridden = api.call("put", f"{url}/tier", secret, {"tier": 3})
    assert overridden.status_code == 422
    assert "The rubric suggests Tier 1" in overridden.json()["detail"]
    tiered = api.call("put", f"{url}/tier", secret, {"tier": 1})
    assert tiered.status_code == 200, tiered.content
    body = tiered.json()
    assert body["tier_name"] == "Tier 1" and body["needs_confirmation"]
    assert {i["key"] for i in body["items"]} == {
        i.key for i in ReadinessItem.objects.filter(launch_id=launch["id"])
    } and len(body["items"]) > 3
    assert Launch.objects.get(pk=launch["id"]).tiered_by_id == world["editor"].pk


def test_an_edit_keeps_what_it_does_not_name_and_a_stale_one_is_refused(api, world):
    secret = world["tokens"][("editor", "write")]
    read = api.call("get", _launch_url(world), secret)
    changed = api.call("patch", _launch_url(world), secret, {"launch_date": "2027-03-20"}, if_match=read["ETag"])
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["launch_date"] == "2027-03-20" and body["name"] == "Usage-based billing"
    assert body["pm_owner"]["id"] == world["editor"].pk
    support = next(i for i in body["items"] if i["key"] == "support-docs")
    assert support["due_date"] == "2027-03-13"  # a week before, as Tier 2 plans it
    stale = api.call("patch", _launch_url(world), secret, {"name": "Renamed"}, if_match=read["ETag"])
    assert stale.status_code == 412
    assert Launch.objects.get(pk=world["launch"].pk).name == "Usage-based billing"
    cleared = api.call("patch", _launch_url(world), secret, {"clear": ["launch_date"]}).json()
    assert cleared["launch_date"] is None


def test_only_the_launchs_own_leads_or_an_admin_confirm_and_two_leads_are_two_people(api, world):
    other = MembershipFactory(workspace=world["ws"], access=Access.EDITOR)
    refused = api.call("post", f"{_launch_url(world)}/tier/confirm", token_for(other), {"lead": "PM"})
    assert refused.status_code == 403
    pm = api.call("post", f"{_launch_url(world)}/tier/confirm", world["tokens"][("editor", "write")], {"lead": "PM"})
    assert pm.status_code == 200, pm.content
    assert pm.json()["confirmations"]["PM"]["by"]["id"] == world["editor"].pk
    twice = api.call(
        "post", f"{_launch_url(world)}/tier/confirm", world["tokens"][("editor", "write")], {"lead": "PMM"}
    )
    assert twice.status_code == 403
    pmm = api.call("post", f"{_launch_url(world)}/tier/confirm", world["tokens"][("admin", "write")], {"lead": "PMM"})
    assert pmm.json()["confirmations"]["PMM"]["confirmed_as"] == "owner"


def test_go_is_refused_with_every_blocker_the_launch_page_lists(api, world):
    secret = world["tokens"][("editor", "write")]
    answer = api.call("post", f"{_launch_url(world)}/go", secret, {"decision": "go"})
    assert answer.status_code == 422
    problem = answer.json()
    launch = Launch.objects.get(pk=world["launch"].pk)
    items = selectors.checklist_of(launch=launch)
    expected = selectors.readiness_of(launch=launch, items=items, today=world["ws"].today()).each
    assert [b["text"] for b in problem["blockers"]] == [b.text for b in expected]
    assert len(problem["blockers"]) > 3
    assert all(
        b["url"].endswith(e.anchor) and "/launches/2027-q1/" in b["url"] for b, e in zip(problem["blockers"], expected)
    )
    assert not GoDecision.objects.filter(launch=launch).exists()
    no_go = api.call("post", f"{_launch_url(world)}/go", secret, {"decision": "no_go", "notes": "Docs late"})
    assert no_go.status_code == 201 and no_go.json()["decision"] == "no_go"


def test_items_tick_and_untick_by_key_and_the_metric_item_follows_the_readout(api, world):
    secret = world["tokens"][("editor", "write")]
    item = f"{_launch_url(world)}/items/support-docs"
    ticked = api.call("patch", item, secret, {"status": "done", "evidence_url": "https://ci.example.com/run/7"})
    assert ticked.status_code == 200, ticked.content
    assert ticked.json()["status"] == "done" and ticked.json()["evidence_url"] == "https://ci.example.com/run/7"
    stale = api.call("patch", item, secret, {"status": "todo", "version": 1})
    assert stale.status_code == 412
    unticked = api.call("patch", item, secret, {"status": "todo"}, if_match=ticked["ETag"])
    assert unticked.status_code == 200 and unticked.json()["status"] == "todo"
    waived = api.call("patch", item, secret, {"status": "waived"})
    assert waived.status_code == 422 and waived.json()["errors"][0]["field"] == "waive_reason"
    metric = api.call("patch", f"{_launch_url(world)}/items/metric", secret, {"status": "done"})
    assert metric.status_code == 422 and "day-30 metric" in metric.json()["detail"]
    readout = api.call(
        "put", f"{_launch_url(world)}/readout", secret, {"metric_name": "Accounts activated", "metric_target": "40"}
    )
    assert readout.status_code == 200, readout.content
    body = readout.json()
    assert body["readout"]["metric_name"] == "Accounts activated"
    metric_items = [i for i in body["items"] if i["title"] == "Primary metric and target agreed"]
    assert metric_items and metric_items[0]["status"] == "done"


def test_an_item_whose_activity_has_several_r_takes_the_role_chosen(api, world):
    launch = Launch.objects.get(pk=world["launch"].pk)
    item = ReadinessItem.objects.get(launch=launch, key="support-docs")
    activity = Activity.objects.get(matrix=world["matrix"], template_key=item.activity_key)
    columns = list(world["matrix"].columns.select_related("role")[:2])
    cells = raci_selectors.matrix_grid(matrix=world["matrix"], check=False).cells
    for column in columns:
        raci_services.cell_set(
            matrix=world["matrix"],
            activity_id=activity.pk,
            role_id=column.role_id,
            value="R",
            expected_version=cells.get((activity.pk, column.role_id), ("", 0))[1],
            actor=world["admin"].user,
        )
    url = f"{_launch_url(world)}/items/{item.pk}"
    read = api.call("get", url, world["tokens"][("viewer", "read")]).json()
    assert read["ownership"]["state"] == "choose"
    assert {c["role_id"] for c in read["ownership"]["candidates"]} >= {c.role_id for c in columns}
    chosen = api.call("put", f"{url}/role", world["tokens"][("editor", "write")], {"role_id": columns[1].role_id})
    assert chosen.status_code == 200, chosen.content
    assert chosen.json()["owner_role"]["id"] == columns[1].role_id
    wrong = api.call(
        "put", f"{url}/role", world["tokens"][("editor", "write")], {"role_id": world["role_ids"][-1] + 999}
    )
    assert wrong.status_code == 422


def test_a_dependency_loop_is_refused_and_a_dependency_removed(api, world):
    secret = world["tokens"][("editor", "write")]
    loop = api.call(
        "post", f"{_launch_url(world, world['earlier'])}/dependencies", secret, {"before_id": world["launch"].pk}
    )
    assert loop.status_code == 422 and "loop" in loop.json()["detail"]
    gone = api.call("delete", f"{_launch_url(world)}/dependencies/{world['dependency'].pk}", secret)
    assert gone.status_code == 204
    assert api.call("get", _launch_url(world), secret).json()["dependencies"] == []


def test_the_quarter_lists_the_plans_warnings_and_the_workload_as_the_quarter_view(api, world, client):
    secret = world["tokens"][("viewer", "read")]
    api.call(
        "patch",
        _launch_url(world),
        world["tokens"][("editor", "write")],
        {"ship_date": "2027-03-20", "launch_date": "2027-03-20"},
    )
    api.call(
        "patch",
        _launch_url(world, world["earlier"]),
        world["tokens"][("editor", "write")],
        {"launch_date": "2027-03-25"},
    )
    quarter = api.call("get", f"{_ws(world)}/quarters/2027-q1", secret).json()
    codes = {(w["launch_id"], w["code"]) for w in quarter["warnings"]}
    assert (world["launch"].pk, "dependency-order") in codes
    work = api.call("get", f"{_ws(world)}/quarters/2027-q1/workload", secret).json()
    editor = next(p for p in work["people"] if p["member"]["id"] == world["editor"].pk)
    assert editor["counts"]["launches"] == 1 and "XPM" in editor["roles"]
    client.force_login(world["viewer"].user)
    page = client.get(f"/w/{world['ws'].slug}/launches/quarter/2027-q1/").content.decode()
    for warning in quarter["warnings"]:
        assert warning["message"].split("“")[0][:30] in page
    bad = api.call("get", f"{_ws(world)}/quarters/2027-q9", secret)
    assert bad.status_code == 422


def test_a_quarter_launched_nothing_yet_answers_empty(api, world):
    answer = api.call("get", f"{_ws(world)}/quarters/2031-q4", world["tokens"][("viewer", "read")])
    assert answer.status_code == 200 and answer.json()["cycle"] is None and answer.json()["warnings"] == []
    assert date.fromisoformat(answer.json()["start"]) == date(2031, 10, 1)


def test_the_board_and_a_launch_read_in_as_many_queries_for_5_launches_as_for_50(api, world):
    from launches import services as launch_services
    from launches.models import Dependency

    cycle = world["cycle"]
    secret = world["tokens"][("viewer", "read")]

    def grow(size):
        have = Launch.objects.filter(cycle=cycle).count()
        for n in range(have, size):
            made = launch_services.launch_create(
                cycle=cycle,
                name=f"Launch {n}",
                pm_owner_id=world["editor"].pk,
                launch_date=date(2027, 3, 1 + n % 28),
            )
            launch_services.launch_set_tier(launch=made, tier=2, reason="Grown by a test", actor=world["admin"])
            Dependency.objects.create(launch=world["launch"], before=made)
        # The token's first use of the minute records it (one write): not what is counted.
        api.call("get", _ws(world), secret)
        return size

    def board(_):
        return api.call("get", f"{_ws(world)}/cycles/{cycle.slug}", secret)

    assert_same_queries(grow, board, sizes=(5, 50), check=lambda answer, size: _launches(answer) == size)
    launch = f"{_launch_url(world)}"
    assert_same_queries(grow, lambda _: api.call("get", launch, secret), sizes=(5, 50))


def _launches(answer) -> int:
    assert answer.status_code == 200
    return len(answer.json()["launch_list"])
