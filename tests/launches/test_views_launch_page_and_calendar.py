"""Launch page additions (status, edit, readout, dependencies, who is R/A at launch), the
calendar, the retrospective, dates to avoid and the iCalendar feed."""

from datetime import date, timedelta
from decimal import Decimal

import icalendar
import pytest
from django.urls import reverse

from launches import services
from launches.models import Launch
from raci.models import Activity, Cell, Column, Matrix
from tests.launches.conftest import TIER_1_SCORES, TIER_2_SCORES, make_launch
from tests.queries import assert_same_queries
from workspaces.models import Role

pytestmark = pytest.mark.django_db


def url(launch, name="launch", *extra):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk, *extra])


def cycle_url(cycle, name):
    return reverse(f"launches:{name}", args=[cycle.workspace.slug, cycle.slug])


def test_status_update_from_the_launch_page_shows_in_the_history(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    response = editor_client.post(url(launch, "launch_status"), {"status": "at_risk", "note": "Docs <b>late</b>"})
    assert response.status_code == 302
    body = editor_client.get(url(launch)).content.decode()
    assert "At risk" in body and "Docs &lt;b&gt;late&lt;/b&gt;" in body and "<b>late" not in body
    refused = editor_client.post(url(launch, "launch_status"), {"status": "paused", "note": ""})
    assert refused.status_code == 422 and "short note" in refused.content.decode()


def test_editing_a_launch_moves_its_due_dates(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    page = editor_client.get(url(launch, "launch_edit"))
    assert page.status_code == 200 and 'value="Usage-based billing"' in page.content.decode()
    response = editor_client.post(
        url(launch, "launch_edit"),
        {"name": "Billing", "pm_owner": people["PM"].pk, "pmm_owner": people["PMM"].pk, "launch_date": "2027-03-29"},
    )
    assert response.status_code == 302
    assert launch.items.get(key="in-app").due_date == date(2027, 3, 29)
    refused = editor_client.post(
        url(launch, "launch_edit"), {"name": "B", "ship_date": "2027-04-01", "launch_date": "2027-03-29"}
    )
    assert refused.status_code == 422 and "ship date" in refused.content.decode()


def test_after_launch_readout_from_the_launch_page(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    response = editor_client.post(
        url(launch, "launch_outcome"),
        {
            "launched_on": "2027-03-16",
            "metric_name": "Activated",
            "metric_target": "100",
            "metric_actual": "80",
            "outcome": "pivot",
            "notes": "Half the accounts",
        },
    )
    assert response.status_code == 302
    assert "Pivot" in editor_client.get(url(launch)).content.decode()
    refused = editor_client.post(url(launch, "launch_outcome"), {"outcome": "pause"})
    assert refused.status_code == 422


def test_dependencies_from_the_launch_page_and_the_flag(editor_client, team):
    _, cycle, people = team
    a = make_launch(cycle, people, name="Platform", launch_date=date(2027, 3, 20))
    b = make_launch(cycle, people, name="Add-on", launch_date=date(2027, 3, 15))
    assert editor_client.post(url(b, "dependency_add"), {"before": a.pk}).status_code == 302
    body = editor_client.get(url(b)).content.decode()
    assert "Cannot launch before" in body and "launches before it" in body
    assert editor_client.post(url(a, "dependency_add"), {"before": b.pk}).status_code == 422  # a loop
    dep = b.dependencies.get()
    assert editor_client.post(url(b, "dependency_remove", dep.pk)).status_code == 302
    assert not b.dependencies.exists()


def _launch_matrix(ws, people):
    """A matrix whose Launch phase has PMM A/R on one activity and SUP R on another; PM only C."""
    matrix = Matrix.objects.create(workspace=ws, name="Core", slug="core")
    roles = {r.code: r for r in Role.objects.filter(workspace=ws)}
    for n, code in enumerate(("PM", "PMM", "SUP")):
        Column.objects.create(matrix=matrix, role=roles[code], order=n)
    gtm = Activity.objects.create(matrix=matrix, name="Launch Tiering & GTM Plan", phase="launch", order=0)
    docs = Activity.objects.create(
        matrix=matrix, name="Help docs", phase="launch", order=1, template_key="launch-readiness"
    )
    roadmap = Activity.objects.create(matrix=matrix, name="Roadmap", phase="strategy", order=2)
    Cell.objects.bulk_create(
        [
            Cell(activity=gtm, role=roles["PMM"], value="AR", version=1),
            Cell(activity=gtm, role=roles["PM"], value="C", version=1),
            Cell(activity=docs, role=roles["SUP"], value="R", version=1),
            Cell(activity=roadmap, role=roles["PM"], value="AR", version=1),
        ]
    )
    return matrix


def test_launch_page_shows_who_is_r_a_at_launch_and_where_each_owner_comes_from(editor_client, team):
    ws, cycle, people = team
    matrix = _launch_matrix(ws, people)
    launch = make_launch(cycle, people, matrix_id=matrix.pk)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    body = editor_client.get(url(launch)).content.decode()
    assert "Who is R/A at launch" in body and "Launch Tiering &amp; GTM Plan" in body and "Roadmap" not in body
    assert people["PMM"].display_name in body
    # Help docs carries the launch-readiness key: SUP, its single R, owns the help doc update.
    assert launch.items.get(key="support-docs").owner_role.code == "SUP"
    assert "SUP is R on Help docs." in body
    # The matrix has no pricing, enablement or content rows: no owner, and an offer to add each.
    assert launch.items.filter(owner_role__isnull=True).count() == 3
    for name in ("Pricing &amp; Packaging", "Sales/CS Enablement", "Launch Content, Channels &amp; PR"):
        assert f"No owner: the matrix has no {name}." in body and f"Add {name} from the template" in body
    assert "neither R nor A" not in body


def test_launch_without_a_matrix_shows_no_r_a_card(editor_client, team):
    _, cycle, people = team
    body = editor_client.get(url(make_launch(cycle, people))).content.decode()
    assert "Who is R/A at launch" not in body and "neither R nor A" not in body


def test_calendar_places_launches_and_shows_flags(editor_client, team):
    ws, cycle, people = team
    services.avoid_date_add(workspace=ws, name="Big <i>conference</i>", start=date(2027, 2, 10), end=date(2027, 2, 11))
    near = make_launch(cycle, people, name="Near the conference", launch_date=date(2027, 2, 13))
    for name, day in (("Alpha", date(2027, 3, 1)), ("Beta", date(2027, 3, 5))):
        launch = make_launch(cycle, people, name=name, launch_date=day)
        services.launch_score(launch=launch, scores=TIER_1_SCORES)
        services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])
    make_launch(cycle, people, name="Someday", launch_date=None)
    body = editor_client.get(cycle_url(cycle, "calendar")).content.decode()
    for text in (
        "January 2027",
        "February 2027",
        "March 2027",
        "Near the conference",
        "Someday",
        "within 3 days of Big &lt;i&gt;conference&lt;/i&gt;",
        "Another Tier 1 launch, Beta",
        "Another Tier 1 launch, Alpha",
        "Tier 1",
        "On track",
    ):
        assert text in body, text
    assert "<i>conference" not in body and near.name in body


def _many(cycle, people, n):
    """The cycle grown to n launches, a third tiered, the first ten depending on each other."""
    have = Launch.objects.filter(cycle=cycle).count()
    for i in range(have, n):
        launch = make_launch(cycle, people, name=f"Launch {i}", launch_date=date(2027, 1, 1) + timedelta(days=i % 90))
        if i % 3 == 0:
            services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    launches = list(Launch.objects.filter(cycle=cycle).order_by("pk"))
    for a, b in list(zip(launches, launches[1:10]))[max(0, have - 1) :]:
        services.dependency_add(launch=b, before_id=a.pk)


def test_calendar_query_count_is_constant(editor_client, team):
    ws, cycle, people = team
    services.avoid_date_add(workspace=ws, name="Freeze", start=date(2027, 3, 20), end=date(2027, 3, 31))

    def check(response, size):
        assert response.status_code == 200 and f"Launch {size - 1}" in response.content.decode()

    # session, user, membership, cycle, rubric, launches, avoid dates, dependencies, the switcher
    assert_same_queries(
        lambda size: _many(cycle, people, size),
        lambda _: editor_client.get(cycle_url(cycle, "calendar")),
        at_most=9,
        check=check,
    )


def test_retrospective_query_count_is_constant(editor_client, team):
    _, cycle, people = team

    def check(response, _):
        assert response.status_code == 200

    assert_same_queries(
        lambda size: _many(cycle, people, size),
        lambda _: editor_client.get(cycle_url(cycle, "retrospective")),
        at_most=7,
        check=check,
    )


def test_retrospective_lists_on_time_late_readiness_metric_and_decision(editor_client, team):
    _, cycle, people = team
    done = make_launch(cycle, people, name="Shipped late", launch_date=date(2027, 2, 1))
    services.launch_set_tier(launch=done, tier=3, reason="Small", actor=people["PMM"])
    for item in done.items.filter(required=True):
        services.item_update(launch=done, item_id=item.pk, status="done")
    services.go_record(launch=done, decision="go", actor=people["PMM"].user)
    services.outcome_record(
        launch=done,
        launched_on=date(2027, 2, 4),
        metric_name="Activated",
        metric_target=Decimal(100),
        metric_actual=Decimal(90),
        outcome="pivot",
    )
    on_time = make_launch(cycle, people, name="On the day", launch_date=date(2027, 2, 1))
    services.launch_set_tier(launch=on_time, tier=3, reason="Small", actor=people["PMM"])
    services.outcome_record(
        launch=on_time,
        launched_on=date(2027, 2, 1),
        metric_name="Signups",
        metric_target=Decimal(10),
        metric_actual=Decimal(12),
        outcome="press_on",
    )
    body = editor_client.get(cycle_url(cycle, "retrospective")).content.decode()
    for text in (
        "3 days late",
        "Ready at go",
        "Activated: 90 / 100",
        "missed",
        "Pivot",
        "On time",
        "3 required open, no go",
        "met",
        "Press on",
    ):
        assert text in body, text


def test_avoid_dates_page_adds_and_removes(client, team):
    ws, _, people = team
    page_url = reverse("launches:avoid_dates", args=[ws.slug])
    client.force_login(people["viewer"].user)
    assert "Add a date to avoid" not in client.get(page_url).content.decode()
    client.force_login(people["editor"].user)
    assert client.post(page_url, {"name": "Dreamforce", "start": "2027-09-15", "end": "2027-09-17"}).status_code == 302
    refused = client.post(page_url, {"name": "Backwards", "start": "2027-09-15", "end": "2027-09-01"})
    assert refused.status_code == 422 and "on or after the start" in refused.content.decode()
    avoid = ws.avoid_dates.get()
    assert "Dreamforce" in client.get(page_url).content.decode()
    assert client.post(reverse("launches:avoid_date_remove", args=[ws.slug, avoid.pk])).status_code == 302
    assert not ws.avoid_dates.exists()


def test_ical_feed_parses_and_revoking_gives_404(client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, name="Billing, v2; EU")
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    make_launch(cycle, people, name="Undated", launch_date=None)
    client.force_login(people["admin"].user)
    assert client.post(reverse("launches:feed_regenerate", args=[ws.slug]), {"cycle": cycle.slug}).status_code == 302
    token = ws.calendar_feed.token
    assert reverse("rituals:feed", args=[ws.slug, token]) in client.get(cycle_url(cycle, "calendar")).content.decode()
    client.logout()  # calendar apps do not sign in
    feed_url = reverse("rituals:feed", args=[ws.slug, token])
    response = client.get(feed_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    launch_event = events["Launch: Billing, v2; EU"]
    assert launch_event.decoded("DTSTART") == date(2027, 3, 15)
    assert launch_event.decoded("DTEND") == date(2027, 3, 16)
    due = [e for s, e in events.items() if s.startswith("Due: ")]
    assert len(due) == launch.items.count() == 4
    assert {e.decoded("DTSTART") for e in due} == set(launch.items.values_list("due_date", flat=True))
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == len(events) == 5
    assert not any("Undated" in s for s in events)
    # Revoke: the old URL is gone, the new one works; a wrong workspace slug is 404 too.
    client.force_login(people["admin"].user)
    client.post(reverse("launches:feed_regenerate", args=[ws.slug]))
    client.logout()
    assert client.get(feed_url).status_code == 404
    ws.calendar_feed.refresh_from_db()
    assert client.get(reverse("rituals:feed", args=[ws.slug, ws.calendar_feed.token])).status_code == 200
    assert client.get(reverse("rituals:feed", args=["other", ws.calendar_feed.token])).status_code == 404
    assert client.post(reverse("rituals:feed", args=[ws.slug, ws.calendar_feed.token])).status_code == 405


def test_ical_folds_long_lines(client, team):
    from rituals import ical

    text = ical.calendar_text(name="x", host="h", events=[("k", date(2027, 1, 1), "é" * 100, "")])
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "é" * 100


def test_htmx_checklist_fragment_keeps_the_missing_activity_offer(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, matrix_id=_launch_matrix(ws, people).pk)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="release-note")  # launch content: not in the matrix
    response = editor_client.post(
        url(launch, "item_update", item.pk), {"status": "done"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "No owner: the matrix has no Launch Content, Channels &amp; PR." in body and 'hx-swap-oob="true"' in body


def test_calendar_checks_a_dependency_on_another_quarters_launch(editor_client, team):
    ws, cycle, people = team
    q2 = services.cycle_create(workspace=ws, quarter="2027-Q2")
    platform = make_launch(q2, people, name="Platform", launch_date=date(2027, 4, 5))
    addon = make_launch(cycle, people, name="Add-on", launch_date=date(2027, 3, 20))
    services.dependency_add(launch=addon, before_id=platform.pk)
    body = editor_client.get(cycle_url(cycle, "calendar")).content.decode()
    assert "Launches before Platform (5 Apr), which it depends on." in body


def test_a_renamed_launch_phase_still_tells_who_is_r_a_at_launch(editor_client, team):
    """The team may call the Launch phase "GTM" and add phases of its own: the ownership
    check keys on the lifecycle phase, not on its name, and ignores the team's phases."""
    from workspaces import team_phases

    ws, cycle, people = team
    matrix = _launch_matrix(ws, people)
    team_phases.phase_rename(workspace=ws, phase_key="launch", name="GTM")
    beta = team_phases.phase_add(workspace=ws, name="Launch week")  # a team phase, whatever its name says
    Activity.objects.create(matrix=matrix, name="Press tour", phase=beta.key, order=3)
    body = editor_client.get(url(make_launch(cycle, people, matrix_id=matrix.pk))).content.decode()
    assert "Launch Tiering &amp; GTM Plan" in body and "Press tour" not in body
