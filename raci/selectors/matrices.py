"""Reads of a workspace's matrices, their templates and their decision logs."""

from __future__ import annotations

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from raci.models import (
    ChangeEvent,
    Decision,
    Matrix,
    MatrixImport,
    Template,
)


def import_job(*, workspace, import_id: int) -> MatrixImport | None:
    """One of the workspace's imports, with the matrix it made and its result; None for
    another workspace's or none at all (the page says 404, the API its problem)."""
    return MatrixImport.objects.filter(workspace=workspace, pk=import_id).select_related("matrix", "result").first()


def matrices_of(*, workspace, today=None) -> list[Matrix]:
    """The workspace's matrices with their sizes and `last_change_at`: when the newest
    change event was recorded (the matrix's newest sequence number, one index probe each
    inside the same query), or when the matrix itself was last saved if it has none."""
    newest_event = ChangeEvent.objects.filter(matrix=OuterRef("pk")).order_by("-seq").values("at")[:1]
    matrices = list(
        Matrix.objects.filter(workspace=workspace)
        .annotate(
            n_activities=Count("activities", distinct=True),
            n_columns=Count("columns", distinct=True),
            last_change_at=Coalesce(Subquery(newest_event), F("updated_at")),
        )
        .select_related("owner")
        .order_by("name")
    )
    for matrix in matrices:
        matrix.stale = matrix.is_stale(today)
    return matrices


def templates_for(*, workspace) -> list[Template]:
    return list(
        Template.objects.filter(Q(workspace__isnull=True) | Q(workspace=workspace))
        .annotate(n_activities=Count("activities", distinct=True), n_roles=Count("roles", distinct=True))
        .order_by("-is_default", "workspace_id", "name")
    )


def decisions_of(*, matrix: Matrix):
    return (
        Decision.objects.filter(matrix=matrix).select_related("activity", "decided_by").order_by("-decided_on", "-id")
    )


def decisions_due(*, matrix: Matrix, today) -> list[Decision]:
    return list(decisions_of(matrix=matrix).filter(review_on__lte=today).order_by("review_on"))


def decision_counts(*, matrix: Matrix) -> dict[int, int]:
    """Decisions per activity, for the mark beside each row."""
    return dict(
        Decision.objects.filter(matrix=matrix, activity__isnull=False)
        .values("activity_id")
        .annotate(n=Count("id"))
        .values_list("activity_id", "n")
    )


# --- the workspace's default matrix and template activities by key ----------------------------


def matrices_for_default(*, workspace_id: int) -> list[Matrix]:
    return list(
        Matrix.objects.filter(workspace_id=workspace_id).only("id", "name", "slug", "is_default").order_by("name")
    )


def default_matrix_of(*, workspace_id: int) -> Matrix | None:
    """The matrix the workspace named its default (launches without a matrix use it)."""
    return Matrix.objects.filter(workspace_id=workspace_id, is_default=True).first()
