"""The workspace's tiering rubric and load limits."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidInput
from launches import tiering
from launches.models import (
    Launch,
    TieringRubric,
)
from workspaces.models import Workspace


@transaction.atomic
def rubric_update(
    *,
    workspace: Workspace,
    questions: list[tuple[str, int]],
    thresholds: list[int],
    tier_names: list[str],
    lead_weeks: list[int] | None = None,
) -> TieringRubric:
    """Replace the workspace's rubric. Scores given under other questions no longer
    suggest a tier (the launch shows it unscored) until it is scored again. Fewer tiers
    are refused while a launch of the workspace sits in a tier that would go."""
    rubric = tiering.Rubric(
        questions=tuple(tiering.Question(" ".join(text.split()), weight) for text, weight in questions),
        thresholds=tuple(thresholds),
        tier_names=tuple(" ".join(n.split()) for n in tier_names),
        lead_weeks=tuple(lead_weeks or ()),
    )
    try:
        tiering.rubric_check(rubric)
    except tiering.RubricError as error:
        raise InvalidInput(error.message, error.field) from None
    row, _ = TieringRubric.objects.select_for_update().get_or_create(workspace=workspace)
    blockers = tiering.dropped_tier_blockers(
        tier_count=len(rubric.tier_names),
        launches=list(
            Launch.objects.filter(cycle__workspace=workspace, tier__gt=len(rubric.tier_names)).values_list(
                "name", "tier"
            )
        ),
    )
    if blockers:
        shown = ", ".join(blockers[:10]) + (f" and {len(blockers) - 10} more" if len(blockers) > 10 else "")
        raise InvalidInput(
            f"{len(rubric.tier_names)} tiers would remove a tier that launches sit in; move them first: {shown}.",
            "tier_count",
        )
    row.questions = [{"text": q.text, "weight": q.weight} for q in rubric.questions]
    row.thresholds = list(rubric.thresholds)
    row.tier_names = list(rubric.tier_names)
    row.lead_weeks = list(rubric.lead_weeks)
    row.save()
    return row


def rubric_row_locked(*, workspace: Workspace) -> TieringRubric:
    """The workspace's rubric row, locked for a change of one of its settings; made with the
    default rubric if nobody has edited it yet. Call inside a transaction."""
    row, _ = TieringRubric.objects.select_for_update().get_or_create(
        workspace=workspace,
        defaults={
            "questions": [{"text": q.text, "weight": q.weight} for q in tiering.DEFAULT_RUBRIC.questions],
            "thresholds": list(tiering.DEFAULT_RUBRIC.thresholds),
            "tier_names": list(tiering.DEFAULT_RUBRIC.tier_names),
            "lead_weeks": list(tiering.DEFAULT_RUBRIC.lead_weeks),
        },
    )
    return row


@transaction.atomic
def load_limits_set(*, workspace: Workspace, person_week_limit: int, week_limit: int) -> TieringRubric:
    """The load the quarter view flags: a person's points in a week, everyone's in a week."""
    if not 1 <= person_week_limit <= 200:
        raise InvalidInput("Between 1 and 200.", "person_week_limit")
    if not 1 <= week_limit <= 2000:
        raise InvalidInput("Between 1 and 2,000.", "week_limit")
    row = rubric_row_locked(workspace=workspace)
    row.person_week_limit, row.week_limit = person_week_limit, week_limit
    row.save(update_fields=["person_week_limit", "week_limit", "updated_at"])
    return row
