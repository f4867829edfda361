"""The matrix a request names, with its workspace and the user's access, in one query.

Both objects are whole: every field of the matrix and of its workspace is loaded (none is
deferred), so reading any of them later (`matrix.created_at`, `workspace.time_zone` for
`workspace.today()`) costs no hidden query. The row comes through `core.prepared` (the
cell-edit hot path), which skips the ORM's converters: the datetimes are converted here,
as the database backend's own converter does (SQLite returns them as text).
"""

import json

from django.db import connection
from django.db.models import DateTimeField, JSONField, OuterRef, Subquery
from django.http import Http404

from core.prepared import Prepared
from raci.models import Matrix
from workspaces.access import require_access
from workspaces.models import Access, Membership, Workspace

_MATRIX_FIELDS = [f.attname for f in Matrix._meta.concrete_fields]
_WORKSPACE_FIELDS = [f.attname for f in Workspace._meta.concrete_fields]
_DATETIMES = {
    i
    for i, f in enumerate([*Matrix._meta.concrete_fields, *Workspace._meta.concrete_fields])
    if isinstance(f, DateTimeField)
}
_JSONS = {i for i, f in enumerate(Matrix._meta.concrete_fields) if isinstance(f, JSONField)}


_MATRIX_WITH_ACCESS = Prepared(
    lambda user_id, workspace_slug, matrix_slug: (
        Matrix.objects.annotate(
            access=Subquery(
                Membership.objects.filter(workspace=OuterRef("workspace"), user_id=user_id).values("access")[:1]
            )
        )
        .filter(workspace__slug=workspace_slug, slug=matrix_slug)
        .values_list(*_MATRIX_FIELDS, *(f"workspace__{name}" for name in _WORKSPACE_FIELDS), "access")
    ),
    user_id=-2_000_000_010,
    workspace_slug="\u2063workspace-marker",
    matrix_slug="\u2063matrix-marker",
)


def _converted(values: tuple) -> list:
    # JSON comes back as its text from both databases (the field's own converter parses it).
    values = [json.loads(v) if i in _JSONS and isinstance(v, str) else v for i, v in enumerate(values)]
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is None:  # PostgreSQL returns aware datetimes already
        return values
    return [convert(v, None, connection) if i in _DATETIMES and v is not None else v for i, v in enumerate(values)]


def matrix_for(request, workspace_slug: str, matrix_slug: str, *, needs: str = Access.VIEWER) -> Matrix:
    """The matrix with its workspace, and the user's access to it, in one query.

    `matrix.access` is the user's access level in the matrix's workspace.
    """
    found = _MATRIX_WITH_ACCESS.rows(user_id=request.user.pk, workspace_slug=workspace_slug, matrix_slug=matrix_slug)
    if not found or found[0][-1] is None:
        raise Http404("No such matrix")
    *values, access = found[0]
    require_access(access, needs)
    values = _converted(tuple(values))
    split = len(_MATRIX_FIELDS)
    matrix = Matrix.from_db("default", _MATRIX_FIELDS, values[:split])
    matrix.workspace = Workspace.from_db("default", _WORKSPACE_FIELDS, values[split:])
    matrix.access = access  # type: ignore[attr-defined]  # read by the views as the member's access
    return matrix
