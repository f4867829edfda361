"""The People page: each person's letters heat map and whole workload this quarter (open
items, launches owned, rituals run), per role too, and who carries far more than the team,
marked with words and a shape; admins set the rule. A constant query count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from launches.models import Launch, ReadinessItem
from raci.selectors import workload
from rituals import services as ritual_services
from tests.factories import MembershipFactory, RoleFactory, build_matrix, hold
from tests.launches.conftest import make_launch
from tests.queries import assert_same_queries
from workspaces.models import Access, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2027-02-01 12:00:00+00:00", tick=False):
        yield


def _url(ws, name="people"):
    return reverse(f"raci:{name}", args=[ws.slug])


def _busy(team, *, items: int):
    """The PM gets `items` open items due this quarter; the PMM and the support person a little."""
    ws, cycle, people = team
    launch = make_launch(cycle, {"PM": people["PM"]}, name="Billing", launch_date=date(2027, 3, 15))
    ReadinessItem.objects.bulk_create(
        [
            ReadinessItem(launch=launch, key=f"k{n}", title=f"Item {n}", owner=people["PM"], due_date=date(2027, 3, 1))
            for n in range(items)
        ]
        + [
            ReadinessItem(launch=launch, key=f"o{n}", title=f"Other {n}", owner=people[code], due_date=date(2027, 3, 1))
            for n, code in enumerate(["PMM", "PMM", "SUP", "SUP", "SUP"])
        ]
    )
    return ws, people


def test_workload_counts_letters_of_held_roles_and_flags_overload_and_shared_hats(client):
    me = MembershipFactory()
    other = MembershipFactory(workspace=me.workspace)
    letters = {(i, 0): "AR" for i in range(8)} | {(i, 1): "C" for i in range(8)} | {(0, 2): "R"}
    matrix, acts, roles = build_matrix(me.workspace, activities=8, roles=3, letters=letters)
    hold(roles[0], me)
    hold(roles[1], me)
    hold(roles[2], other)
    loads = {load.membership.pk: load for load in workload(workspace=me.workspace)}
    mine = loads[me.pk]
    assert mine.counts == {"R": 8, "A": 8, "C": 8, "I": 0}
    assert any(n.startswith("overloaded-role") for n in mine.findings)
    assert any(n.startswith("shared-hats") for n in mine.findings)
    assert loads[other.pk].counts == {"R": 1, "A": 0, "C": 0, "I": 0}
    assert mine.heat["A"] == 5 and loads[other.pk].heat["A"] == 0
    client.force_login(me.user)
    html = client.get(reverse("raci:people", args=[me.workspace.slug])).content.decode()
    assert 'class="h h5">8<' in html


def _grow(team, size: int, start: int = 0) -> None:
    """People `start` to `size`, each holding a role of a matrix of their own, owning a Tier 1
    launch with an open item, and running a weekly ritual."""
    ws, cycle, _ = team
    for n in range(start, size):
        member = MembershipFactory(workspace=ws)
        _, _, roles = build_matrix(ws, activities=3, roles=2, name=f"M{n}")
        hold(roles[0], member)
        launch = make_launch(
            cycle, {"PM": member}, name=f"Launch {n}", launch_date=date(2027, 1, 4) + timedelta(days=n)
        )
        Launch.objects.filter(pk=launch.pk).update(tier=1)
        ReadinessItem.objects.create(launch=launch, key="brief", title="Brief", owner=member, due_date=date(2027, 3, 1))
        ReadinessItem.objects.create(launch=launch, key="deck", title="Deck", owner_role=roles[0])
        ritual_services.ritual_create(
            workspace=ws, name=f"Sync {n}", cadence="weekly", starts_on=date(2027, 2, 1), owner_role_id=roles[0].pk
        )


def test_the_people_page_query_count_is_the_same_at_5_and_50_people_and_launches(client, team):
    ws, _, people = team
    client.force_login(people["admin"].user)
    grown = [0]

    def build(size):
        _grow(team, size, start=grown[0])
        grown[0] = size

    def check(response, size):
        assert response.status_code == 200 and response.content.decode().count('scope="row"') >= size * 3

    # Session and user, membership with its workspace; the workload's members, their held
    # roles and those roles, the roles, letters, open items, launches, rituals; the heat
    # map's cells, activities, columns, matrices: the same count at any size.
    assert_same_queries(build, lambda _: client.get(_url(ws)), at_most=16, check=check)


def test_who_carries_far_more_is_marked_with_words_a_shape_and_the_reason(client, team):
    ws, people = _busy(team, items=14)
    client.force_login(people["viewer"].user)
    body = client.get(_url(ws)).content.decode()
    pm = people["PM"].display_name
    # Totals with any work: PM 14 items + 1 launch = 15, PMM 2, SUP 3: the median is 3.
    assert f"<strong>{pm}</strong>: 5.0× the team&#x27;s median: 14 open readiness items (15 points)." in body
    assert body.count('class="marked"') == 1 and "▲" in body and "Far above the team" in body
    assert "2027-Q1" in body and "The team's median is 3 points" in body
    # The viewer reads the rule but cannot change it.
    assert _url(ws, "workload_marks") not in body


def test_nobody_is_marked_when_the_load_is_even(client, team):
    ws, people = _busy(team, items=2)
    client.force_login(people["admin"].user)
    body = client.get(_url(ws)).content.decode()
    assert 'class="marked"' not in body and "Nobody this quarter" in body


def test_the_role_table_counts_what_names_each_role(client, team):
    ws, cycle, people = team
    role = RoleFactory(workspace=ws, code="OPS", name="Operations")
    hold(role, people["SUP"])
    launch = make_launch(cycle, {}, name="Billing", launch_date=date(2027, 3, 15))
    ReadinessItem.objects.create(launch=launch, key="a", title="A", owner_role=role, due_date=date(2027, 3, 1))
    client.force_login(people["admin"].user)
    body = client.get(_url(ws)).content.decode()
    row = body[body.index('<span class="code-chip">OPS</span> Operations') :]
    row = row[: row.index("</tr>")]
    assert people["SUP"].display_name in row and '<td class="num total">1</td>' in row


# The rule a fresh People page shows, posted back with the change.
SHOWN = {"was_multiple": "1.5", "was_floor": "5"}


def test_an_admin_changes_when_someone_is_marked(client, team):
    ws, people = _busy(team, items=14)
    client.force_login(people["admin"].user)
    assert _url(ws, "workload_marks") in client.get(_url(ws)).content.decode()
    response = client.post(_url(ws, "workload_marks"), {"multiple": "6", "floor": "5", **SHOWN})
    assert response.status_code == 302 and response["Location"] == _url(ws)
    ws = Workspace.objects.get(pk=ws.pk)
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal("6.0"), 5)
    assert 'class="marked"' not in client.get(_url(ws)).content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"multiple": "1", "floor": "5"}, "multiple", "Between 1.1 and 10."),
        ({"multiple": "99999", "floor": "5"}, "multiple", "Between 1.1 and 10"),
        ({"multiple": "1.55", "floor": "5"}, "multiple", "One decimal at most"),
        ({"multiple": "NaN", "floor": "5"}, "multiple", "Give a number such as 1.5."),
        ({"multiple": "1.5", "floor": "0"}, "floor", "Between 1 and 500."),
        ({"multiple": "1.5", "floor": "9" * 40}, "floor", "Between 1 and 500."),
        ({"multiple": "1.5", "floor": "ü"}, "floor", "Give a whole number such as 5."),
    ],
)
def test_a_rule_out_of_bounds_is_refused_next_to_its_field(client, team, data, field, message):
    ws, _, people = team
    client.force_login(people["admin"].user)
    response = client.post(_url(ws, "workload_marks"), {**data, **SHOWN})
    body = response.content.decode()
    assert response.status_code == 422 and f'id="id_{field}_error"><p class="error">{message}' in body
    ws = Workspace.objects.get(pk=ws.pk)
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal("1.5"), 5)


def test_a_nul_in_the_rule_is_refused_and_saves_nothing(client, team):
    ws, _, people = team
    client.force_login(people["admin"].user)
    assert client.post(_url(ws, "workload_marks"), {"multiple": "3\x00", "floor": "5"}).status_code == 400
    assert Workspace.objects.get(pk=ws.pk).workload_multiple == Decimal("1.5")


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_admins_change_the_rule(client, team, who):
    ws, _, people = team
    client.force_login(people[who].user)
    assert client.post(_url(ws, "workload_marks"), {"multiple": "3", "floor": "5"}).status_code == 403
    assert Workspace.objects.get(pk=ws.pk).workload_multiple == Decimal("1.5")


def test_another_workspaces_rule_cannot_be_changed(client, team):
    ws = team[0]
    stranger = MembershipFactory(access=Access.ADMIN)
    client.force_login(stranger.user)
    assert client.post(_url(ws, "workload_marks"), {"multiple": "3", "floor": "5"}).status_code == 404
    assert client.get(_url(ws)).status_code == 404


def test_a_mark_rule_changed_by_someone_else_since_the_page_loaded_is_409_and_keeps_what_was_typed(client, team):
    ws, _, people = team
    client.force_login(people["admin"].user)
    page = client.get(_url(ws)).content.decode()
    assert 'name="was_multiple" value="1.5"' in page and 'name="was_floor" value="5"' in page
    Workspace.objects.filter(pk=ws.pk).update(workload_multiple=Decimal("3.0"), workload_floor=9)
    response = client.post(_url(ws, "workload_marks"), {"multiple": "2", "floor": "4", **SHOWN})
    body = response.content.decode()
    assert response.status_code == 409
    assert "it is now over 3.0× the team" in body and "not saved" in body
    assert 'name="multiple" value="2"' in body and 'name="was_multiple" value="3.0"' in body
    ws = Workspace.objects.get(pk=ws.pk)
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal("3.0"), 9)
    # Saving again, over the rule now shown, is a deliberate change.
    again = client.post(
        _url(ws, "workload_marks"), {"multiple": "2", "floor": "4", "was_multiple": "3.0", "was_floor": "9"}
    )
    assert again.status_code == 302
    ws = Workspace.objects.get(pk=ws.pk)
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal("2.0"), 4)
