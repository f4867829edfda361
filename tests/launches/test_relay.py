"""A launch's relay: it moves through the phases with hand-overs the next driver accepts,
a hand-over not accepted in time is a dropped baton (frozen clock), and Build waits for
the joint checkpoint both owners sign; a stale answer is refused."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.errors import Conflict, Forbidden, InvalidInput
from launches import relay, relay_notify, relay_selectors
from launches.models import CheckpointAnswer, Handover
from launches.services import relay as relay_services
from notifications.models import Notification
from raci.models import Decision
from tests.launches.conftest import make_launch, owners_matrix

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def launch(team):
    ws, cycle, people = team
    owners_matrix(ws)
    return make_launch(cycle, people)


def fresh(launch):
    launch.refresh_from_db()
    return launch


def advance(launch, actor, to, note="the interview notes"):
    return relay_services.launch_advance(
        launch=launch, actor=actor, to_member_id=to.pk, note=note, expected_version=fresh(launch).relay_version
    )


def answer(launch, member, side, yes, note="", must_change=""):
    return relay_services.checkpoint_answer(
        launch=launch,
        member=member,
        side=side,
        answer=yes,
        note=note,
        must_change=must_change,
        expected_version=fresh(launch).relay_version,
    )


def test_a_new_launch_starts_in_insight_and_one_made_before_the_relay_is_past_strategy(launch):
    assert launch.phase == "insight" and launch.driver is None
    assert relay.past_checkpoint(["insight", "strategy", "build"], "build")
    assert not relay.past_checkpoint(["insight", "strategy", "build"], "strategy")


def test_a_hand_over_moves_the_launch_and_the_next_driver_accepts_it(team, launch):
    _, _, people = team
    handover = advance(launch, people["PM"], people["PMM"])
    launch = fresh(launch)
    assert (launch.phase, launch.driver) == ("strategy", None)
    assert (handover.from_phase, handover.to_phase, handover.to_member, handover.note) == (
        "insight",
        "strategy",
        people["PMM"],
        "the interview notes",
    )
    assert Notification.objects.filter(user=people["PMM"].user, kind="handover").exists()
    with pytest.raises(Forbidden):
        relay_services.handover_accept(launch=launch, handover_id=handover.pk, member=people["PM"])
    relay_services.handover_accept(launch=launch, handover_id=handover.pk, member=people["PMM"])
    launch = fresh(launch)
    assert launch.driver == people["PMM"] and Handover.objects.get().accepted_at is not None
    assert Notification.objects.filter(user=people["PM"].user, kind="handover").exists()


def test_only_someone_holding_the_driving_role_is_handed_the_launch(team, launch):
    _, _, people = team
    advance(launch, people["PM"], people["PMM"])
    launch = fresh(launch)
    for side, member in (("pm", people["PM"]), ("pmm", people["PMM"])):
        answer(launch, member, side, True)
    # Build & Validate is PM's: support (SUP) holds no driving role.
    with pytest.raises(InvalidInput, match="holds no role that drives the next phase"):
        advance(launch, people["PMM"], people["SUP"])
    with pytest.raises(Forbidden):
        advance(launch, people["SUP"], people["PM"])


@pytest.mark.parametrize("note", ["", "x" * (relay.NOTE_MAX + 1), "a\x00b"])
def test_a_hand_over_needs_a_bounded_note(team, launch, note):
    _, _, people = team
    with pytest.raises(InvalidInput):
        advance(launch, people["PM"], people["PMM"], note=note)
    assert fresh(launch).phase == "insight"


def test_build_cannot_start_until_both_owners_said_yes(team, launch):
    _, _, people = team
    advance(launch, people["PM"], people["PMM"])
    with pytest.raises(InvalidInput, match="Build cannot start"):
        advance(launch, people["PMM"], people["PM"])
    answer(launch, people["PM"], "pm", True, note="The bets prove the promise")
    with pytest.raises(InvalidInput, match="Build cannot start"):
        advance(launch, people["PMM"], people["PM"])
    answer(launch, people["PMM"], "pmm", False, must_change="Narrow the segment to mid-market")
    with pytest.raises(InvalidInput, match="Build cannot start"):
        advance(launch, people["PMM"], people["PM"])
    answer(launch, people["PMM"], "pmm", True)
    advance(launch, people["PMM"], people["PM"])
    assert fresh(launch).phase == "build"


def test_each_owner_answers_only_their_side(team, launch):
    _, _, people = team
    with pytest.raises(Forbidden):
        answer(launch, people["PM"], "pmm", True)
    with pytest.raises(Forbidden):
        answer(launch, people["admin"], "pm", True)
    with pytest.raises(InvalidInput):
        answer(launch, people["PM"], "both", True)


def test_a_no_says_what_must_change_and_every_answer_goes_to_the_decision_log(team, launch):
    _, _, people = team
    with pytest.raises(InvalidInput, match="what must change"):
        answer(launch, people["PMM"], "pmm", False)
    given = answer(launch, people["PMM"], "pmm", False, must_change="Price per seat, not per account")
    decision = Decision.objects.get(pk=given.decision_id)
    assert "joint checkpoint, PMM owner says no" in decision.what
    assert "What must change: Price per seat, not per account" in decision.why
    assert relay.CHECKPOINT_QUESTION in decision.why
    assert Notification.objects.filter(user=people["PM"].user, kind="checkpoint").exists()


def test_a_stale_answer_is_refused(team, launch):
    _, _, people = team
    seen = fresh(launch).relay_version
    answer(launch, people["PM"], "pm", True)
    with pytest.raises(Conflict):
        relay_services.checkpoint_answer(
            launch=launch, member=people["PMM"], side="pmm", answer=True, note="", expected_version=seen
        )
    assert not CheckpointAnswer.objects.filter(side="pmm").exists()


def test_the_newest_answer_of_each_side_counts(team, launch):
    _, _, people = team
    answer(launch, people["PM"], "pm", True)
    answer(launch, people["PMM"], "pmm", True)
    answer(launch, people["PM"], "pm", False, must_change="Metrics first")
    checkpoint = relay_services.checkpoint_for(launch=launch)
    assert not checkpoint.signed and checkpoint.waiting_for == ["PM"]


def test_a_hand_over_not_accepted_in_time_is_a_dropped_baton_told_to_both_once(team, launch):
    ws, _, people = team
    relay_services.handover_days_set(workspace=ws, days=2)
    with time_machine.travel(T0, tick=False):
        handover = advance(launch, people["PM"], people["PMM"])
    flags = lambda now: relay_selectors.relay_flags(launches=[fresh(launch)], workspace_id=ws.pk, now=now)  # noqa: E731
    assert not flags(T0 + timedelta(days=1, hours=23))[launch.pk].dropped
    assert relay_notify.dropped_batons_tick(T0 + timedelta(days=1, hours=23)) == 0
    assert flags(T0 + timedelta(days=2))[launch.pk].dropped
    assert relay_notify.dropped_batons_tick(T0 + timedelta(days=2)) == 1
    assert relay_notify.dropped_batons_tick(T0 + timedelta(days=3)) == 0  # told once
    told = set(Notification.objects.filter(kind="baton_dropped").values_list("user_id", flat=True))
    assert told == {people["PM"].user_id, people["PMM"].user_id}
    # Accepting it late ends the flag.
    relay_services.handover_accept(launch=launch, handover_id=handover.pk, member=people["PMM"])
    assert not flags(T0 + timedelta(days=5))[launch.pk].dropped


def test_the_days_before_a_dropped_baton_are_bounded(team):
    ws, _, _ = team
    for days in (0, relay.HANDOVER_DAYS_MAX + 1):
        with pytest.raises(InvalidInput):
            relay_services.handover_days_set(workspace=ws, days=days)
    assert relay_selectors.handover_days_of(workspace_id=ws.pk) == relay.DEFAULT_HANDOVER_DAYS


def test_launches_past_strategy_without_a_signed_checkpoint_are_listed(team, launch):
    ws, cycle, people = team
    old = make_launch(cycle, people, name="Made before the relay")
    old.phase = "build"
    old.save(update_fields=["phase"])
    assert relay_selectors.unsigned_past_strategy(launches=[fresh(launch), old], workspace_id=ws.pk) == [old]
    for side, member in (("pm", people["PM"]), ("pmm", people["PMM"])):
        answer(old, member, side, True)
    assert relay_selectors.unsigned_past_strategy(launches=[old], workspace_id=ws.pk) == []
