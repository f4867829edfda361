"""Status updates, editing a launch (re-planned due dates), the after-launch readout,
dependencies, dates to avoid and the calendar feed's token."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput, NotFound
from launches import services, tiering
from launches.models import CalendarFeed, Dependency, Launch, StatusUpdate
from tests.factories import MatrixFactory, MembershipFactory
from tests.launches.conftest import TIER_2_SCORES, make_launch, owners_matrix

pytestmark = pytest.mark.django_db


def _tier_2(cycle, people, **kwargs):
    launch = make_launch(cycle, people, **kwargs)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    return services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])


def test_status_updates_are_kept_in_order_and_set_the_status(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.status_update(launch=launch, status="at_risk", note="Docs late", author=people["PM"])
    services.status_update(launch=launch, status="on_track", note="", author=people["PMM"])
    assert Launch.objects.get(pk=launch.pk).status == "on_track"
    history = list(StatusUpdate.objects.filter(launch=launch))
    assert [(u.status, u.note, u.author) for u in history] == [
        ("on_track", "", people["PMM"]),
        ("at_risk", "Docs late", people["PM"]),
    ]


@pytest.mark.parametrize("status", ["at_risk", "off_track", "paused"])
def test_anything_but_on_track_needs_a_note(team, status):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with pytest.raises(InvalidInput) as error:
        services.status_update(launch=launch, status=status, note="  ", author=people["PM"])
    assert error.value.field == "note" and not StatusUpdate.objects.exists()


def test_unknown_status_and_long_notes_are_refused(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with pytest.raises(InvalidInput):
        services.status_update(launch=launch, status="great", note="x", author=people["PM"])
    with pytest.raises(InvalidInput):
        services.status_update(launch=launch, status="at_risk", note="x" * 281, author=people["PM"])


def _edit(launch, **changes):
    values = {
        "name": launch.name,
        "summary": launch.summary,
        "pm_owner_id": launch.pm_owner_id,
        "pmm_owner_id": launch.pmm_owner_id,
        "matrix_id": launch.matrix_id,
        "ship_date": launch.ship_date,
        "launch_date": launch.launch_date,
    }
    return services.launch_update(launch=launch, **(values | changes))


def test_a_new_launch_date_replans_the_due_dates_and_keeps_statuses(team):
    _, cycle, people = team
    launch = _tier_2(cycle, people)
    pricing = launch.items.get(key="pricing")
    services.item_update(launch=launch, item_id=pricing.pk, status="done")
    _edit(launch, launch_date=date(2027, 3, 29))
    days = {d.key: d.days_before for d in tiering.deliverables_for(2)}
    for item in launch.items.all():
        assert item.due_date == date(2027, 3, 29) - timedelta(days=days[item.key])
    assert launch.items.get(key="pricing").status == "done"


def test_removing_the_launch_date_clears_due_dates(team):
    _, cycle, people = team
    launch = _tier_2(cycle, people)
    _edit(launch, launch_date=None)
    assert set(launch.items.values_list("due_date", flat=True)) == {None}


def test_a_new_pmm_owner_takes_over_open_pmm_items_but_not_finished_ones(team):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = _tier_2(cycle, people)
    blog, pricing = launch.items.get(key="blog"), launch.items.get(key="pricing")
    services.item_update(launch=launch, item_id=pricing.pk, status="done")
    _edit(launch, pmm_owner_id=people["editor"].pk)
    assert launch.items.get(pk=blog.pk).owner == people["editor"]
    assert launch.items.get(pk=pricing.pk).owner == people["PMM"]


def test_editing_checks_names_dates_members_and_matrices(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    stranger = MembershipFactory()
    for changes, field in (
        ({"name": " "}, "name"),
        ({"ship_date": date(2027, 4, 1)}, "launch_date"),
        ({"pm_owner_id": stranger.pk}, "pm_owner"),
        ({"matrix_id": MatrixFactory(workspace=stranger.workspace).pk}, "matrix"),
    ):
        with pytest.raises(InvalidInput) as error:
            _edit(launch, **changes)
        assert error.value.field == field
    assert _edit(launch, name="  Billing   v3 ", summary=" s ").name == "Billing v3"


def test_outcome_records_the_readout(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.outcome_record(
        launch=launch,
        launched_on=date(2027, 3, 17),
        metric_name="Accounts activated",
        metric_target=Decimal("100"),
        metric_actual=Decimal("120.5"),
        outcome="press_on",
        notes="Beat target",
    )
    launch.refresh_from_db()
    assert (launch.launched_on, launch.metric_actual, launch.outcome) == (
        date(2027, 3, 17),
        Decimal("120.5"),
        "press_on",
    )


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"metric_name": "", "metric_target": Decimal(1)}, "metric_name"),
        ({"outcome": "celebrate", "metric_actual": Decimal(1)}, "outcome"),
        ({"outcome": "pivot"}, "metric_actual"),
        ({"metric_actual": Decimal(1), "launched_on": None}, "launched_on"),
    ],
)
def test_outcome_refusals(team, kwargs, field):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    values = {
        "launched_on": date(2027, 3, 17),
        "metric_name": "Activated",
        "metric_target": None,
        "metric_actual": None,
        "outcome": "",
        "notes": "",
    } | kwargs
    with pytest.raises(InvalidInput) as error:
        services.outcome_record(launch=launch, **values)
    assert error.value.field == field


def test_dependencies_refuse_self_loops_and_other_workspaces(team):
    _, cycle, people = team
    a, b, c = (make_launch(cycle, people, name=n) for n in "ABC")
    services.dependency_add(launch=b, before_id=a.pk)
    services.dependency_add(launch=b, before_id=a.pk)  # twice is once
    services.dependency_add(launch=c, before_id=b.pk)
    assert Dependency.objects.count() == 2
    for launch, before in ((a, a), (a, c), (a, b)):
        with pytest.raises(InvalidInput):
            services.dependency_add(launch=launch, before_id=before.pk)
    other = services.cycle_create(workspace=MembershipFactory().workspace, quarter="2027-Q1")
    with pytest.raises(InvalidInput):
        services.dependency_add(launch=a, before_id=make_launch(other).pk)
    dep = Dependency.objects.get(launch=c)
    with pytest.raises(NotFound):
        services.dependency_remove(launch=b, dependency_id=dep.pk)
    services.dependency_remove(launch=c, dependency_id=dep.pk)
    assert Dependency.objects.count() == 1


def test_avoid_dates_default_to_one_day_and_refuse_a_backwards_range(team):
    ws, _, _ = team
    one = services.avoid_date_add(workspace=ws, name="Holiday", start=date(2027, 1, 1))
    assert one.end == one.start
    with pytest.raises(InvalidInput):
        services.avoid_date_add(workspace=ws, name="Bad", start=date(2027, 1, 2), end=date(2027, 1, 1))
    with pytest.raises(NotFound):
        services.avoid_date_remove(workspace=MembershipFactory().workspace, avoid_id=one.pk)
    services.avoid_date_remove(workspace=ws, avoid_id=one.pk)


def test_regenerating_the_feed_token_replaces_it(team):
    ws, _, _ = team
    first = services.feed_token_regenerate(workspace=ws).token
    second = services.feed_token_regenerate(workspace=ws).token
    assert first != second and len(second) >= 32 and CalendarFeed.objects.get(workspace=ws).token == second
