"""Reads for the bell, the notifications list and the webhook's delivery log.

A person hears only from the workspaces they are a member of now: the bell, the list, the
e-mail and the digest all read `still_member()`, so whoever leaves (or is removed, or whose
account is switched off) stops hearing at once, whatever was stored for them before. The
pages also leave out the workspaces whose sign-in rules refuse the session
(`workspaces.sessions.refused_workspaces`, given as `refused`): what a workspace's pages
refuse, its notifications do not show either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q


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


def shown(found, refused: Q | None):
    """`found` (notifications) without those of the workspaces that refuse the session:
    a condition of the same query, no query more."""
    if refused is None:
        return found
    from workspaces.models import Workspace

    return found.exclude(workspace__in=Workspace.objects.filter(refused))


def unread_count(*, user, refused: Q | None = None) -> int:
    from notifications.models import Notification

    found = Notification.objects.filter(still_member(), user=user, in_app=True, read_at__isnull=True)
    return shown(found, refused).count()


def notifications_of(*, user, unread_only: bool = False, workspace_id: int | None = None, refused: Q | None = None):
    from notifications.models import Notification

    found = Notification.objects.filter(still_member(), user=user, in_app=True).select_related("workspace", "actor")
    found = shown(found, refused)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    if workspace_id is not None:
        found = found.filter(workspace_id=workspace_id)
    return found


def webhook_deliveries(*, workspace, limit: int = 50):
    from notifications.models import WebhookDelivery

    return list(WebhookDelivery.objects.filter(webhook__workspace=workspace, webhook__kind="json")[:limit])


@dataclass
class DestinationRow:
    destination: Any  # notifications.models.Webhook
    recent: list
    routes_line: str
    kind_labels: list[str]


def destinations_of(*, workspace, deliveries: int = 10) -> list:
    """The workspace's Slack and Teams destinations, each with its last deliveries
    (`recent`) and a line saying what it takes (`routes_line`): two queries."""
    from notifications.models import NotificationKind, Webhook, WebhookDelivery
    from notifications.routing import choices_of

    found = list(Webhook.objects.filter(workspace=workspace).exclude(kind=Webhook.Kind.JSON))
    recent: dict[int, list] = {d.pk: [] for d in found}
    if found:
        # Each destination's last few, read in one query (a window per destination).
        from django.db.models import F, Window
        from django.db.models.functions import RowNumber

        latest = (
            WebhookDelivery.objects.filter(webhook__in=found)
            .annotate(
                n=Window(RowNumber(), partition_by=[F("webhook_id")], order_by=[F("created_at").desc(), F("id").desc()])
            )
            .filter(n__lte=deliveries)
            .order_by("-created_at", "-id")
        )
        for delivery in latest:
            recent[delivery.webhook_id].append(delivery)
    kinds = dict(NotificationKind.choices)
    matrices = dict(choices_of("matrices", workspace)) if any(d.matrices for d in found) else {}
    cycles = dict(choices_of("cycles", workspace)) if any(d.cycles for d in found) else {}
    rows = []
    for d in found:
        parts = []
        if d.chosen_only:
            parts.append("only the launches that pick it")
        else:
            parts.append(
                ", ".join(f"Tier {t}" for t in sorted(d.tiers)) + " launches" if d.tiers else "every launch tier"
            )
            parts.append(
                ", ".join(matrices.get(m, "a removed matrix") for m in d.matrices) if d.matrices else "every matrix"
            )
            if d.cycles:
                parts.append("cycles " + ", ".join(cycles.get(c, "a removed cycle") for c in d.cycles))
        if d.event_kinds:
            parts.append(f"{len(d.event_kinds)} kind{'s' if len(d.event_kinds) != 1 else ''} of event")
        else:
            parts.append("every kind of event")
        if d.digest:
            parts.append("the weekly digest")
        rows.append(DestinationRow(d, recent[d.pk], "; ".join(parts), [kinds.get(k, k) for k in d.event_kinds]))
    return rows


def channel_digest_schedule(*, workspace):
    """The weekly digest's day and hour (Monday 09:00 until an admin picks)."""
    from notifications.models import ChannelDigestSchedule

    return ChannelDigestSchedule.objects.filter(workspace=workspace).first() or ChannelDigestSchedule(
        workspace=workspace
    )
