"""The matrix a request names, with its workspace and the user's access, in one query.

Both objects are whole: every field of the matrix and of its workspace is loaded (none is
deferred), so reading any of them later (`matrix.created_at`, `workspace.time_zone` for
`workspace.today()`) costs no hidden query. The row comes through `core.prepared` (the
cell-edit hot path), which skips the ORM's converters: the datetimes are converted here,
as the database backend's own converter does (SQLite returns them as text).
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404

from core.prepared import Prepared, model_from_row
from raci.models import Matrix
from workspaces.access import check_standing, require_access
from workspaces.models import Access, Membership, Workspace

_MATRIX_FIELDS = [f.attname for f in Matrix._meta.concrete_fields]
_WORKSPACE_FIELDS = [f.attname for f in Workspace._meta.concrete_fields]
_MATRIX_WITH_ACCESS = Prepared(
    lambda user_id, workspace_slug, matrix_slug: (
        Matrix.objects.annotate(
            access=Subquery(
                Membership.objects.filter(workspace=OuterRef("workspace"), user_id=user_id).values("access")[:1]
            ),
            suspended_at=Subquery(
                Membership.objects.filter(workspace=OuterRef("workspace"), user_id=user_id).values("suspended_at")[:1]
            ),
        )
        .filter(workspace__slug=workspace_slug, slug=matrix_slug)
        .values_list(*_MATRIX_FIELDS, *(f"workspace__{name}" for name in _WORKSPACE_FIELDS), "suspended_at", "access")
    ),
    user_id=-2_000_000_010,
    workspace_slug="\u2063workspace-marker",
    matrix_slug="\u2063matrix-marker",
)


def matrix_for(request, workspace_slug: str, matrix_slug: str, *, needs: str = Access.VIEWER) -> Matrix:
    """The matrix with its workspace, and the user's access to it, in one query.

    `matrix.access` is the user's access level in the matrix's workspace.
    """
    found = _MATRIX_WITH_ACCESS.rows(user_id=request.user.pk, workspace_slug=workspace_slug, matrix_slug=matrix_slug)
    if not found or found[0][-1] is None:
        raise Http404("No such matrix")
    *values, suspended_at, access = found[0]
    split = len(_MATRIX_FIELDS)
    workspace = model_from_row(Workspace, _WORKSPACE_FIELDS, values[split:])
    check_standing(request, workspace, suspended_at is not None)
    require_access(access, needs)
    matrix = model_from_row(Matrix, _MATRIX_FIELDS, values[:split])
    matrix.workspace = workspace
    matrix.access = access  # type: ignore[attr-defined]  # read by the views as the member's access
    return matrix
