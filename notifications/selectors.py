"""Reads for the bell, the notifications list and the webhook's delivery log.

A person hears only from the workspaces they are a member of now: the bell, the list, the
e-mail and the digest all read `still_member()`, so whoever leaves (or is removed, or whose
account is switched off) stops hearing at once, whatever was stored for them before.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef


def still_member() -> Exists:
    """A filter on notifications: their person is still an active, unsuspended member of their workspace."""
    from workspaces.models import Membership

    return Exists(
        Membership.objects.filter(
            workspace_id=OuterRef("workspace_id"),
            user_id=OuterRef("user_id"),
            user__is_active=True,
            suspended_at__isnull=True,
        )
    )


def unread_count(*, user) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(still_member(), user=user, in_app=True, read_at__isnull=True).count()


def notifications_of(*, user, unread_only: bool = False, workspace_id: int | None = None):
    from notifications.models import Notification

    found = Notification.objects.filter(still_member(), user=user, in_app=True).select_related("workspace", "actor")
    if unread_only:
        found = found.filter(read_at__isnull=True)
    if workspace_id is not None:
        found = found.filter(workspace_id=workspace_id)
    return found


def webhook_deliveries(*, workspace, limit: int = 50):
    from notifications.models import WebhookDelivery

    return list(WebhookDelivery.objects.filter(webhook__workspace=workspace)[:limit])
