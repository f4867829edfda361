"""Resolve the workspace from the URL and check the user's membership, in one call.

Anyone who is not a member gets 404 (a workspace's existence is not disclosed); a member
below the access level a view needs gets 403, and so does a suspended member or a session
the workspace's sign-in rules refuse (`workspaces.sessions`), with the way back in.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import Forbidden
from workspaces.models import Access, Membership
from workspaces.sessions import refuse_session

SUSPENDED = (
    "Your access to {name} is suspended: your last single sign-on did not put you in any group "
    "the workspace maps. Your identity provider's admins can restore it."
)


def check_standing(request, workspace, suspended: bool) -> None:
    """Refuse a suspended member, and a session the workspace's sign-in rules refuse."""
    if suspended:
        raise Forbidden(SUSPENDED.format(name=workspace.name))
    refuse_session(request, workspace)


_RANK: dict[str, int] = {Access.VIEWER: 0, Access.EDITOR: 1, Access.ADMIN: 2}


def require_access(access: str, needed: str) -> None:
    if _RANK[access] < _RANK[needed]:
        raise PermissionDenied(f"This needs {needed} access to the workspace.")


def membership_for(request, workspace_slug: str, *, needs: str = Access.VIEWER) -> Membership:
    try:
        membership = Membership.objects.select_related("workspace").get(
            user=request.user, workspace__slug=workspace_slug
        )
    except Membership.DoesNotExist:
        raise Http404("No such workspace") from None
    check_standing(request, membership.workspace, membership.suspended_at is not None)
    require_access(membership.access, needs)
    return membership


def can_edit(access: str) -> bool:
    return _RANK[access] >= _RANK[Access.EDITOR]
