"""Launch services against the database: cycles, tiers with reasons and confirmations,
checklist planning and re-planning, go/no-go gating."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import InvalidInput, NotFound
from launches import services
from launches.models import GoDecision, TieringRubric
from launches.selectors import checklist_of, readiness_of, rubric_of
from tests.factories import MatrixFactory, MembershipFactory, WorkspaceFactory
from tests.launches.conftest import (
    OWNER_LETTERS,
    TIER_1_SCORES,
    TIER_2_SCORES,
    TIER_3_SCORES,
    make_launch,
    owners_matrix,
)
from workspaces.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["2027-Q1", "2027-q1", "2027 Q1", "2027Q1", " 2027/q1 "])
def test_cycle_quarter_spellings(team, text):
    ws = WorkspaceFactory()
    cycle = services.cycle_create(workspace=ws, quarter=text)
    assert (cycle.year, cycle.quarter, cycle.slug, cycle.name) == (2027, 1, "2027-q1", "2027-Q1")


@pytest.mark.parametrize("text", ["2027-Q5", "Q1", "next quarter", "", "1999-Q1"])
def test_cycle_quarter_must_be_a_quarter(team, text):
    with pytest.raises(InvalidInput):
        services.cycle_create(workspace=team[0], quarter=text)


def test_one_cycle_per_quarter_per_workspace(team):
    ws, cycle, _ = team
    with pytest.raises(InvalidInput, match="already"):
        services.cycle_create(workspace=ws, quarter="2027-q1")
    assert services.cycle_create(workspace=WorkspaceFactory(), quarter="2027-Q1").slug == "2027-q1"


def test_launch_owners_and_matrix_come_from_the_workspace(team):
    ws, cycle, people = team
    stranger = MembershipFactory()
    with pytest.raises(InvalidInput) as error:
        services.launch_create(cycle=cycle, name="X", pm_owner_id=stranger.pk)
    assert error.value.field == "pm_owner"
    with pytest.raises(InvalidInput) as error:
        services.launch_create(cycle=cycle, name="X", matrix_id=MatrixFactory().pk)
    assert error.value.field == "matrix"
    mine = MatrixFactory(workspace=ws)
    launch = services.launch_create(
        cycle=cycle,
        name="  Usage   billing ",
        pm_owner_id=people["PM"].pk,
        pmm_owner_id=people["PMM"].pk,
        matrix_id=mine.pk,
    )
    assert launch.name == "Usage billing" and launch.matrix == mine


def test_launch_date_not_before_ship_date(team):
    with pytest.raises(InvalidInput) as error:
        make_launch(team[1], ship_date=date(2027, 3, 20), launch_date=date(2027, 3, 1))
    assert error.value.field == "launch_date"


def test_score_returns_the_suggestion(team):
    launch = make_launch(team[1])
    assert services.launch_score(launch=launch, scores=TIER_1_SCORES) == 1
    assert services.launch_score(launch=launch, scores=TIER_3_SCORES) == 3
    launch.refresh_from_db()
    assert launch.scores == TIER_3_SCORES
    with pytest.raises(InvalidInput):
        services.launch_score(launch=launch, scores=[3, 3])


def test_the_suggested_tier_needs_no_reason(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    assert launch.tier == 2 and launch.tier_reason == "" and launch.tiered_by == people["PMM"]


def test_another_tier_than_the_suggestion_is_refused_without_a_reason(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    with pytest.raises(InvalidInput, match="suggests Tier 2") as error:
        services.launch_set_tier(launch=launch, tier=1, reason="   ", actor=people["PMM"])
    assert error.value.field == "reason"
    launch.refresh_from_db()
    assert launch.tier is None and not launch.items.exists()
    launch = services.launch_set_tier(launch=launch, tier=1, reason="Analyst day is the same week", actor=people["PMM"])
    assert launch.tier == 1 and launch.tier_reason == "Analyst day is the same week"


def test_an_unscored_launch_needs_a_reason_for_any_tier(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with pytest.raises(InvalidInput, match="not scored"):
        services.launch_set_tier(launch=launch, tier=3, actor=people["PMM"])


def test_no_such_tier(team):
    launch = make_launch(team[1])
    with pytest.raises(InvalidInput):
        services.launch_set_tier(launch=launch, tier=4, reason="x", actor=team[2]["PMM"])


def test_workspace_rubric_changes_the_suggestion(team):
    ws, cycle, people = team
    services.rubric_update(
        workspace=ws,
        questions=[("Revenue?", 3), ("Reach?", 1)],
        thresholds=[10, 7],
        tier_names=["Major", "Minor", "Patch"],
    )
    launch = make_launch(cycle, people)
    assert services.launch_score(launch=launch, scores=[3, 1]) == 1
    launch = services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])
    assert rubric_of(workspace_id=ws.pk).tier_name(launch.tier) == "Major"


def test_rubric_update_refuses_a_broken_rubric(team):
    with pytest.raises(InvalidInput) as error:
        services.rubric_update(workspace=team[0], questions=[("a", 1)], thresholds=[5, 9], tier_names=["1", "2", "3"])
    assert error.value.field == "thresholds"
    assert not TieringRubric.objects.exists()


def test_tier_one_and_two_are_confirmed_by_two_different_leads(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    assert not launch.confirmed
    with pytest.raises(InvalidInput, match="PM owner or a workspace admin"):
        services.tier_confirm(launch=launch, membership=people["PMM"], as_code="PM")
    with pytest.raises(InvalidInput, match="PMM owner or a workspace admin"):
        services.tier_confirm(launch=launch, membership=people["editor"], as_code="PMM")
    launch = services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    assert launch.pm_confirmed_by == people["PM"] and launch.pm_confirmed_at and not launch.confirmed
    launch = services.tier_confirm(launch=launch, membership=people["PMM"], as_code="PMM")
    assert launch.pmm_confirmed_by == people["PMM"] and launch.pmm_confirmed_at and launch.confirmed


def test_one_person_with_both_hats_cannot_confirm_twice(team):
    _, cycle, people = team
    # A startup: one person owns the launch as PM and as PMM.
    launch = make_launch(cycle, {"PM": people["PM"], "PMM": people["PM"]})
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=1, actor=people["PM"])
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    with pytest.raises(InvalidInput, match="two different people"):
        services.tier_confirm(launch=launch, membership=people["PM"], as_code="PMM")


def test_tier_three_needs_no_confirmation_and_a_new_tier_clears_them(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_3_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=3, actor=people["PMM"])
    assert launch.confirmed
    with pytest.raises(InvalidInput, match="Only Tier 1 and Tier 2"):
        services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    launch = services.launch_set_tier(launch=launch, tier=2, reason="Bigger than it looks", actor=people["PMM"])
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    launch = services.launch_set_tier(launch=launch, tier=1, reason="Even bigger", actor=people["PMM"])
    assert launch.pm_confirmed_by is None and launch.pm_confirmed_at is None


def test_tiering_creates_the_checklist_with_owners_from_the_matrix_and_due_dates(team):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 15))
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    items = {i.key: i for i in launch.items.select_related("owner_role", "owner")}
    assert set(items) == {
        "blog",
        "sales-deck",
        "sales-training",
        "pricing",
        "support-docs",
        "support-macros",
        "in-app",
        "metric",
    }
    assert {k for k, i in items.items() if i.required} == {"sales-training", "pricing", "support-docs", "metric"}
    # Launch Readiness: PM A, SUP R -> the single R; Sales/CS Enablement: PMM A/R.
    assert items["support-docs"].owner_role.code == "SUP" and items["support-docs"].owner == people["SUP"]
    assert items["sales-training"].owner_role.code == "PMM" and items["sales-training"].owner == people["PMM"]
    assert items["pricing"].owner == people["PMM"] and items["in-app"].owner == people["PMM"]
    assert items["metric"].owner_role.code == "PM" and items["metric"].owner == people["PM"]
    assert items["pricing"].due_date == date(2027, 3, 1)
    assert all(i.status == "todo" for i in items.values())


def test_tiering_never_creates_a_role(team):
    ws, cycle, people = team
    owners_matrix(ws)
    before = set(Role.objects.filter(workspace=ws).values_list("code", flat=True))
    for tier in (1, 2, 3):
        launch = make_launch(cycle, people, name=f"Launch {tier}")
        services.launch_set_tier(launch=launch, tier=tier, reason="Planned", actor=people["PMM"])
    assert set(Role.objects.filter(workspace=ws).values_list("code", flat=True)) == before


def test_changing_tier_replans_without_losing_done_items(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])
    items = {i.key: i for i in launch.items.all()}
    services.item_update(launch=launch, item_id=items["analyst-briefing"].pk, status="done")
    services.item_update(launch=launch, item_id=items["support-docs"].pk, status="done")
    services.item_update(launch=launch, item_id=items["blog"].pk, status="in_progress")
    services.launch_set_tier(launch=launch, tier=3, reason="Scope cut", actor=people["PMM"])
    after = {i.key: i for i in launch.items.all()}
    assert set(after) == {"analyst-briefing", "blog", "support-docs", "pricing", "sales-training", "release-note"}
    assert after["analyst-briefing"].status == "done" and after["analyst-briefing"].pk == items["analyst-briefing"].pk
    assert after["support-docs"].status == "done" and after["support-docs"].title == "Help doc update"
    assert after["support-docs"].due_date == date(2027, 3, 12)
    assert after["blog"].status == "in_progress"
    # Back to untiered: untouched items go, done ones stay.
    services.launch_set_tier(launch=launch, tier=None, actor=people["PMM"])
    assert set(launch.items.values_list("key", flat=True)) == {"analyst-briefing", "blog", "support-docs"}


def test_waiving_needs_a_reason_and_items_are_scoped_to_the_launch(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    other = make_launch(cycle, people, name="Other")
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    services.launch_set_tier(launch=other, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="pricing")
    with pytest.raises(InvalidInput, match="why"):
        services.item_update(launch=launch, item_id=item.pk, status="waived", waive_reason=" ")
    services.item_update(launch=launch, item_id=item.pk, status="waived", waive_reason="No pricing change")
    item.refresh_from_db()
    assert item.status == "waived" and item.waive_reason == "No pricing change"
    with pytest.raises(NotFound):
        services.item_update(launch=other, item_id=item.pk, status="done")
    with pytest.raises(InvalidInput):
        services.item_update(launch=launch, item_id=item.pk, status="finished")


def test_readiness_line_names_open_items_overdue_and_owners(team):
    ws, cycle, people = team
    owners_matrix(
        ws,
        letters={"launch-readiness": ("Launch Readiness", "launch", {"PM": "A"})}
        | {k: v for k, v in OWNER_LETTERS.items() if k != "launch-readiness"},
    )
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 15))
    launch = services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    items = checklist_of(launch=launch)
    verdict = readiness_of(launch=launch, items=items, today=date(2027, 3, 13))
    # pricing (due 12 Mar, PMM) overdue; support docs (due 12 Mar, PM: the A) overdue; sales (14 Mar, PMM)
    assert verdict.open_required == 3 and verdict.overdue == 2
    assert set(verdict.owners) == {f"PMM · {people['PMM'].display_name}", f"PM · {people['PM'].display_name}"}
    assert verdict.line.startswith("Not ready: 3 open required items (2 overdue), waiting on ")
    for item in items:
        if item.required:
            services.item_update(launch=launch, item_id=item.pk, status="done")
    assert readiness_of(launch=launch, items=checklist_of(launch=launch), today=date(2027, 3, 13)).line == "Ready"


def test_go_is_refused_while_a_required_item_is_open(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with pytest.raises(InvalidInput, match="Not tiered yet"):
        services.go_record(launch=launch, decision="go", actor=people["PMM"].user)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    with pytest.raises(InvalidInput, match="3 things to settle first"):
        services.go_record(launch=launch, decision="go", actor=people["PMM"].user)
    no_go = services.go_record(launch=launch, decision="no_go", notes="Docs missing", actor=people["PMM"].user)
    assert no_go.decided_by == people["PMM"].user and no_go.decided_at
    items = {i.key: i for i in launch.items.all()}
    services.item_update(launch=launch, item_id=items["pricing"].pk, status="waived", waive_reason="No change")
    services.item_update(launch=launch, item_id=items["support-docs"].pk, status="done")
    with pytest.raises(InvalidInput, match="1 thing to settle first: Sales briefed is open"):
        services.go_record(launch=launch, decision="go", actor=people["PMM"].user)
    services.item_update(launch=launch, item_id=items["sales-training"].pk, status="done")
    go = services.go_record(launch=launch, decision="go", notes="Ship it", actor=people["PMM"].user)
    assert go.decision == "go" and GoDecision.objects.filter(launch=launch).count() == 2


def test_go_is_refused_with_every_blocker_at_once(team):
    """Not one reason at a time: the unconfirmed leads, every open required item and the
    metric, each with the place on the launch page where it is fixed."""
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    with pytest.raises(services.GoRefused) as refused:
        services.go_record(launch=launch, decision="go", actor=people["PMM"].user)
    items = {i.key: i for i in launch.items.all()}
    anchors = [b.anchor for b in refused.value.blockers]
    assert anchors[0] == "#tier"
    assert set(anchors[1:]) == {f"#item-{items[k].pk}" for k in ("sales-training", "pricing", "support-docs", "metric")}
    message = refused.value.message
    assert message.startswith("Not ready for go: 5 things to settle first: The PM and PMM leads have not confirmed")
    assert "Pricing and packaging update is open: " in message and "Primary metric and target agreed is open" in message
    assert not GoDecision.objects.filter(launch=launch).exists()


def test_go_is_refused_until_the_leads_confirm_a_tier_two(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    launch.items.filter(required=True).exclude(key="metric").update(status="done")
    with pytest.raises(InvalidInput, match="confirm"):
        services.go_record(launch=launch, decision="go", actor=people["PMM"].user)
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    services.tier_confirm(launch=launch, membership=people["PMM"], as_code="PMM")
    # The day-30 metric is a required item now: go waits for it like for any other.
    with pytest.raises(InvalidInput, match=r"1 thing to settle first: Primary metric and target agreed is open"):
        services.go_record(launch=launch, decision="go", actor=people["PMM"].user)
    services.outcome_record(
        launch=launch,
        launched_on=None,
        metric_name="Activated accounts",
        metric_target=Decimal("100"),
        metric_actual=None,
        outcome="",
    )
    assert services.go_record(launch=launch, decision="go", actor=people["PMM"].user).decision == "go"
