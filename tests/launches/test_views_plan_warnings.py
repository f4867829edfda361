"""Plan warnings on the board and the launch page, and moving a launch to its quarter."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from launches import services
from launches.models import Dependency, Launch, LaunchCycle
from tests.factories import MembershipFactory
from tests.launches.conftest import TIER_1_SCORES, make_launch

pytestmark = pytest.mark.django_db

NOW = "2027-01-15 12:00:00+00:00"


@pytest.fixture(autouse=True)
def frozen():
    """Every test here runs on 15 Jan 2027, sign-in included (a session made later would expire)."""
    with time_machine.travel(NOW, tick=False):
        yield


def _url(launch, name="launch"):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk])


def _board(ws, cycle):
    return reverse("launches:cycle", args=[ws.slug, cycle.slug])


def test_a_launch_dated_in_another_quarter_is_flagged_on_the_board_and_its_page_with_the_move(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, name="Moved early", launch_date=date(2026, 11, 30))
    for url in (_board(ws, cycle), _url(launch)):
        body = editor_client.get(url).content.decode()
        assert 'data-code="outside-cycle"' in body and "Move to 2026-Q4" in body
        assert reverse("launches:launch_move", args=[ws.slug, cycle.slug, launch.pk]) in body


def test_moving_opens_the_right_cycle_and_the_warning_clears(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, name="Moved early", launch_date=date(2026, 11, 30), ship_date=None)
    response = editor_client.post(_url(launch, "launch_move"))
    launch.refresh_from_db()
    target = LaunchCycle.objects.get(workspace=ws, year=2026, quarter=4)
    assert launch.cycle == target and response["Location"] == _url(launch)
    assert 'data-code="outside-cycle"' not in editor_client.get(_url(launch)).content.decode()
    assert "Moved early" in editor_client.get(_board(ws, target)).content.decode()


def test_moving_from_the_board_goes_back_to_the_board_and_into_an_existing_cycle(editor_client, team):
    ws, cycle, people = team
    q2 = services.cycle_create(workspace=ws, quarter="2027-Q2")
    launch = make_launch(cycle, people, launch_date=date(2027, 5, 3))
    response = editor_client.post(_url(launch, "launch_move"), {"next": "board"})
    assert response["Location"] == _board(ws, cycle)
    assert Launch.objects.get(pk=launch.pk).cycle == q2 and LaunchCycle.objects.filter(workspace=ws).count() == 2


def test_moving_a_launch_already_in_its_quarter_or_undated_changes_nothing(editor_client, team):
    ws, cycle, people = team
    inside = make_launch(cycle, people)
    undated = make_launch(cycle, people, name="Undated", launch_date=None)
    editor_client.post(_url(inside, "launch_move"))
    response = editor_client.post(_url(undated, "launch_move"), follow=True)
    assert "no launch date" in response.content.decode()
    assert set(Launch.objects.values_list("cycle_id", flat=True)) == {cycle.pk}


def test_a_viewer_cannot_move_and_an_outsider_gets_404(client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, launch_date=date(2027, 5, 3))
    client.force_login(people["viewer"].user)
    assert client.post(_url(launch, "launch_move")).status_code == 403
    client.force_login(MembershipFactory().user)
    assert client.post(_url(launch, "launch_move")).status_code == 404
    assert Launch.objects.get(pk=launch.pk).cycle == cycle


def test_a_tier_1_launch_30_days_out_shows_the_lead_time_warning_with_its_late_first_item(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, launch_date=date(2027, 2, 14))
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])
    body = editor_client.get(_url(launch)).content.decode()
    assert "Tier 1 needs 56 days of lead time; only 30 days are left" in body
    # Pricing is due 28 days before the launch, on 17 Jan: not late yet.
    assert "already late" not in body
    with time_machine.travel("2027-01-20 12:00:00+00:00", tick=False):
        body = editor_client.get(_url(launch)).content.decode()
    assert "The first item, Pricing and packaging update, was due on 17 Jan 2027: already late." in body


def test_past_date_and_dependency_warnings_show_and_clear_when_fixed(editor_client, team):
    ws, cycle, people = team
    first = make_launch(cycle, people, name="First", launch_date=date(2027, 3, 10))
    second = make_launch(cycle, people, name="Second", launch_date=date(2027, 1, 5))
    Dependency.objects.create(launch=second, before=first)
    body = editor_client.get(_url(second)).content.decode()
    assert 'data-code="date-passed"' in body and 'data-code="dependency-order"' in body
    services.launch_update(
        launch=second,
        name="Second",
        pm_owner_id=people["PM"].pk,
        pmm_owner_id=people["PMM"].pk,
        launch_date=date(2027, 3, 12),
    )
    body = editor_client.get(_url(second)).content.decode()
    assert "plan-warning" not in body


def test_the_calendar_lists_a_launch_dated_outside_its_quarter(editor_client, team):
    ws, cycle, people = team
    make_launch(cycle, people, name="Moved early", launch_date=date(2026, 11, 30))
    body = editor_client.get(reverse("launches:calendar", args=[ws.slug, cycle.slug])).content.decode()
    assert "Dated outside 2027-Q1, so on no month below" in body and "30 Nov 2026" in body
