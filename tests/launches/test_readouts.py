"""The day-30 loop ("Key Differences", docs/sources.md): 30 days after launch the owners are reminded to record the
readout, once; the press-on/pivot/pause decision goes to the decision log of the
launch's matrix. Under a frozen clock."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from launches import planning, services
from launches.reminders import readouts_tick
from notifications.models import Notification
from raci.models import Decision
from rituals import services as rituals_services
from tests.factories import MatrixFactory
from tests.launches.conftest import make_launch

pytestmark = pytest.mark.django_db


def test_the_readout_is_due_30_days_after_the_day_it_launched_else_the_planned_date():
    assert planning.readout_due_on(launched_on=date(2027, 3, 2), launch_date=date(2027, 3, 1)) == date(2027, 4, 1)
    assert planning.readout_due_on(launched_on=None, launch_date=date(2027, 3, 1)) == date(2027, 3, 31)
    assert planning.readout_due_on(launched_on=None, launch_date=None) is None
    assert planning.readout_due_on(launched_on=date(9999, 12, 20), launch_date=None) is None


def _readout_notes(people):
    return Notification.objects.filter(kind="readout_due").values_list("user_id", flat=True)


def test_owners_are_reminded_on_day_30_once_and_not_the_day_before(team):
    ws, cycle, people = team
    make_launch(cycle, people, launch_date=date(2027, 3, 1))
    with time_machine.travel("2027-03-30 08:00Z", tick=False):
        assert readouts_tick(date(2027, 3, 30)) == 0
    with time_machine.travel("2027-03-31 08:00Z", tick=False):
        assert readouts_tick(date(2027, 3, 31)) == 1
        assert readouts_tick(date(2027, 3, 31)) == 0
    assert set(_readout_notes(people)) == {people["PM"].user_id, people["PMM"].user_id}
    note = Notification.objects.filter(kind="readout_due").first()
    assert "record the day-30 readout" in note.title and note.url.endswith("#after-launch")


def test_the_day_it_launched_moves_the_reminder_and_a_missed_tick_still_tells(team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 1))
    services.outcome_record(
        launch=launch,
        launched_on=date(2027, 3, 5),
        metric_name="Activated accounts",
        metric_target=Decimal("100"),
        metric_actual=None,
        outcome="",
    )
    with time_machine.travel("2027-03-31 08:00Z", tick=False):
        assert readouts_tick(date(2027, 3, 31)) == 0
    with time_machine.travel("2027-04-10 08:00Z", tick=False):  # due 4 Apr, the tick was down until the 10th
        assert readouts_tick(date(2027, 4, 10)) == 1
    assert "(Activated accounts)" in Notification.objects.filter(kind="readout_due").first().title


def test_no_reminder_once_the_decision_is_recorded(team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 1))
    services.outcome_record(
        launch=launch,
        launched_on=date(2027, 3, 1),
        metric_name="Activated accounts",
        metric_target=Decimal("100"),
        metric_actual=Decimal("120"),
        outcome="press_on",
    )
    with time_machine.travel("2027-03-31 08:00Z", tick=False):
        assert readouts_tick(date(2027, 3, 31)) == 0


def test_the_decision_goes_to_the_decision_log_of_the_launchs_matrix_once(team):
    ws, cycle, people = team
    matrix = MatrixFactory(workspace=ws)
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 1), matrix_id=matrix.pk)
    with time_machine.travel("2027-03-31 08:00Z", tick=False):
        for notes in ("Half the target: rethink onboarding.", "Edited notes"):
            services.outcome_record(
                launch=launch,
                launched_on=date(2027, 3, 1),
                metric_name="Activated accounts",
                metric_target=Decimal("100"),
                metric_actual=Decimal("50"),
                outcome="pivot",
                notes=notes,
                actor=people["PMM"].user,
            )
    decision = Decision.objects.get(matrix=matrix)
    assert decision.what == "Usage-based billing: pivot" and decision.decided_on == date(2027, 3, 31)
    assert "Activated accounts at 50 against a target of 100" in decision.why
    assert "rethink onboarding" in decision.why and decision.decided_by == people["PMM"].user


def test_a_launch_without_a_matrix_records_the_decision_on_the_launch_only(team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 1))
    services.outcome_record(
        launch=launch,
        launched_on=date(2027, 3, 1),
        metric_name="Activated accounts",
        metric_target=Decimal("100"),
        metric_actual=Decimal("50"),
        outcome="pause",
    )
    assert launch.outcome == "pause" and not Decision.objects.exists()


def test_the_roadmap_review_agenda_lists_the_readouts_due(client, team):
    from django.urls import reverse

    ws, cycle, people = team
    due = make_launch(cycle, people, name="Billing", launch_date=date(2027, 1, 4))
    make_launch(cycle, people, name="Too recent", launch_date=date(2027, 1, 20))
    decided = make_launch(cycle, people, name="Decided", launch_date=date(2027, 1, 4))
    services.outcome_record(
        launch=decided,
        launched_on=date(2027, 1, 4),
        metric_name="Signups",
        metric_target=Decimal("10"),
        metric_actual=Decimal("12"),
        outcome="press_on",
    )
    with time_machine.travel("2027-02-01 08:00Z", tick=False):
        rituals = rituals_services.rituals_seed_defaults(workspace=ws)
        review = next(r for r in rituals if r.key == "roadmap-review")
        day = review.next_date(date(2027, 2, 1))
        client.force_login(people["PM"].user)
        body = client.get(reverse("rituals:occurrence", args=[ws.slug, review.pk, day.isoformat()])).content.decode()
        other = next(r for r in rituals if r.key not in ("roadmap-review", "launch-tiering"))
        other_body = client.get(
            reverse("rituals:occurrence", args=[ws.slug, other.pk, other.next_date(day).isoformat()])
        ).content.decode()
    assert day >= date(2027, 2, 3)
    assert "Day-30 readouts due" in body and "Billing" in body and "due 3 Feb 2027" in body
    assert "Decided" not in body and ("Too recent" not in body or day >= date(2027, 2, 19))
    assert "Day-30 readouts due" not in other_body
    assert due.pk
