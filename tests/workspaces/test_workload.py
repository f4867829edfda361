"""The true workload (workspaces/workload.py): matrix letters, open readiness items, launches
owned and rituals run this quarter, per person and per role, added up from every app's
contributor; the team's median; who is marked as carrying far more, and why."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import Conflict, InvalidInput
from launches.models import Launch, ReadinessItem
from rituals import services as ritual_services
from tests.factories import MembershipFactory, build_matrix, hold
from tests.launches.conftest import make_launch
from workspaces import services, workload
from workspaces.models import Role
from workspaces.workload import Breakdown, PersonWork, Quarter, Share

Q1 = Quarter(2027, 1)


# --- the rules, over plain numbers ----------------------------------------------------------


def test_a_quarter_runs_from_its_first_to_its_last_day():
    assert (Q1.start, Q1.end, Q1.name) == (date(2027, 1, 1), date(2027, 3, 31), "2027-Q1")
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4) and Quarter(2028, 1).end == date(2028, 3, 31)
    assert Quarter.of(date(2027, 4, 1)).start == date(2027, 4, 1)


def _person(**points) -> PersonWork:
    work = Breakdown()
    for kind, n in points.items():
        work.add(Share(kind, n))
    return PersonWork(membership=None, roles=[], work=work)


def test_someone_far_above_the_median_is_marked_with_what_weighs_most():
    people = [_person(items=14, letters=2), _person(items=3, letters=4), _person(letters=7), _person(letters=6)]
    middle = workload.mark(people, multiple=Decimal("1.5"), floor=5)
    assert middle == 7
    assert [p.marked for p in people] == [True, False, False, False]
    assert people[0].reason == "2.3× the team's median: 14 open readiness items"
    assert people[0].ratio == pytest.approx(16 / 7)


def test_a_small_team_with_little_work_has_nobody_marked():
    # 3 is twice the median of 1.5 but only 1.5 points above it: under the floor of 5.
    people = [_person(items=3), _person(items=1), _person(items=1), _person(items=2)]
    workload.mark(people, multiple=Decimal("1.5"), floor=5)
    assert not any(p.marked for p in people)


def test_a_three_person_team_is_never_all_marked():
    for totals in ([1, 2, 3], [10, 30, 90], [0, 0, 40], [5, 5, 5]):
        people = [_person(items=n) for n in totals]
        workload.mark(people, multiple=Decimal("1.5"), floor=5)
        assert sum(p.marked for p in people) <= 1, totals


def test_people_with_no_work_do_not_pull_the_median_down():
    people = [_person(items=10), _person(items=12), _person(), _person(), _person()]
    assert workload.mark(people, multiple=Decimal("1.5"), floor=5) == 11
    assert not any(p.marked for p in people)


def test_with_a_median_of_nothing_the_reason_says_so():
    lone = Breakdown()
    lone.add(Share("rituals", 6))
    assert workload.mark_reason(lone, 0) == "6 points where the team's median is 0: 6 rituals run"


def test_the_threshold_is_the_higher_of_the_multiple_and_the_floor():
    assert workload.threshold(4, Decimal("1.5"), 5) == 9
    assert workload.threshold(20, Decimal("1.5"), 5) == 30
    assert workload.threshold(0, Decimal(2), 3) == 3


def test_a_weighted_share_counts_its_points_in_the_total_and_its_count_in_the_breakdown():
    work = Breakdown()
    work.add(Share("launches", 1, 2))
    work.add(Share("launches", 1))
    assert (work.counts["launches"], work.points["launches"], work.total) == (2, 3, 3)


# --- gathered from every app -----------------------------------------------------------------


@pytest.fixture
def crew(team):
    """The team's PM holds a role with letters, owns a Tier 1 and a Tier 3 launch, has open items
    of their own and of their role, and their role runs a weekly ritual."""
    ws, cycle, people = team
    pm_role = Role.objects.get(workspace=ws, code="PM")
    _, _, roles = build_matrix(ws, activities=3, roles=2, letters={(0, 0): "AR", (1, 0): "C", (2, 1): "R"})
    hold(roles[0], people["PM"])
    big = make_launch(cycle, people, name="Billing", launch_date=date(2027, 3, 15))
    Launch.objects.filter(pk=big.pk).update(tier=1)
    small = make_launch(cycle, {"PM": people["PM"]}, name="Dark mode", launch_date=date(2027, 2, 1))
    Launch.objects.filter(pk=small.pk).update(tier=3)
    make_launch(cycle, people, name="Next year", launch_date=date(2027, 5, 1))  # Q2: not this quarter
    make_launch(cycle, people, name="Undated", launch_date=None)  # counts in its cycle's quarter

    def item(key, **fields):
        return ReadinessItem.objects.create(launch=big, key=key, title=key, **fields)

    item("own", owner=people["PM"], due_date=date(2027, 2, 1))
    item("own-in-progress", owner=people["PM"], due_date=date(2027, 3, 1), status="in_progress")
    item("done", owner=people["PM"], due_date=date(2027, 2, 1), status="done")
    item("waived", owner=people["PM"], due_date=date(2027, 2, 1), status="waived", waive_reason="No need")
    item("later", owner=people["PM"], due_date=date(2027, 4, 2))
    item("undated", owner=people["PM"])  # its launch's cycle is this quarter's
    item("role", owner_role=pm_role, due_date=date(2027, 1, 20))
    item("pmm", owner=people["PMM"], owner_role=pm_role, due_date=date(2027, 1, 20))
    item("nobody", due_date=date(2027, 1, 20))
    ritual_services.ritual_create(
        workspace=ws, name="Weekly sync", cadence="weekly", starts_on=date(2027, 3, 1), owner_role_id=pm_role.pk
    )
    paused = ritual_services.ritual_create(
        workspace=ws, name="Old sync", cadence="weekly", starts_on=date(2027, 1, 4), owner_role_id=pm_role.pk
    )
    type(paused).objects.filter(pk=paused.pk).update(paused=True)
    return ws, people, pm_role, roles


def test_a_persons_workload_adds_letters_open_items_launches_and_rituals_run(crew):
    ws, people, _, roles = crew
    found = workload.workload_of(workspace=ws, quarter=Q1)
    pm = found.of_member(people["PM"].pk)
    # Letters: A/R counts twice and C once. Items: own open ones (2, and the undated one),
    # the PM role's (1); not done, waived, next quarter's, nor another person's. Launches:
    # Billing (Tier 1, 2 points), Dark mode, Undated. The weekly sync meets 5 times in March.
    assert pm.work.counts == {"letters": 3, "items": 4, "launches": 3, "rituals": 5}
    assert pm.work.points == {"letters": 3, "items": 4, "launches": 4, "rituals": 5}
    assert pm.total == 16 and pm.roles == sorted(["PM", roles[0].code])
    pmm = found.of_member(people["PMM"].pk)
    assert pmm.work.counts == {"letters": 0, "items": 1, "launches": 2, "rituals": 0}
    assert found.of_member(people["viewer"].pk).total == 0


def test_a_roles_workload_is_what_names_the_role(crew):
    _, people, _, roles = crew
    found = workload.workload_of(workspace=crew[0], quarter=Q1)
    by_code = {row.role.code: row for row in found.roles}
    # The role's own item and the PMM's item given to the role; its ritual's meetings.
    assert by_code["PM"].work.counts == {"letters": 0, "items": 2, "launches": 0, "rituals": 5}
    assert by_code["PM"].holders == [people["PM"].display_name]
    assert by_code[roles[0].code].work.counts["letters"] == 3 and by_code[roles[1].code].work.counts["letters"] == 1
    assert by_code[roles[1].code].holders == []


def test_another_workspaces_work_is_not_counted(crew):
    stranger = MembershipFactory()
    build_matrix(stranger.workspace, activities=4, roles=1)
    found = workload.workload_of(workspace=stranger.workspace, quarter=Q1)
    assert [p.membership.pk for p in found.people] == [stranger.pk]
    assert found.people[0].total == 0 and [row.total for row in found.roles] == [8]


def test_the_workspaces_multiple_and_floor_decide_who_is_marked(crew):
    ws, people, *_ = crew
    found = workload.workload_of(workspace=ws, quarter=Q1)
    # Only the PM (16) and the PMM (an item, Billing's 2 points, Undated: 4) have any work:
    # the median is 10, and the PM passes both 1.5× it and 5 points above it (15); not twice it.
    assert found.median == 10 and [p.membership for p in found.marked] == [people["PM"]]
    services.workload_marks_set(workspace=ws, multiple=Decimal(2), floor=5)
    assert workload.workload_of(workspace=ws, quarter=Q1).marked == []


def test_marks_are_bounded_and_nothing_is_saved_when_refused(team):
    ws = team[0]
    for multiple, floor, field in (
        (Decimal("1.0"), 5, "multiple"),
        (Decimal(11), 5, "multiple"),
        (Decimal("1.5"), 0, "floor"),
        (Decimal("1.5"), 501, "floor"),
        (Decimal("NaN"), 5, "multiple"),
        (Decimal("1.5"), True, "floor"),
    ):
        with pytest.raises(InvalidInput) as refused:
            services.workload_marks_set(workspace=ws, multiple=multiple, floor=floor)
        assert refused.value.field == field
    ws.refresh_from_db()
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal("1.5"), 5)
    services.workload_marks_set(workspace=ws, multiple=Decimal("2.25"), floor=8)
    ws.refresh_from_db()
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal("2.2"), 8)


def test_a_mark_rule_changed_since_the_person_looked_is_refused_saying_what_it_is_now(team):
    ws = team[0]
    services.workload_marks_set(workspace=ws, multiple=Decimal(3), floor=9, expected=(Decimal("1.5"), 5))
    # Someone else saw the rule at 1.5× and 5 points: their change is refused, not applied.
    with pytest.raises(Conflict) as refused:
        services.workload_marks_set(workspace=ws, multiple=Decimal(2), floor=5, expected=(Decimal("1.5"), 5))
    assert "it is now over 3.0× the team's median and at least 9 points above it" in refused.value.message
    assert "not saved" in refused.value.message
    ws.refresh_from_db()
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal(3), 9)
    # A form that did not say what it showed is checked as stale too.
    with pytest.raises(Conflict):
        services.workload_marks_set(workspace=ws, multiple=Decimal(2), floor=5, expected=(None, None))
    services.workload_marks_set(workspace=ws, multiple=Decimal(2), floor=5, expected=(Decimal("3.0"), 9))
    ws.refresh_from_db()
    assert (ws.workload_multiple, ws.workload_floor) == (Decimal(2), 5)


def test_every_part_of_the_product_contributes():
    names = {c.__module__ + "." + c.__name__ for c in workload.contributors()}
    assert names == {
        "raci.selectors.people.workload_letters",
        "launches.selectors.quarter.workload_launches",
        "rituals.selectors.workload_rituals",
    }
