from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from core import glance
from dashboard.selectors import workspace_dashboard
from launches import services as launch_services
from launches.models import ReadinessItem
from raci.models import Decision, Matrix
from rituals.models import Ritual
from tests.factories import MembershipFactory, build_matrix, hold
from tests.launches.conftest import OWNER_LETTERS, owners_matrix
from tests.queries import assert_same_queries
from workspaces.models import Access, Role, RoleHolder

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)  # in 2026-Q4
FROZEN = time_machine.travel("2026-11-20 10:00Z", tick=False)
# 13 today: user, membership, the header's unread count, matrices, decisions due, this
# quarter's cycle, rubric, launches, their checklists, overdue items, rituals, roles nobody holds. Growing with
# the workspace is what the test forbids; the bound keeps the page's cost in sight.
QUERY_BOUND = 13


@pytest.fixture
def team(db):
    """An admin and a person for each role the checklists name, so every item has an owner."""
    admin = MembershipFactory(access=Access.ADMIN)
    people = {"admin": admin}
    for code in ("PM", "PMM", "SUP", "SALES"):
        member = MembershipFactory(workspace=admin.workspace, user__first_name=f"{code.title()}person")
        hold(Role.objects.create(workspace=admin.workspace, code=code, name=f"{code} role"), member)
        people[code] = member
    return admin.workspace, people


def _sales_trains(ws):
    """The team's default matrix, where sales gives its own training (R on Sales/CS Enablement)."""
    letters = dict(
        OWNER_LETTERS, **{"sales-cs-enablement": ("Sales/CS Enablement", "launch", {"PMM": "A", "SALES": "R"})}
    )
    return owners_matrix(ws, letters=letters, codes=("PM", "PMM", "SUP", "SALES"))


def _launch(cycle, people, name, *, tier=None, launch_date=TODAY + timedelta(days=30)):
    launch = launch_services.launch_create(cycle=cycle, name=name, launch_date=launch_date)
    if tier is not None:
        launch = launch_services.launch_set_tier(launch=launch, tier=tier, reason="Test tier", actor=people["admin"])
    return launch


def _close(launch, *keys, status="done"):
    ReadinessItem.objects.filter(launch=launch, key__in=keys).update(status=status)


def _page(client, member) -> str:
    client.force_login(member.user)
    response = client.get(reverse("dashboard:workspace", args=[member.workspace.slug]))
    assert response.status_code == 200
    return response.content.decode()


# --- open findings, stale matrices, decisions due --------------------------------------


@FROZEN
def test_open_findings_by_severity_per_matrix_link_to_its_findings(client, team):
    ws, people = team
    matrix, _, _ = build_matrix(ws, activities=2, roles=2, name="Core")
    Matrix.objects.filter(pk=matrix.pk).update(errors=2, warnings=1, infos=3)
    build_matrix(ws, activities=2, roles=2, name="Clean")
    html = _page(client, people["admin"])
    findings = reverse("raci:findings", args=[ws.slug, "core"])
    assert f'href="{findings}">2 errors</a>' in html
    assert f'href="{findings}">1 warning</a>' in html
    assert f'href="{findings}">3 info</a>' in html
    # A matrix with nothing to look at stays out of the list (but stays in the index).
    assert reverse("raci:findings", args=[ws.slug, "clean"]) not in html
    assert reverse("raci:matrix", args=[ws.slug, "clean"]) in html
    assert '<span class="n">2</span> open errors' in html


@FROZEN
def test_findings_accepted_on_purpose_are_reported_beside_the_open_ones(client, team):
    ws, people = team
    matrix, _, _ = build_matrix(ws, activities=2, roles=2, name="Core")
    Matrix.objects.filter(pk=matrix.pk).update(errors=1, acknowledged_count=2)
    html = _page(client, people["admin"])
    findings = reverse("raci:findings", args=[ws.slug, "core"])
    assert f'href="{findings}#accepted-findings">2 accepted</a>' in html
    assert "· 2 accepted on purpose</span>" in html


@FROZEN
def test_stale_matrix_shows_since_when_and_links_to_the_matrix(client, team):
    ws, people = team
    stale, _, _ = build_matrix(ws, activities=2, roles=2, name="Old")
    fresh, _, _ = build_matrix(ws, activities=2, roles=2, name="Fresh")
    Matrix.objects.filter(pk=stale.pk).update(review_cadence_days=30, last_reviewed_on=date(2026, 9, 1))
    Matrix.objects.filter(pk=fresh.pk).update(review_cadence_days=30, last_reviewed_on=date(2026, 11, 1))
    dash = workspace_dashboard(workspace=ws, today=TODAY)
    assert [h.name for h in dash.attention] == ["Old"]
    assert dash.totals["stale"] == 1
    html = _page(client, people["admin"])
    assert f'<a href="{reverse("raci:matrix", args=[ws.slug, "old"])}">Review due</a> since 1 Oct 2026' in html
    assert '<span class="n">1</span> matrix due for review' in html


@FROZEN
def test_decisions_due_count_per_matrix_and_past_ones_are_overdue_with_their_decider(client, team):
    ws, people = team
    matrix, _, _ = build_matrix(ws, activities=2, roles=2, name="Core")
    decider = people["PM"].user
    for what, review_on in (
        ("Past", TODAY - timedelta(days=3)),
        ("Today", TODAY),
        ("Later", TODAY + timedelta(days=3)),
        ("Never", None),
    ):
        Decision.objects.create(
            matrix=matrix, what=what, decided_on=date(2026, 1, 1), review_on=review_on, decided_by=decider
        )
    dash = workspace_dashboard(workspace=ws, today=TODAY)
    assert dash.health[0].decisions_due == 2
    assert [(d.what, d.decider, d.days_late) for d in dash.overdue_decisions] == [("Past", "Pmperson", 3)]
    html = _page(client, people["admin"])
    decisions = reverse("raci:decisions", args=[ws.slug, "core"])
    assert f'<a href="{decisions}">2 decisions to review</a>' in html
    assert f'<a href="{decisions}">“Past”</a>' in html
    assert "3 days late" in html


# --- this quarter's launches --------------------------------------------------------------


@FROZEN
def test_this_quarters_launches_by_tier_with_readiness_bars_and_links(client, team):
    ws, people = team
    _sales_trains(ws)
    cycle = launch_services.cycle_create(workspace=ws, quarter="2026-Q4")
    ready = _launch(cycle, people, "Ready one", tier=3)
    _close(ready, "support-docs", "pricing")
    _close(ready, "sales-training", status="waived")
    halfway = _launch(cycle, people, "Halfway", tier=3)
    _close(halfway, "support-docs", "pricing")
    _launch(cycle, people, "Big bet", tier=1)
    _launch(cycle, people, "Not yet tiered")
    next_quarter = launch_services.cycle_create(workspace=ws, quarter="2027-Q1")
    _launch(next_quarter, people, "Next year", tier=3)

    quarter = workspace_dashboard(workspace=ws, today=TODAY).quarter
    assert quarter.name == "2026-Q4" and quarter.ready == 1
    assert sorted(l.name for l in quarter.launches) == ["Big bet", "Halfway", "Not yet tiered", "Ready one"]
    assert [(t.name, t.launches, t.ready) for t in quarter.tiers] == [
        ("Tier 1", 1, 0),
        ("Tier 2", 0, 0),
        ("Tier 3", 2, 1),
        ("Untiered", 1, 0),
    ]
    by_name = {l.name: l for l in quarter.launches}
    assert (by_name["Halfway"].bar.done, by_name["Halfway"].required) == (2, 3)
    assert by_name["Halfway"].readiness.owners == ("SALES · Salesperson",)

    html = _page(client, people["admin"])
    board = reverse("launches:cycle", args=[ws.slug, "2026-q4"])
    assert f'<a href="{board}#col-3">Tier 3</a>' in html
    assert f'<a href="{board}#col-untiered">Untiered</a>' in html
    assert "1 to tier" in html
    assert reverse("launches:launch", args=[ws.slug, "2026-q4", halfway.pk]) in html
    assert '<rect class="bar-done" width="67" height="8"/>' in html
    assert "2 of 3 required items done" in html
    assert "Next year" not in html
    assert '<span class="n">1<span class="of">/4</span></span> launches ready in <span class="q">2026-Q4</span>' in html


@FROZEN
def test_a_quarter_without_a_cycle_invites_to_plan_it(client, team):
    ws, people = team
    launch_services.cycle_create(workspace=ws, quarter="2027-Q1")
    html = _page(client, people["admin"])
    assert "No launches this quarter." in html
    assert f'<a href="{reverse("launches:cycles", args=[ws.slug])}">Plan 2026-Q4</a>' in html


@FROZEN
def test_an_empty_cycle_points_to_its_board(client, team):
    ws, people = team
    launch_services.cycle_create(workspace=ws, quarter="2026-Q4")
    html = _page(client, people["admin"])
    assert "No launches in 2026-Q4 yet." in html
    assert reverse("launches:cycle", args=[ws.slug, "2026-q4"]) in html


@FROZEN
def test_a_new_workspace_gets_helpful_empty_states(client):
    member = MembershipFactory(access=Access.ADMIN)
    html = _page(client, member)
    assert "No matrix yet" in html and "Create the first matrix" in html
    assert "Plan 2026-Q4" in html
    assert "Nothing overdue" in html
    assert "No ritual planned" in html
    assert 'class="glance"' not in html  # rows of zeros say nothing to a new team


# --- overdue, and whose it is ---------------------------------------------------------------


@FROZEN
def test_overdue_items_name_their_owner_or_role_and_link_to_the_item(client, team):
    ws, people = team
    _sales_trains(ws)
    cycle = launch_services.cycle_create(workspace=ws, quarter="2026-Q4")
    late = _launch(cycle, people, "Late launch", tier=3, launch_date=TODAY - timedelta(days=2))
    _close(late, "release-note")
    ReadinessItem.objects.filter(launch=late, key="pricing").update(owner=None)
    past = launch_services.cycle_create(workspace=ws, quarter="2026-Q3")
    old = _launch(past, people, "Last quarter", tier=3, launch_date=date(2026, 9, 20))
    _close(old, "release-note", "support-docs", "pricing")
    _launch(cycle, people, "On time", tier=3)

    items = workspace_dashboard(workspace=ws, today=TODAY).overdue_items
    assert [(i.launch_name, i.title, i.owner, i.owner_role, i.days_late) for i in items] == [
        ("Last quarter", "Sales briefed", "Salesperson", "SALES", 62),
        ("Late launch", "Help doc update", "Supperson", "SUP", 5),
        ("Late launch", "Pricing checked (no change or updated)", "", "PMM", 5),
        ("Late launch", "Sales briefed", "Salesperson", "SALES", 3),
    ]
    html = _page(client, people["admin"])
    item = items[1]
    assert f"{reverse('launches:launch', args=[ws.slug, '2026-q4', late.pk])}#item-{item.id}" in html
    assert 'PMM <span class="warn-text">(nobody holds the role)</span>' in html
    assert '<span class="n">4</span> overdue' in html


@FROZEN
def test_user_text_is_escaped(client, team):
    ws, people = team
    cycle = launch_services.cycle_create(workspace=ws, quarter="2026-Q4")
    _launch(cycle, people, "<script>alert(1)</script>", tier=3, launch_date=TODAY - timedelta(days=5))
    html = _page(client, people["admin"])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- next rituals ---------------------------------------------------------------------------


@FROZEN
def test_next_rituals_soonest_first_link_to_their_meeting(client, team):
    ws, people = team
    pm = Role.objects.get(workspace=ws, code="PM")
    weekly = Ritual.objects.create(
        workspace=ws, name="Launch standup", cadence="weekly", starts_on=TODAY, owner_role=pm
    )
    monthly = Ritual.objects.create(
        workspace=ws, name="Roadmap review", cadence="monthly", starts_on=TODAY + timedelta(days=1)
    )
    Ritual.objects.create(workspace=ws, name="Paused huddle", cadence="weekly", starts_on=TODAY, paused=True)
    dash = workspace_dashboard(workspace=ws, today=TODAY)
    assert [(r.name, when) for r, when in dash.rituals] == [
        ("Launch standup", "Today"),
        ("Roadmap review", "Tomorrow"),
        ("Launch standup", "Fri 27 Nov"),
    ]
    html = _page(client, people["admin"])
    assert reverse("rituals:occurrence", args=[ws.slug, weekly.pk, "2026-11-20"]) in html
    assert reverse("rituals:occurrence", args=[ws.slug, monthly.pk, "2026-11-21"]) in html
    assert "Paused huddle" not in html


# --- access ------------------------------------------------------------------------------------


@FROZEN
def test_a_viewer_sees_the_dashboard_without_edit_buttons(client, team):
    ws, _ = team
    build_matrix(ws, activities=2, roles=2, name="Core")
    viewer = MembershipFactory(workspace=ws, access=Access.VIEWER)
    html = _page(client, viewer)
    assert 'id="quarter"' in html and 'id="overdue"' in html and 'id="health"' in html
    assert "New matrix" not in html


def test_another_workspace_is_not_found(client, team):
    ws, _ = team
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    assert client.get(reverse("dashboard:workspace", args=[ws.slug])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, team):
    ws, _ = team
    response = client.get(reverse("dashboard:workspace", args=[ws.slug]))
    assert response.status_code == 302 and "/login" in response["Location"]


# --- speed --------------------------------------------------------------------------------------


def _grow(ws, people, cycle, *, matrices: range, launches: range):
    for n in matrices:
        matrix, _, _ = build_matrix(ws, activities=3, roles=2, name=f"M{n}")
        Matrix.objects.filter(pk=matrix.pk).update(
            errors=n % 3, review_cadence_days=10, last_reviewed_on=date(2026, 1, 1)
        )
        Decision.objects.create(
            matrix=matrix,
            what=f"D{n}",
            decided_on=date(2026, 1, 1),
            review_on=date(2026, 2, 1),
            decided_by=people["PM"].user,
        )
        Ritual.objects.create(
            workspace=ws,
            name=f"R{n}",
            cadence="weekly",
            starts_on=TODAY + timedelta(days=n),
            owner_role=Role.objects.get(workspace=ws, code="PM"),
        )
    for n in launches:
        # Launch dates around today, so some checklists are overdue and some are not.
        _launch(cycle, people, f"L{n}", tier=n % 3 + 1, launch_date=TODAY + timedelta(days=n - 5))


@FROZEN
def test_dashboard_queries_stay_the_same_from_small_to_large_workspace(client, team):
    ws, people = team
    client.force_login(people["admin"].user)
    url = reverse("dashboard:workspace", args=[ws.slug])
    cycle = launch_services.cycle_create(workspace=ws, quarter="2026-Q4")
    grown = {"matrices": 0, "launches": 0}

    def build(size):  # matrices and launches: 2 and 2, then 8 and 12
        matrices, launches = (2, 2) if size == 2 else (8, 12)
        _grow(
            ws, people, cycle, matrices=range(grown["matrices"], matrices), launches=range(grown["launches"], launches)
        )
        grown.update(matrices=matrices, launches=launches)

    def check(response, _):
        assert response.status_code == 200

    assert_same_queries(build, lambda _: client.get(url), sizes=(2, 12), at_most=QUERY_BOUND, check=check)
    dash = workspace_dashboard(workspace=ws, today=TODAY)
    assert (len(dash.matrices), len(dash.quarter.launches)) == (8, 12)
    assert dash.overdue_items and dash.overdue_decisions and len(dash.rituals) == 3


# --- the arithmetic (no database) ------------------------------------------------------------------


def test_day_label_says_today_and_tomorrow():
    assert [glance.day_label(TODAY + timedelta(days=n), TODAY) for n in (0, 1, 2)] == [
        "Today",
        "Tomorrow",
        "Sun 22 Nov",
    ]


def test_quarter_of_a_day():
    assert glance.quarter_of(date(2026, 12, 31)) == (2026, 4)
    assert glance.quarter_of(date(2027, 1, 1)) == (2027, 1)
    assert glance.quarter_name(2026, 4) == "2026-Q4"


def test_bar_segments_never_overflow_the_bar():
    bar = glance.Bar(done=1, late=1, total=3)
    assert (bar.done_pct, bar.late_pct) == (33, 34)
    assert glance.Bar(0, 0, 0).done_pct == 0


def test_tier_tallies_put_a_dropped_tier_in_the_last_and_show_untiered_only_when_some_are():
    tiers = [(1, "Big"), (2, "Small")]
    assert glance.tier_tallies(tiers, [(1, True), (3, False), (2, True)]) == [
        glance.TierTally(1, "Big", 1, 1),
        glance.TierTally(2, "Small", 2, 1),
    ]
    assert glance.tier_tallies(tiers, [(None, False)])[-1] == glance.TierTally(None, "Untiered", 1, 0)


def test_overdue_is_counted_from_the_date_where_the_team_is(client):
    """At 23:30 UTC on 20 Nov it is already 21 Nov in Auckland: an item due on the 20th is
    late there, not yet in London."""
    from datetime import date

    import time_machine

    from launches import services as launch_services
    from launches.models import ReadinessItem
    from tests.factories import MembershipFactory
    from workspaces.models import Access, Workspace

    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    cycle = launch_services.cycle_create(workspace=ws, quarter="2026-Q4")
    launch = launch_services.launch_create(cycle=cycle, name="Billing", launch_date=date(2026, 12, 1))
    ReadinessItem.objects.create(
        launch=launch, key="pricing", title="Pricing", required=True, due_date=date(2026, 11, 20), owner=admin
    )
    client.force_login(admin.user)
    url = f"/w/{ws.slug}/"
    with time_machine.travel("2026-11-20 23:30Z", tick=False):
        Workspace.objects.filter(pk=ws.pk).update(time_zone="Europe/London")
        assert "Pricing" not in _overdue_section(client.get(url).content.decode())
        Workspace.objects.filter(pk=ws.pk).update(time_zone="Pacific/Auckland")
        assert "Pricing" in _overdue_section(client.get(url).content.decode())


def _overdue_section(page: str) -> str:
    start = page.find("Overdue, and whose it is")
    return page[start : page.find("</section>", start)] if start != -1 else ""


# --- the matrix index's "Last change" ------------------------------------------------------------


def _edit(matrix, member, activity, role, value):
    from raci import services as raci_services
    from raci.models import Cell

    version = Cell.objects.filter(activity=activity, role=role).values_list("version", flat=True).first() or 0
    matrix.refresh_from_db()
    raci_services.cell_set(
        matrix=matrix,
        activity_id=activity.pk,
        role_id=role.pk,
        value=value,
        expected_version=version,
        actor=member.user,
    )


def test_last_change_is_the_newest_edit_not_the_creation_time(client, team):
    ws, people = team
    with time_machine.travel("2026-11-02 09:00Z", tick=False):
        matrix, acts, roles = build_matrix(ws, activities=3, roles=2, name="Launch plan")
    with time_machine.travel("2026-11-18 16:45Z", tick=False):
        for value in ("C", "I", "C"):
            _edit(matrix, people["admin"], acts[0], roles[1], value)
    page = _page(client, people["admin"])
    row = page[page.index(">Launch plan</a>") :]
    row = row[: row.index("</tr>")]
    assert "18 Nov 2026, 16:45" in row and "2 Nov 2026" not in row


def test_a_matrix_nobody_edited_shows_when_it_was_made(client, team):
    ws, people = team
    with time_machine.travel("2026-11-02 09:00Z", tick=False):
        build_matrix(ws, activities=2, roles=2, name="Fresh")
    page = _page(client, people["admin"])
    assert "2 Nov 2026, 09:00" in page[page.index(">Fresh</a>") :]


def test_last_change_costs_no_query_per_matrix(client, team):
    ws, people = team
    client.force_login(people["admin"].user)
    url = reverse("dashboard:workspace", args=[ws.slug])

    def grow(names):
        for n in names:
            matrix, acts, roles = build_matrix(ws, activities=2, roles=2, name=f"X{n:02d}")
            _edit(matrix, people["admin"], acts[0], roles[1], "I")

    have = [0]

    def build(size):
        grow(range(have[0], size))
        have[0] = size

    def check(response, size):
        assert response.status_code == 200 and response.content.decode().count("<time datetime=") >= size

    assert_same_queries(build, lambda _: client.get(url), sizes=(2, 20), check=check)


# --- roles nobody holds, any quarter -----------------------------------------------------


@FROZEN
def test_a_banner_lists_the_roles_nobody_holds_that_own_something(client, team):
    ws, people = team
    _sales_trains(ws)
    idle = Role.objects.create(workspace=ws, code="OPS", name="Operations")  # owns nothing: not listed
    RoleHolder.objects.filter(role__code="SUP").delete()
    body = _page(client, people["admin"])
    banner = body[body.index('class="card unheld-banner"') :].split("</section>", 1)[0]
    sup = Role.objects.get(workspace=ws, code="SUP")
    assert "Nobody holds SUP" in banner and reverse("workspaces:role_edit", args=[ws.slug, sup.pk]) in banner
    assert "R or A in a matrix" in banner and idle.code not in banner
    RoleHolder.objects.create(role=sup, membership=people["PM"])
    assert "unheld-banner" not in _page(client, people["admin"])


@FROZEN
def test_the_dashboard_shows_any_quarter(client, team):
    ws, people = team
    later = launch_services.cycle_create(workspace=ws, quarter="2027-Q3")
    _launch(later, people, "Far-off launch", launch_date=None)
    url = reverse("dashboard:workspace", args=[ws.slug])
    client.force_login(people["admin"].user)
    body = client.get(url + "?quarter=2027-q3").content.decode()
    assert "Launches in 2027-Q3" in body and "Far-off launch" in body
    assert "?quarter=2027-q2#quarter" in body and "?quarter=2027-q4#quarter" in body and ">This quarter<" in body
    assert "Far-off launch" not in client.get(url).content.decode()
    assert client.get(url + "?quarter=nonsense").status_code == 404
