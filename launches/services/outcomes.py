"""After launch: the day-30 readout and its decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.text import NAME_MAX
from launches import live, tiering
from launches.models import (
    Launch,
    ReadinessItem,
)
from launches.services.launch import OUTCOMES
from raci import services as raci_services
from raci.models import Decision


@transaction.atomic
def outcome_record(
    *,
    launch: Launch,
    launched_on: date | None,
    metric_name: str,
    metric_target: Decimal | None,
    metric_actual: Decimal | None,
    outcome: str,
    notes: str = "",
    actor=None,
) -> Launch:
    """After launch: the day it was announced, its one primary day-30 metric (name, target,
    actual) and the decision, press on, pivot or pause ("Key Differences", docs/sources.md). A new decision goes to
    the decision log of the launch's matrix, when it has one."""
    metric_name = " ".join((metric_name or "").split())
    if len(metric_name) > NAME_MAX:
        raise InvalidInput(
            f"The metric's name is {len(metric_name)} characters long; the limit is {NAME_MAX}.", "metric_name"
        )
    if (metric_target is not None or metric_actual is not None) and not metric_name:
        raise InvalidInput("Name the metric its target and actual belong to.", "metric_name")
    if outcome and outcome not in OUTCOMES:
        raise InvalidInput("Decide press on, pivot or pause.", "outcome")
    if outcome and metric_actual is None:
        raise InvalidInput("Record the metric's day-30 actual before deciding.", "metric_actual")
    if (metric_actual is not None or outcome) and launched_on is None:
        raise InvalidInput("Record the day it launched first.", "launched_on")
    previous = Launch.objects.select_for_update().filter(pk=launch.pk).values_list("outcome", flat=True).first()
    Launch.objects.filter(pk=launch.pk).update(
        launched_on=launched_on,
        metric_name=metric_name,
        metric_target=metric_target,
        metric_actual=metric_actual,
        outcome=outcome or "",
        outcome_notes=(notes or "").strip(),
    )
    launch.refresh_from_db()
    _metric_item_follows(launch)
    # Written by queryset (no signal): the card's "No day-30 metric" and the readiness it counts.
    live.cycles_changed(cycle_ids=[launch.cycle_id])
    if outcome and outcome != previous and launch.matrix_id:
        _readout_decision(launch, actor)
    return launch


def _metric_item_follows(launch: Launch) -> None:
    """Recording the metric and its target marks "Primary metric and target agreed" done;
    clearing either opens it again."""
    agreed = tiering.metric_agreed(metric_name=launch.metric_name, metric_target=launch.metric_target)
    items = ReadinessItem.objects.filter(launch=launch, key=tiering.METRIC_KEY)
    if agreed:
        items.filter(status__in=tiering.OPEN).update(status=ReadinessItem.Status.DONE, updated_at=timezone.now())
    else:
        items.exclude(status__in=tiering.OPEN).update(status=ReadinessItem.Status.TODO, updated_at=timezone.now())


def _readout_decision(launch: Launch, actor) -> Decision:
    # outcome_record asks for the actual before a decision and calls this only with a matrix.
    assert launch.metric_actual is not None and launch.matrix is not None

    def number(value: Decimal) -> str:
        return f"{value.normalize():f}"

    target = f" against a target of {number(launch.metric_target)}" if launch.metric_target is not None else ""
    why = f"Day-30 readout: {launch.metric_name} at {number(launch.metric_actual)}{target}."
    if launch.outcome_notes:
        why += f"\n\n{launch.outcome_notes}"
    what = f"{launch.name}: {OUTCOMES[launch.outcome].lower()}"
    return raci_services.decision_add(
        matrix=launch.matrix,
        actor=actor,
        what=what[:NAME_MAX],
        why=why,
        activity_id=None,
        decided_by_id=actor.pk if actor else None,
        decided_on=launch.cycle.workspace.today(),
        review_on=None,
    )
