"""Reads of the chat door: a workspace's set-up, the matrices and launches a question may
name, and the activities asked about most."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from chat.models import AskedCount, ChatSetup
from launches.models import Launch
from raci.models import Activity, Matrix
from workspaces.models import Workspace

# How many launches a question's "for …" is matched against: the newest cycles' first.
LAUNCHES_MAX = 500
MATRICES_MAX = 200
# How many of a matrix's most asked activities the cache keeps (the page shows fewer: some
# may have been deleted since).
MOST_ASKED_KEPT = 10


def setup_of(*, slug: str) -> ChatSetup | None:
    """The chat set-up of the workspace `slug`, with the workspace; None when there is none."""
    if not slug or len(slug) > 60:
        return None
    return ChatSetup.objects.select_related("workspace").filter(workspace__slug=slug).first()


def setup_for(*, workspace: Workspace) -> ChatSetup:
    """The workspace's set-up, unsaved and empty when it has none yet."""
    return ChatSetup.objects.filter(workspace=workspace).first() or ChatSetup(workspace=workspace)


@dataclass(frozen=True, slots=True)
class MatrixName:
    id: int
    name: str
    is_default: bool


def matrices_of(*, workspace_id: int) -> list[MatrixName]:
    rows = Matrix.objects.filter(workspace_id=workspace_id).order_by("name", "id")
    return [MatrixName(*row) for row in rows.values_list("id", "name", "is_default")[:MATRICES_MAX]]


def matrix_get(*, workspace: Workspace, matrix_id: int) -> Matrix | None:
    matrix = Matrix.objects.filter(workspace=workspace, pk=matrix_id).first()
    if matrix is not None:
        matrix.workspace = workspace
    return matrix


@dataclass(frozen=True, slots=True)
class LaunchName:
    id: int
    name: str
    cycle: str


def launches_of(*, workspace_id: int) -> list[LaunchName]:
    rows = Launch.objects.filter(cycle__workspace_id=workspace_id).order_by(
        "-cycle__year", "-cycle__quarter", "name", "id"
    )
    return [LaunchName(*row) for row in rows.values_list("id", "name", "cycle__slug")[:LAUNCHES_MAX]]


def launch_get(*, workspace: Workspace, launch_id: int) -> Launch | None:
    return (
        Launch.objects.select_related("cycle", "pm_owner__user", "pmm_owner__user")
        .filter(cycle__workspace=workspace, pk=launch_id)
        .first()
    )


def most_asked_key(matrix_id: int) -> str:
    return f"chat:most-asked:{matrix_id}"


def most_asked_cached(*, matrix_id: int) -> list[tuple[int, int]] | None:
    """(activity id, count) of the matrix's most asked activities, from the cache alone (the
    matrix page reads it and is held to a fixed number of queries); None when the cache
    does not know (never filled, or emptied since)."""
    found = cache.get(most_asked_key(matrix_id))
    return found if isinstance(found, list) else None


def most_asked_fill(*, matrix_id: int) -> list[tuple[int, int]]:
    """Read from the counts and kept in the cache, [] included: a matrix nobody asked about
    costs its page nothing after the first look."""
    most = most_asked_counted(matrix_id=matrix_id)
    cache.set(most_asked_key(matrix_id), most, None)
    return most


def most_asked_counted(*, matrix_id: int) -> list[tuple[int, int]]:
    """The same, read from the counts (what the cache is filled with)."""
    rows = AskedCount.objects.filter(matrix_id=matrix_id).order_by("-count", "-last_asked_at", "activity_id")
    return [(a, c) for a, c in rows.values_list("activity_id", "count")[:MOST_ASKED_KEPT]]


@dataclass(frozen=True, slots=True)
class Asked:
    matrix: Matrix
    activity: str
    activity_id: int
    count: int


def most_asked_of(*, workspace: Workspace, limit: int = 15) -> list[Asked]:
    """The workspace's most asked activities that still exist, across its matrices: two queries."""
    rows = list(
        AskedCount.objects.filter(matrix__workspace=workspace)
        .select_related("matrix")
        .order_by("-count", "-last_asked_at", "id")[: limit * 3]
    )
    names = dict(
        Activity.objects.filter(
            matrix__workspace=workspace, pk__in=[r.activity_id for r in rows if r.activity_id < 2**63]
        ).values_list("id", "name")
    )
    for row in rows:
        row.matrix.workspace = workspace
    return [Asked(r.matrix, names[r.activity_id], r.activity_id, r.count) for r in rows if r.activity_id in names][
        :limit
    ]
