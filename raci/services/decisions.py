"""The decision log of a matrix."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidInput, NotFound
from raci.models import (
    Activity,
    Decision,
    Matrix,
)
from workspaces.models import Membership


def _decision_fields(
    matrix: Matrix, *, what: str, why: str, activity_id: int | None, decided_by_id: int | None, decided_on, review_on
) -> dict:
    what = " ".join((what or "").split())
    if not what:
        raise InvalidInput("Say what was decided.", "what")
    if len(what) > 500:
        raise InvalidInput(
            f"Keep the decision under 500 characters (it has {len(what)}); put the detail in “why”.", "what"
        )
    if activity_id is not None and not Activity.objects.filter(matrix=matrix, pk=activity_id).exists():
        raise InvalidInput("That activity is not in this matrix.", "activity")
    if (
        decided_by_id is not None
        and not Membership.objects.filter(workspace_id=matrix.workspace_id, user_id=decided_by_id).exists()
    ):
        raise InvalidInput("The person who decided must be a member of the workspace.", "decided_by")
    if review_on is not None and review_on < decided_on:
        raise InvalidInput("The review date comes after the decision date.", "review_on")
    return {
        "what": what,
        "why": (why or "").strip()[:4000],
        "activity_id": activity_id,
        "decided_by_id": decided_by_id,
        "decided_on": decided_on,
        "review_on": review_on,
    }


@transaction.atomic
def decision_add(*, matrix: Matrix, actor, **fields) -> Decision:
    return Decision.objects.create(matrix=matrix, created_by=actor, **_decision_fields(matrix, **fields))


@transaction.atomic
def decision_update(*, matrix: Matrix, decision_id: int, **fields) -> Decision:
    decision = Decision.objects.select_for_update().filter(matrix=matrix, pk=decision_id).first()
    if decision is None:
        raise NotFound("That decision no longer exists.")
    for key, value in _decision_fields(matrix, **fields).items():
        setattr(decision, key, value)
    decision.save()
    return decision


@transaction.atomic
def decision_delete(*, matrix: Matrix, decision_id: int) -> None:
    if not Decision.objects.filter(matrix=matrix, pk=decision_id).exists():
        raise NotFound("That decision no longer exists.")
    if any(a.get("decision") == decision_id for a in matrix.acknowledgments or ()):
        raise InvalidInput(
            "This decision records a finding accepted on purpose: withdraw it from the finding's page instead."
        )
    if not Decision.objects.filter(matrix=matrix, pk=decision_id).delete()[0]:
        raise NotFound("That decision no longer exists.")
