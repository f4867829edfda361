"""The workspace switcher in the top bar: the signed-in person's memberships."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from workspaces.models import Membership
from workspaces.selectors import workspaces_of


def memberships_for(request) -> list[Membership]:
    """The signed-in person's memberships with their workspaces, by workspace name: one
    query, made once per request however many times it is asked."""
    cached = getattr(request, "_memberships", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = workspaces_of(user=user) if user is not None and user.is_authenticated else []
        request._memberships = cached
    return cached


def switcher(request):
    """`memberships` for every page; queried only when a page shows the switcher or lists them."""
    return {"memberships": SimpleLazyObject(lambda: memberships_for(request))}
