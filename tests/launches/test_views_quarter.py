"""The quarter view: any quarter, launches by tier, items by owner and week, load by week
against the workspace's limits, the plan warnings; a constant query count."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from launches import services
from launches.models import Launch, ReadinessItem, TieringRubric
from tests.factories import MembershipFactory
from tests.launches.conftest import TIER_1_SCORES, make_launch
from tests.queries import assert_same_queries
from workspaces import workload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-01 12:00:00+00:00", tick=False):
        yield


def _url(ws, quarter="2027-q1", name="quarter"):
    return reverse(f"launches:{name}", args=[ws.slug, quarter])


def _tier_1(cycle, people, name, day):
    launch = make_launch(cycle, people, name=name, launch_date=day)
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    return services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])


def test_the_navigation_leads_to_this_quarter(editor_client, team):
    ws = team[0]
    response = editor_client.get(reverse("launches:quarter_now", args=[ws.slug]))
    assert response.status_code == 302 and response["Location"] == _url(ws, "2026-q4")
    body = editor_client.get(_url(ws, "2026-q4")).content.decode()
    assert reverse("launches:quarter_now", args=[ws.slug]) in body
    assert "Nobody has opened 2026-Q4" in body and "Open 2026-Q4 and add its candidates" in body


def test_the_navigation_has_this_quarters_board_and_calendar(editor_client, team):
    ws = team[0]
    this_quarter = services.cycle_create(workspace=ws, quarter="2026-Q4")
    body = editor_client.get(reverse("dashboard:workspace", args=[ws.slug])).content.decode()
    nav = body[body.index('<nav class="wsnav"') : body.index("</nav>")]
    assert ">Board</a>" in nav and ">Calendar</a>" in nav
    board = editor_client.get(reverse("launches:board_now", args=[ws.slug]))
    assert board["Location"] == reverse("launches:cycle", args=[ws.slug, this_quarter.slug])
    calendar = editor_client.get(reverse("launches:calendar_now", args=[ws.slug]))
    assert calendar["Location"] == reverse("launches:calendar", args=[ws.slug, this_quarter.slug])
    assert editor_client.get(calendar["Location"]).status_code == 200


def test_board_and_calendar_are_their_own_pages_while_nobody_opened_the_quarter_s_cycle(editor_client, team):
    """Quarter, Board and Calendar never land on the same page: without this quarter's
    cycle, Board and Calendar each say so under their own title and offer to open it."""
    ws = team[0]  # the team has 2027-Q1 open, not this quarter (2026-Q4)
    pages = {}
    for name, title in (("board_now", "2026-Q4 tiering board"), ("calendar_now", "2026-Q4 calendar")):
        response = editor_client.get(reverse(f"launches:{name}", args=[ws.slug]))
        assert response.status_code == 200
        body = response.content.decode()
        assert f"<h1>{title}</h1>" in body and "Open 2026-Q4&#x27;s cycle" in body or "Open 2026-Q4's cycle" in body
        pages[name] = body
    assert pages["board_now"] != pages["calendar_now"]
    opened = editor_client.post(reverse("launches:cycles", args=[ws.slug]), {"quarter": "2026-Q4", "next": "calendar"})
    assert opened["Location"] == reverse("launches:calendar", args=[ws.slug, "2026-q4"])


def test_a_viewer_without_this_quarter_s_cycle_is_not_offered_to_open_it(client, team):
    ws, _, people = team
    client.force_login(people["viewer"].user)
    body = client.get(reverse("launches:board_now", args=[ws.slug])).content.decode()
    assert "2026-Q4 tiering board" in body and "cycle</button>" not in body


def test_board_and_calendar_of_another_workspace_are_404(client, team):
    client.force_login(MembershipFactory().user)
    for name in ("board_now", "calendar_now"):
        assert client.get(reverse(f"launches:{name}", args=[team[0].slug])).status_code == 404


def test_the_dashboard_offers_this_quarter_s_page_and_the_quarters_around_it(editor_client, team):
    """The dashboard can show any quarter: its picker steps to the quarters around it."""
    ws = team[0]
    body = editor_client.get(reverse("dashboard:workspace", args=[ws.slug])).content.decode()
    assert _url(ws, "2026-q4") in body and "?quarter=2027-q1#quarter" in body and "?quarter=2026-q3#quarter" in body


def test_next_quarter_shows_launches_by_tier_items_by_owner_and_week_and_load(editor_client, team):
    ws, cycle, people = team
    _tier_1(cycle, people, "Billing", date(2027, 3, 15))
    make_launch(cycle, people, name="Dark mode", launch_date=date(2027, 2, 1))
    body = editor_client.get(_url(ws)).content.decode()
    assert "2027-Q1 at a glance" in body and "Billing" in body and "Dark mode" in body
    assert "Readiness items by owner" in body and "Week of 15 Feb" in body  # pricing: 28 days before 15 Mar
    assert people["PMM"].display_name in body and "load-table" in body
    assert 'rel="prev"' in body and _url(ws, "2026-q4") in body and _url(ws, "2027-q2") in body


def test_a_person_over_the_limit_is_flagged_and_a_higher_limit_clears_it(client, team):
    ws, cycle, people = team
    for n in range(3):  # three Tier 1 launches in one week: 6 points for each owner, items besides
        _tier_1(cycle, people, f"Launch {n}", date(2027, 3, 15 + n))
    client.force_login(people["admin"].user)
    body = client.get(_url(ws)).content.decode()
    assert f"{people['PMM'].display_name} has " in body and "in the week of 15 Mar (limit 5)." in body
    assert 'class="num over"' in body
    response = client.post(_url(ws, name="load_limits"), {"person_week_limit": "60", "week_limit": "400"})
    assert response.status_code == 302
    assert TieringRubric.objects.get(workspace=ws).person_week_limit == 60
    body = client.get(_url(ws)).content.decode()
    assert "(limit 60)" not in body and 'class="num over"' not in body


def test_limits_are_bounded_at_the_field_and_nothing_is_saved(client, team):
    ws, cycle, people = team
    client.force_login(people["admin"].user)
    response = client.post(_url(ws, name="load_limits"), {"person_week_limit": "0", "week_limit": "99999"})
    assert response.status_code == 422 and "Between 1 and 200." in response.content.decode()
    assert not TieringRubric.objects.filter(workspace=ws).exists()


def test_only_admins_set_limits_and_outsiders_see_no_quarter(client, team):
    ws, cycle, people = team
    client.force_login(people["editor"].user)
    assert client.post(_url(ws, name="load_limits"), {"person_week_limit": "8", "week_limit": "40"}).status_code == 403
    client.force_login(MembershipFactory().user)
    assert client.get(_url(ws)).status_code == 404


@pytest.mark.parametrize("quarter", ["2027-q5", "nonsense", "1999-q1", "2101-Q1"])
@pytest.mark.parametrize("under", ["", "limits/", "pre-read/", "pre-read.csv"])
def test_a_quarter_that_does_not_exist_is_404(editor_client, team, quarter, under):
    # Typed by hand: the quarter is a path converter, so no link to such a quarter can be
    # made (reverse refuses it) and the URL answers 404 before any view runs.
    url = reverse("launches:quarter_now", args=[team[0].slug]) + f"{quarter}/{under}"
    response = editor_client.post(url) if under == "limits/" else editor_client.get(url)
    assert response.status_code == 404


def test_a_quarter_is_read_from_its_url_however_it_is_written(editor_client, team):
    ws = team[0]
    base = reverse("launches:quarter_now", args=[ws.slug])
    for written in ("2027-q1", "2027-Q1", "2027q1", "2027Q1"):
        response = editor_client.get(f"{base}{written}/")
        assert response.status_code == 200 and "2027-Q1" in response.content.decode()
    assert _url(ws, "2027-Q3") == f"{base}2027-Q3/"


def test_plan_warnings_are_listed_on_the_quarter(editor_client, team):
    ws, cycle, people = team
    make_launch(cycle, people, name="Early bird", launch_date=date(2026, 12, 20))
    body = editor_client.get(_url(ws)).content.decode()
    assert 'data-code="outside-cycle"' in body and "Move to 2026-Q4" in body


def test_the_quarter_query_count_is_the_same_at_5_and_50_launches(editor_client, team):
    ws, cycle, people = team

    def build(size):
        for n in range(Launch.objects.filter(cycle=cycle).count(), size):
            launch = make_launch(
                cycle, people, name=f"Launch {n}", launch_date=date(2027, 1, 4) + timedelta(days=n % 80)
            )
            services.launch_set_tier(launch=launch, tier=1 + n % 3, reason="Planned", actor=people["PMM"])
        assert ReadinessItem.objects.count() > size

    def check(response, size):
        assert response.status_code == 200 and response.content.decode().count('class="lr-name"') == size

    # Session and user, membership with its workspace, rubric, limits, cycle, launches,
    # items, plan warnings (first open items, dependencies, dates to avoid), the bell, the
    # workspace switcher, and the quarter's whole workload (members, their held roles and
    # those roles, the roles, letters, open items, launches, rituals), and the relay's
    # flags (the workspace's phases, the hand-overs waiting): the same count at any size.
    assert_same_queries(build, lambda _: editor_client.get(_url(ws)), at_most=22, check=check)


def test_the_quarter_shows_each_persons_whole_workload_as_the_people_page_counts_it(editor_client, team):
    ws, cycle, people = team
    launch = _tier_1(cycle, people, "Billing", date(2027, 3, 15))
    ReadinessItem.objects.filter(launch=launch).update(owner=people["PM"], due_date=date(2027, 3, 1))
    ReadinessItem.objects.bulk_create(
        [
            ReadinessItem(
                launch=launch, key=f"extra-{n}", title=f"Extra {n}", owner=people["PM"], due_date=date(2027, 3, 2)
            )
            for n in range(5)
        ]
    )
    found = workload.workload_of(workspace=ws, quarter=workload.Quarter(2027, 1))
    pm = found.of_member(people["PM"].pk)
    assert pm.marked and pm.work.counts["items"] == ReadinessItem.objects.filter(launch=launch).count()
    body = editor_client.get(_url(ws)).content.decode()
    assert "Quarter, all work" in body and 'data-code="far-above-median"' in body
    assert '<td class="num quarter-work over"' in body and f'{pm.total}<span class="vh"> ({pm.reason})' in body.replace(
        "&#x27;", "'"
    )


def test_not_scored_on_the_board_links_to_the_score_form_at_the_top_of_the_launch_page(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, name="Usage billing")
    board = editor_client.get(reverse("launches:cycle", args=[ws.slug, cycle.slug])).content.decode()
    target = reverse("launches:launch", args=[ws.slug, cycle.slug, launch.pk]) + "#score"
    assert (
        f'<a class="pill not-scored" href="{target}">Not scored<span class="vh">: score Usage billing</span></a>'
        in board
    )
    page = editor_client.get(target).content.decode()
    tier, score = page.index('id="tier"'), page.index('id="score"')
    assert tier < score < page.index('id="checklist"') and "Save the score" in page[score:]
