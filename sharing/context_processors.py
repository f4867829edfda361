"""The top bar's "Share" link, for the workspaces where the signed-in person may make share
links or, as an admin, manage them. Read from the memberships the workspace switcher reads
anyway (one query a request, shared), so the link costs no query of its own."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from sharing.services import may_create
from workspaces.context_processors import memberships_for


def share_nav(request):
    def ids() -> frozenset[int]:
        return frozenset(m.workspace_id for m in memberships_for(request) if m.is_admin or may_create(m))

    return {"share_workspaces": SimpleLazyObject(ids)}
