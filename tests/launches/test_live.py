"""A cycle's number counts the changes to what its board and quarter page show: every kind
of write moves it (by one however many rows it saves), a write rolled back moves nothing,
another workspace's cycles never move, and the new number is announced once it commits."""

from collections import defaultdict
from datetime import date

import pytest
from django.db import transaction

from core import push
from launches import live, services
from launches.models import LaunchCycle, ReadinessItem
from launches.services import relay as relay_services
from tests.factories import MembershipFactory, build_team
from tests.launches.conftest import TIER_2_SCORES, make_launch, owners_matrix
from workspaces.models import Role

pytestmark = pytest.mark.django_db


def version(cycle) -> int:
    return LaunchCycle.objects.get(pk=cycle.pk).version


@pytest.fixture
def plan(team):
    """A tiered launch with its checklist, a second launch, and the next quarter's cycle."""
    ws, cycle, people = team
    owners_matrix(ws)
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    other = make_launch(cycle, people, name="Single sign-on", launch_date=date(2027, 2, 1))
    later = services.cycle_create(workspace=ws, quarter="2027-Q2")
    launch.refresh_from_db()
    return {"ws": ws, "cycle": cycle, "people": people, "launch": launch, "other": other, "later": later}


def _item(launch, key=None):
    items = launch.items.all() if key is None else launch.items.filter(key=key)
    return items.exclude(key="metric").first()


def _advance(p):
    launch, people = p["launch"], p["people"]
    return relay_services.launch_advance(
        launch=launch, actor=people["PM"], to_member_id=people["PMM"].pk, note="notes", expected_version=0
    )


WRITES = {
    "a launch added": lambda p: make_launch(p["cycle"], p["people"], name="New one"),
    "launches imported": lambda p: services.launches_import(cycle=p["cycle"], data=b"Name\nAlpha\nBeta\n"),
    "a launch edited": lambda p: services.launch_update(
        launch=p["launch"], name="Renamed", launch_date=date(2027, 3, 20), pm_owner_id=p["people"]["PM"].pk
    ),
    "a launch scored": lambda p: services.launch_score(launch=p["other"], scores=TIER_2_SCORES),
    "a launch tiered": lambda p: services.launch_set_tier(
        launch=p["other"], tier=3, reason="Small", actor=p["people"]["PM"]
    ),
    "a tier confirmed": lambda p: services.tier_confirm(launch=p["launch"], membership=p["people"]["PM"], as_code="PM"),
    "a readiness item ticked": lambda p: services.item_update(
        launch=p["launch"], item_id=_item(p["launch"]).pk, status="done"
    ),
    "an item's owner role chosen": lambda p: services.item_choose_role(
        launch=p["launch"], item_id=_item(p["launch"]).pk, role_id=None
    ),
    "a go decision": lambda p: services.go_record(launch=p["launch"], decision="no_go", actor=p["people"]["PM"].user),
    "a status update": lambda p: services.status_update(
        launch=p["launch"], status="at_risk", note="Late", author=p["people"]["PM"]
    ),
    "a dependency added": lambda p: services.dependency_add(launch=p["launch"], before_id=p["other"].pk),
    "an outcome recorded": lambda p: services.outcome_record(
        launch=p["launch"],
        launched_on=date(2027, 3, 15),
        metric_name="Upgrades",
        metric_target=None,
        metric_actual=None,
        outcome="",
    ),
    "a hand-over": _advance,
    "a driver named": lambda p: relay_services.driver_set(
        launch=p["launch"], actor=p["people"]["PM"], member_id=p["people"]["PM"].pk
    ),
    "a checkpoint answered": lambda p: relay_services.checkpoint_answer(
        launch=p["launch"], member=p["people"]["PM"], side="pm", answer=True, note="", expected_version=0
    ),
    "a date to avoid": lambda p: services.avoid_date_add(workspace=p["ws"], name="Freeze", start=date(2027, 3, 1)),
    "the rubric": lambda p: services.rubric_update(
        workspace=p["ws"],
        questions=[("Reach", 1), ("Revenue", 1)],
        thresholds=[6, 5],
        tier_names=["Big", "Medium", "Small"],
    ),
    "a member's launches handed over": lambda p: services.hand_over_launches(
        membership=p["people"]["PM"], to=defaultdict(lambda: p["people"]["editor"]), actor=None
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_kind_of_write_moves_the_cycle_s_number(plan, write):
    before = version(plan["cycle"])
    WRITES[write](plan)
    assert version(plan["cycle"]) > before


def test_a_tier_that_plans_a_whole_checklist_moves_the_number_once(plan):
    before = version(plan["cycle"])
    services.launch_set_tier(launch=plan["other"], tier=1, reason="Big bet", actor=plan["people"]["PM"])
    assert plan["other"].items.count() > 5
    services.launch_set_tier(launch=plan["other"], tier=3, reason="Smaller", actor=plan["people"]["PM"])
    assert version(plan["cycle"]) == before + 2


def test_writes_that_send_no_signal_move_the_number_too(plan):
    """The checklist's owners taken again from the matrix, and a role's new holder given the
    items waiting on it, are bulk updates."""
    launch, cycle = plan["launch"], plan["cycle"]
    item = _item(launch)
    ReadinessItem.objects.filter(pk=item.pk).update(owner_role=None, owner=None)
    before = version(cycle)
    assert services.checklist_owners_refresh(launch=launch)
    assert version(cycle) == before + 1
    support = Role.objects.get(workspace=plan["ws"], code="SUP")
    ReadinessItem.objects.filter(launch=launch, owner_role=support).update(owner=None)
    assert services.holders_named(role_ids=[support.pk])
    assert version(cycle) == before + 2


def test_a_launch_moved_to_another_quarter_moves_both_cycles(plan):
    launch = plan["launch"]
    services.launch_update(launch=launch, name=launch.name, launch_date=date(2027, 5, 3))
    cycle, later = version(plan["cycle"]), version(plan["later"])
    services.launch_move_to_quarter(launch=launch)
    assert (version(plan["cycle"]), version(plan["later"])) == (cycle + 1, later + 1)


def test_a_launch_others_wait_for_moves_their_quarter_too(plan):
    """Its date orders theirs: their plan warnings read it."""
    waiting = make_launch(plan["later"], plan["people"], name="Waits", launch_date=date(2027, 4, 20))
    services.dependency_add(launch=waiting, before_id=plan["launch"].pk)
    later = version(plan["later"])
    services.launch_update(launch=plan["launch"], name=plan["launch"].name, launch_date=date(2027, 3, 25))
    assert version(plan["later"]) == later + 1


def test_a_date_to_avoid_moves_every_cycle_of_the_workspace_and_no_other(plan):
    elsewhere = build_team()[1]
    before = (version(plan["cycle"]), version(plan["later"]), version(elsewhere))
    avoid = services.avoid_date_add(workspace=plan["ws"], name="Freeze", start=date(2027, 3, 1))
    services.avoid_date_remove(workspace=plan["ws"], avoid_id=avoid.pk)
    assert (version(plan["cycle"]), version(plan["later"]), version(elsewhere)) == (
        before[0] + 2,
        before[1] + 2,
        before[2],
    )


def test_a_write_rolled_back_moves_nothing_and_the_next_one_still_counts(plan):
    cycle = plan["cycle"]
    before = version(cycle)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.status_update(launch=plan["launch"], status="at_risk", note="Late", author=plan["people"]["PM"])
        raise RuntimeError
    assert version(cycle) == before
    services.status_update(launch=plan["launch"], status="at_risk", note="Late", author=plan["people"]["PM"])
    assert version(cycle) == before + 1


def test_a_change_is_announced_by_its_new_number_once_it_commits(
    plan, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PUSH_REDIS_URL = "redis://127.0.0.1:6379/15"
    sent = []
    monkeypatch.setattr(push, "publish", lambda channel, message: sent.append((channel, message)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.launch_set_tier(launch=plan["other"], tier=1, reason="Big bet", actor=plan["people"]["PM"])
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [(live.channel(plan["cycle"].pk), {"kind": "changed", "seq": version(plan["cycle"])})]


def test_a_write_in_another_workspace_moves_nothing_here(plan):
    stranger = MembershipFactory(access="admin")
    mine = services.cycle_create(workspace=stranger.workspace, quarter="2027-Q1")
    before = version(plan["cycle"])
    make_launch(mine, name="Theirs")
    assert version(plan["cycle"]) == before
