"""The launch page names roles and people one way, from one source; a role nobody holds is
named as such with a one-step "who holds this?"; the checklist follows the matrix after a
change without a re-plan; a role nobody holds tells the admins and the launch's owners."""

import pytest
from django.urls import reverse

from launches import services
from launches.models import Launch, ReadinessItem
from notifications.models import Notification
from raci import services as raci_services
from raci.models import Activity, Cell
from tests.launches.conftest import OWNER_LETTERS, TIER_1_SCORES, make_launch, owners_matrix
from workspaces.models import RoleHolder

pytestmark = pytest.mark.django_db


def _url(launch, name="launch"):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk])


def _tier_one(ws, cycle, people, **kwargs):
    launch = make_launch(cycle, people, **kwargs)
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    services.launch_set_tier(launch=launch, tier=1, actor=people["admin"])
    return launch


def test_the_header_and_the_checklist_name_the_launch_s_pmm_owner_the_same_way(client, team):
    """The PMM role has no holder, but the launch has a PMM owner: everywhere on the page
    it is "PMM · <owner>", never "PMM (nobody)" beside "PMM · <owner>"."""
    ws, cycle, people = team
    owners_matrix(ws)
    RoleHolder.objects.filter(role__code="PMM").delete()
    launch = _tier_one(ws, cycle, {"PM": people["PM"], "PMM": people["PMM"], "admin": people["admin"]})
    client.force_login(people["PMM"].user)
    body = client.get(_url(launch)).content.decode()
    sam = f"PMM · {people['PMM'].display_name}"
    assert "(nobody)" not in body
    raci_card = body[body.index('class="card launch-raci"') : body.index('id="checklist"')]
    assert sam in raci_card
    checklist = body[body.index('id="checklist"') : body.index('id="go"')]
    assert sam in checklist
    assert "nobody holds this role" not in body and "Who holds this?" not in body


def test_the_status_line_names_each_owner_as_role_and_person(client, team):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = _tier_one(ws, cycle, {"PM": people["PM"], "PMM": people["PMM"], "admin": people["admin"]})
    client.force_login(people["PMM"].user)
    body = client.get(_url(launch)).content.decode()
    line = body[body.index('id="readiness"') :].split("</strong>", 1)[0]
    assert f"waiting on PM · {people['PM'].display_name}, PMM · {people['PMM'].display_name}, SUP · " in line
    assert "owners:" not in line


def test_a_role_nobody_holds_is_named_with_a_one_step_who_holds_this(client, team):
    ws, cycle, people = team
    owners_matrix(ws)
    RoleHolder.objects.filter(role__code="SUP").delete()
    launch = _tier_one(ws, cycle, {"PM": people["PM"], "PMM": people["PMM"], "admin": people["admin"]})
    docs = launch.items.get(key="support-docs")
    assert docs.owner_role.code == "SUP" and docs.owner_id is None

    client.force_login(people["PM"].user)  # an editor: told who can name the holder
    body = client.get(_url(launch)).content.decode()
    assert f'href="#who-holds-{docs.owner_role_id}">nobody holds this role' in body
    assert "Support): nobody holds this role." in body and "the role's page" in body
    assert "Holds SUP" not in body

    client.force_login(people["admin"].user)
    body = client.get(_url(launch)).content.decode()
    assert "Holds SUP" in body
    response = client.post(
        reverse("workspaces:role_holder_add", args=[ws.slug, docs.owner_role_id]),
        {"holder": people["editor"].pk, "next": _url(launch) + "#checklist"},
    )
    assert response.status_code == 302 and response["Location"] == _url(launch) + "#checklist"
    docs.refresh_from_db()
    assert docs.owner == people["editor"]
    told = Notification.objects.get(user=people["editor"].user, kind="item_assigned")
    assert "yours" in told.title
    assert "nobody holds this role" not in client.get(_url(launch)).content.decode()


def test_naming_a_holder_is_for_admins_and_stays_on_this_site(client, team):
    ws, cycle, people = team
    role = RoleHolder.objects.get(role__code="SUP").role
    url = reverse("workspaces:role_holder_add", args=[ws.slug, role.pk])
    client.force_login(people["PM"].user)
    assert client.post(url, {"holder": people["PM"].pk}).status_code == 403
    client.force_login(people["admin"].user)
    response = client.post(url, {"holder": people["PM"].pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("workspaces:role_edit", args=[ws.slug, role.pk])
    assert set(role.holders.values_list("membership_id", flat=True)) == {people["SUP"].pk, people["PM"].pk}
    refused = client.post(url, {"holder": "999999"})
    assert refused.status_code == 302 and set(role.holders.values_list("membership_id", flat=True)) == {
        people["SUP"].pk,
        people["PM"].pk,
    }


def test_items_of_a_role_nobody_holds_tell_the_admins_and_the_launch_owners(team):
    ws, cycle, people = team
    owners_matrix(ws)
    RoleHolder.objects.filter(role__code="SUP").delete()
    launch = _tier_one(ws, cycle, {"PM": people["PM"], "PMM": people["PMM"], "admin": people["admin"]})
    told = Notification.objects.filter(kind="role_unheld")
    # The admin tiered the launch: the actor is never told of their own change.
    assert set(told.values_list("user_id", flat=True)) == {people["PM"].user_id, people["PMM"].user_id}
    notice = told.first()
    assert notice.title.startswith("Nobody holds SUP: 2 readiness items for") and notice.url.endswith(
        f"#who-holds-{launch.items.get(key='support-docs').owner_role_id}"
    )


def test_open_items_follow_the_matrix_after_a_change_without_a_replan(team):
    ws, cycle, people = team
    matrix = owners_matrix(ws)
    launch = _tier_one(ws, cycle, {"PM": people["PM"], "PMM": people["PMM"], "admin": people["admin"]})
    docs = launch.items.get(key="support-docs")
    assert docs.owner_role.code == "SUP"
    done = launch.items.get(key="support-macros")
    ReadinessItem.objects.filter(pk=done.pk).update(status="done")
    assert services.checklist_owners_follow() == 0  # nothing moved: nothing to do

    row = Activity.objects.get(matrix=matrix, template_key="launch-readiness")
    sup = Cell.objects.get(activity=row, role__code="SUP")
    raci_services.cell_set(
        matrix=matrix, activity_id=row.pk, role_id=sup.role_id, value="C", expected_version=sup.version, actor=None
    )
    pm = Cell.objects.get(activity=row, role__code="PM")
    matrix.refresh_from_db()
    raci_services.cell_set(
        matrix=matrix, activity_id=row.pk, role_id=pm.role_id, value="AR", expected_version=pm.version, actor=None
    )

    assert services.checklist_owners_follow() == 1  # support docs; support macros is done
    docs.refresh_from_db()
    done.refresh_from_db()
    assert docs.owner_role.code == "PM" and docs.owner == people["PM"]
    assert done.owner_role.code == "SUP"
    assert Notification.objects.filter(user=people["PM"].user, kind="item_assigned").exists()
    assert Launch.objects.get(pk=launch.pk).owners_seq == matrix.__class__.objects.get(pk=matrix.pk).last_seq
    assert services.checklist_owners_follow() == 0


def test_the_beat_schedule_runs_the_follow(team):
    from config.celery_app import app

    assert app.conf.beat_schedule["checklist-owners"]["task"] == "launches.tasks.checklist_owners_tick"
    assert OWNER_LETTERS["launch-readiness"][2]["SUP"] == "R"


def test_a_hostile_next_never_leaves_the_site_nor_breaks_the_answer(client, team):
    ws, _, people = team
    role = RoleHolder.objects.get(role__code="SUP").role
    url = reverse("workspaces:role_holder_add", args=[ws.slug, role.pk])
    client.force_login(people["admin"].user)
    for hostile in ("/x\r\nSet-Cookie: a=b", "//evil.example/", "/\x7f", "/" + "a" * 600, "javascript:alert(1)"):
        response = client.post(url, {"holder": people["PM"].pk, "next": hostile})
        assert response.status_code == 302
        assert response["Location"] == reverse("workspaces:role_edit", args=[ws.slug, role.pk])


def test_one_item_s_owners_are_the_checklist_s_owners_of_that_item(team):
    """An item's answer reads its owners for its own row (`item_owners_of`); they are what the
    whole checklist's read (`launch_owners_of`) says of it: owned, several R to choose from,
    nobody R or A, a row found by its name only, a row the matrix does not have."""
    from launches import selectors

    ws, cycle, people = team
    letters = dict(OWNER_LETTERS)
    letters["launch-readiness"] = ("Launch Readiness", "launch", {"PM": "R", "SUP": "R", "PMM": "C"})
    letters["launch-content"] = ("Launch Content, Channels & PR", "launch", {"PMM": "C", "PM": "I"})
    del letters["day-30-readout"]
    matrix = owners_matrix(ws, letters=letters)
    Activity.objects.filter(matrix=matrix, template_key="sales-cs-enablement").update(
        template_key="", name="sales/cs ENABLEMENT"
    )
    launch = _tier_one(ws, cycle, {"PM": people["PM"], "PMM": people["PMM"], "admin": people["admin"]})
    whole = selectors.launch_owners_of(launch=launch)
    items = selectors.checklist_of(launch=launch)
    states = set()
    for item in items:
        alone = selectors.item_owners_of(launch=launch, item=item)
        assert selectors.item_ownership(item, alone) == selectors.item_ownership(item, whole), item.key
        assert alone.matrix == whole.matrix and alone.from_default == whole.from_default
        states.add(selectors.item_ownership(item, whole).state)
    assert {"owned", "choose", "unowned", "missing"} <= states
