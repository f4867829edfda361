"""Resolve the workspace from the URL and check the user's membership, in one call.

Anyone who is not a member gets 404 (a workspace's existence is not disclosed); a member
below the access level a view needs gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from .models import Access, Matrix, Membership

_RANK = {Access.VIEWER: 0, Access.EDITOR: 1, Access.ADMIN: 2}


def _require(access: str, needed: str) -> None:
    if _RANK[access] < _RANK[needed]:
        raise PermissionDenied(f"This needs {needed} access to the workspace.")


def membership_for(request, workspace_slug: str, *, needs: str = Access.VIEWER) -> Membership:
    try:
        membership = Membership.objects.select_related("workspace").get(
            user=request.user, workspace__slug=workspace_slug
        )
    except Membership.DoesNotExist:
        raise Http404("No such workspace") from None
    _require(membership.access, needs)
    return membership


def matrix_for(request, workspace_slug: str, matrix_slug: str, *, needs: str = Access.VIEWER) -> Matrix:
    """The matrix with its workspace, and the user's access to it, in one query.

    `matrix.access` is the user's access level in the matrix's workspace.
    """
    access = Membership.objects.filter(workspace=OuterRef("workspace"), user=request.user).values("access")[:1]
    matrix = (
        Matrix.objects.select_related("workspace")
        .annotate(access=Subquery(access))
        .filter(workspace__slug=workspace_slug, slug=matrix_slug)
        .first()
    )
    if matrix is None or matrix.access is None:
        raise Http404("No such matrix")
    _require(matrix.access, needs)
    return matrix


def can_edit(access: str) -> bool:
    return _RANK[access] >= _RANK[Access.EDITOR]
