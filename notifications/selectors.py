"""Reads for the bell, the notifications list and the webhook's delivery log."""

from __future__ import annotations


def unread_count(*, user) -> int:
    from notifications.models import Notification

    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()


def notifications_of(*, user, unread_only: bool = False, workspace_id: int | None = None):
    from notifications.models import Notification

    found = Notification.objects.filter(user=user, in_app=True).select_related("workspace", "actor")
    if unread_only:
        found = found.filter(read_at__isnull=True)
    if workspace_id is not None:
        found = found.filter(workspace_id=workspace_id)
    return found


def webhook_deliveries(*, workspace, limit: int = 50):
    from notifications.models import WebhookDelivery

    return list(WebhookDelivery.objects.filter(webhook__workspace=workspace)[:limit])
