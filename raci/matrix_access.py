from django.db.models import OuterRef, Subquery
from django.http import Http404

from core.prepared import Prepared
from raci.models import Matrix
from workspaces.access import _require
from workspaces.models import Access, Membership, Workspace

# Every field of the matrix but its timestamps (raw rows skip the ORM's converters, which
# datetimes on SQLite need; they are loaded on first use), its workspace, and the access.
_MATRIX_FIELDS = [f.attname for f in Matrix._meta.concrete_fields if f.get_internal_type() != "DateTimeField"]


_MATRIX_WITH_ACCESS = Prepared(
    lambda user_id, workspace_slug, matrix_slug: Matrix.objects
    .annotate(access=Subquery(
        Membership.objects.filter(workspace=OuterRef("workspace"), user_id=user_id).values("access")[:1]))
    .filter(workspace__slug=workspace_slug, slug=matrix_slug)
    .values_list(*_MATRIX_FIELDS, "workspace__name", "workspace__slug", "access"),
    user_id=-2_000_000_010, workspace_slug="\u2063workspace-marker", matrix_slug="\u2063matrix-marker",
)


def matrix_for(request, workspace_slug: str, matrix_slug: str, *, needs: str = Access.VIEWER) -> Matrix:
    """The matrix with its workspace, and the user's access to it, in one query.

    `matrix.access` is the user's access level in the matrix's workspace.
    """
    found = _MATRIX_WITH_ACCESS.rows(user_id=request.user.pk, workspace_slug=workspace_slug, matrix_slug=matrix_slug)
    if not found or found[0][-1] is None:
        raise Http404("No such matrix")
    *values, workspace_name, slug, access = found[0]
    _require(access, needs)
    matrix = Matrix.from_db("default", _MATRIX_FIELDS, values)
    matrix.workspace = Workspace.from_db("default", ["id", "name", "slug"], [matrix.workspace_id, workspace_name, slug])
    matrix.access = access
    return matrix
