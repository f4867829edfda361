"""Every URL of the launches app, with every method, as outsider, viewer, editor and admin."""

from datetime import date
from importlib import import_module

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from launches import services
from launches.models import Dependency
from launches.services import relay as relay_services
from rituals import services as rituals_services
from tests.factories import MembershipFactory, UserFactory, build_team
from tests.launches.conftest import make_launch
from tests.module_rows import rows_for_the_module
from workspaces.models import Access

pytestmark = pytest.mark.django_db

V, E, A = Access.VIEWER, Access.EDITOR, Access.ADMIN
RANK = {"outsider": -1, V: 0, E: 1, A: 2}
METHODS = ("get", "post", "put", "patch", "delete")

TABLE = {
    "cycles": ({"get": V, "post": E}, ["ws"]),
    "rubric": ({"get": V, "post": A}, ["ws"]),
    "cycle": ({"get": V}, ["ws", "cycle"]),
    "live": ({"get": V}, ["ws", "cycle"]),
    "quarter_live": ({"get": V}, ["ws", "quarter"]),
    "launch_add": ({"post": E}, ["ws", "cycle"]),
    "launches_import": ({"post": E}, ["ws", "cycle"]),
    "launch": ({"get": V}, ["ws", "cycle", "launch_id"]),
    "launch_score": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "launch_tier": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "tier_confirm": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "item_update": ({"post": E}, ["ws", "cycle", "launch_id", "item_id"]),
    "item_role": ({"post": E}, ["ws", "cycle", "launch_id", "item_id"]),
    "item_from_template": ({"post": E}, ["ws", "cycle", "launch_id", "item_id"]),
    "checklist_owners": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "go_decision": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "launch_edit": ({"get": E, "post": E}, ["ws", "cycle", "launch_id"]),
    "launch_status": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "launch_channel": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "launch_move": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "launch_outcome": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "dependency_add": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "dependency_remove": ({"post": E}, ["ws", "cycle", "launch_id", "dependency_id"]),
    "calendar": ({"get": V}, ["ws", "cycle"]),
    "quarter_now": ({"get": V}, ["ws"]),
    "board_now": ({"get": V}, ["ws"]),
    "calendar_now": ({"get": V}, ["ws"]),
    "quarter": ({"get": V}, ["ws", "quarter"]),
    "load_limits": ({"post": A}, ["ws", "quarter"]),
    "preread": ({"get": V}, ["ws", "quarter"]),
    "quarter_slides": ({"get": V}, ["ws", "quarter"]),
    "preread_export": ({"get": V}, ["ws", "quarter", "fmt"]),
    "retrospective": ({"get": V}, ["ws", "cycle"]),
    "avoid_dates": ({"get": V, "post": E}, ["ws"]),
    "avoid_date_remove": ({"post": E}, ["ws", "avoid_id"]),
    "feed_regenerate": ({"post": A}, ["ws"]),
    "rituals": ({"get": V, "post": E}, ["ws"]),
    "ritual": ({"get": V}, ["ws", "ritual_id"]),
    "ritual_edit": ({"get": E, "post": E}, ["ws", "ritual_id"]),
    "ritual_pause": ({"post": E}, ["ws", "ritual_id"]),
    "ritual_delete": ({"get": E, "post": E}, ["ws", "ritual_id"]),
    "occurrence": ({"get": V}, ["ws", "ritual_id", "day"]),
    "occurrence_notes": ({"post": E}, ["ws", "ritual_id", "day"]),
    "occurrence_decision": ({"post": E}, ["ws", "ritual_id", "day"]),
    "occurrence_tier": ({"post": E}, ["ws", "ritual_id", "day", "launch_id"]),
    "launch_advance": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "driver_set": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "handover_accept": ({"post": E}, ["ws", "cycle", "launch_id", "handover_id"]),
    "checkpoint_answer": ({"post": E}, ["ws", "cycle", "launch_id"]),
    "handover_days": ({"post": A}, ["ws"]),
}
# The relay's writes are the people's own besides the access level: only the launch's
# owners (its driver, an admin) move it, only the person handed it accepts, only an owner
# answers the checkpoint; anyone else of the level is refused with 403.
PERSONAL = {"launch_advance", "driver_set", "handover_accept", "checkpoint_answer"}
# The feed is for calendar apps, which cannot sign in: its secret token is the key
# (test_views_calendar.py checks it). Every other URL is in TABLE.
PUBLIC = {"feed"}
# The cycle's stream checks access in a thread of its own, on its own connection, which
# cannot see this module's rows (they stay in one open transaction): it is checked on
# committed rows, through a real stream server, in tests/launches/test_views_live_stream.py.
CHECKED_ELSEWHERE = {"stream"}
REMOVERS = {"dependency_remove", "avoid_date_remove", "ritual_delete"}


URLCONFS = ("launches.urls", "rituals.urls")
NAMESPACE = {p.name: import_module(conf).app_name for conf in URLCONFS for p in get_resolver(conf).url_patterns}


def test_every_url_pattern_is_in_the_table():
    assert set(NAMESPACE) - CHECKED_ELSEWHERE == set(TABLE) | PUBLIC


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module; each test's requests (removals included) are rolled back
    after it, so every test meets the world as built."""
    yield from rows_for_the_module(django_db_blocker, _build_world)


def _build_world():
    ws, cycle, people = build_team()
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    other = make_launch(cycle, people, name="Before it")
    # Each remover gets a fresh row to remove: a successful remove would leave later methods a 404.
    values = {
        "ws": ws.slug,
        "cycle": cycle.slug,
        "quarter": "2027-q1",
        "fmt": "csv",
        "launch_id": launch.pk,
        "item_id": launch.items.first().pk,
        "dependency_id": services.dependency_add(launch=launch, before_id=other.pk).pk,
        "avoid_id": services.avoid_date_add(workspace=ws, name="Freeze", start=date(2027, 3, 1)).pk,
        "handover_id": relay_services.launch_advance(
            launch=launch, actor=people["PM"], to_member_id=people["PMM"].pk, note="n", expected_version=0
        ).pk,
    }
    ritual = rituals_services.rituals_seed_defaults(workspace=ws)[0]
    values.update(ritual_id=ritual.pk, day=ritual.next_date(timezone.localdate()).isoformat())
    users = {"outsider": UserFactory(), V: people["viewer"].user, E: people["editor"].user, A: people["admin"].user}
    return users, values


def _url(name, values):
    return reverse(f"{NAMESPACE[name]}:{name}", kwargs={k: values[k] for k in TABLE[name][1]})


@pytest.mark.parametrize("who", ["outsider", V, E, A])
@pytest.mark.parametrize("name", sorted(TABLE))
def test_access_is_checked_on_every_url_and_method(client, world, name, who):
    users, values = world
    needs = TABLE[name][0]
    url = _url(name, values)
    client.force_login(users[who])
    removed = False
    for method in METHODS:
        for headers in ({}, {"HX-Request": "true"}):
            status = getattr(client, method)(url, headers=headers).status_code
            assert status < 500, (method, url, status)
            if method not in needs:
                assert status == 405, (method, url, who, status)
            elif who == "outsider":
                assert status == 404, (method, url, status)
            elif RANK[who] < RANK[needs[method]]:
                assert status == 403, (method, url, who, status)
            elif name in PERSONAL and status == 403:
                continue
            elif name in REMOVERS and removed:
                assert status == 404, (method, url, who, status)  # the first request removed it
            else:
                assert status not in (403, 404, 405), (method, url, who, status)
                removed = name in REMOVERS and method != "get"  # a remover's GET only asks to confirm


def test_anonymous_users_are_sent_to_sign_in(client, world):
    _, values = world
    for name, (needs, _) in TABLE.items():
        response = getattr(client, next(iter(needs)))(_url(name, values))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_ids_from_another_workspace_give_404(client, world):
    _, values = world
    mine = MembershipFactory(access=A)
    my_cycle = services.cycle_create(workspace=mine.workspace, quarter="2027-Q1")
    my_launch = make_launch(my_cycle)
    client.force_login(mine.user)
    # My workspace and cycle in the path, the other workspace's launch and item ids.
    foreign = {
        "ws": mine.workspace.slug,
        "cycle": my_cycle.slug,
        "launch_id": values["launch_id"],
        "item_id": values["item_id"],
        "dependency_id": values["dependency_id"],
    }
    for name in (
        "launch",
        "launch_score",
        "launch_tier",
        "tier_confirm",
        "item_update",
        "go_decision",
        "launch_edit",
        "launch_status",
        "launch_channel",
        "launch_outcome",
        "dependency_add",
        "dependency_remove",
        "item_role",
        "item_from_template",
        "checklist_owners",
    ):
        for method in TABLE[name][0]:
            for headers in ({}, {"HX-Request": "true"}):
                response = getattr(client, method)(
                    _url(name, foreign), {"status": "done", "tier": "3", "reason": "x"}, headers=headers
                )
                assert response.status_code == 404, (name, method, response.status_code)
    # My own launch, another launch's checklist item.
    own = dict(foreign, launch_id=my_launch.pk)
    assert client.post(_url("item_update", own), {"status": "done"}).status_code == 404
    assert client.post(_url("item_role", own), {"role": "1"}).status_code == 404
    assert client.post(_url("item_from_template", own)).status_code == 404
    assert client.post(_url("dependency_remove", own)).status_code == 404
    # Another workspace's date to avoid; another workspace's launch as a dependency.
    assert (
        client.post(_url("avoid_date_remove", {"ws": mine.workspace.slug, "avoid_id": values["avoid_id"]})).status_code
        == 404
    )
    assert client.post(_url("dependency_add", own), {"before": values["launch_id"]}).status_code == 422
    assert Dependency.objects.filter(launch=my_launch).count() == 0
    # Another workspace's cycle slug does not exist in mine.
    assert client.get(reverse("launches:cycle", args=[mine.workspace.slug, "2031-q4"])).status_code == 404
