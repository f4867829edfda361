"""The person's notifications in the token's workspace: read them, mark them read. What a
person reads is their own: a viewer's write token marks read too, as the bell does."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from api.common import READS, WRITES, Id, caller, person_name
from core.errors import NotFound
from core.links import absolute
from notifications import notify, selectors

router = Router()

N = "/w/{ws}/notifications"
PAGE = 200


class Notification(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    actor: str | None
    created_at: datetime
    read_at: datetime | None


class Inbox(Schema):
    unread: int = Field(..., description="Unread in this workspace.")
    notifications: list[Notification]


class Marked(Schema):
    marked: int


def _notification(n) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": absolute(n.url) if n.url.startswith("/") else n.url,
        "actor": person_name(n.actor),
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get(N, response={200: Inbox, **READS}, summary="Your notifications in this workspace, newest first")
def inbox(
    request,
    ws: str,
    unread: bool = Query(False, description="Only unread ones."),
    limit: int = Query(50, ge=1, le=PAGE),
):
    caller_ = caller(request)
    mine = selectors.notifications_of(user=caller_.user, workspace_id=caller_.workspace.pk)
    listed = (mine.filter(read_at__isnull=True) if unread else mine).order_by("-created_at", "-id")[:limit]
    return {
        "unread": mine.filter(read_at__isnull=True).count(),
        "notifications": [_notification(n) for n in listed],
    }


@router.post(N + "/{notification_id}/read", response={200: Notification, **WRITES}, summary="Mark one read")
def notification_read(request, ws: str, notification_id: Id):
    caller_ = caller(request)
    caller_.require_write_scope()
    # Only this workspace's: the token speaks for its own workspace.
    if (
        not selectors.notifications_of(user=caller_.user, workspace_id=caller_.workspace.pk)
        .filter(pk=notification_id)
        .exists()
    ):
        raise NotFound("No such notification.")
    notify.mark_read(user=caller_.user, notification_id=notification_id)
    found = selectors.notifications_of(user=caller_.user).select_related("actor").get(pk=notification_id)
    return _notification(found)


@router.post(N + "/read-all", response={200: Marked, **WRITES}, summary="Mark every one of this workspace read")
def notifications_read_all(request, ws: str):
    caller_ = caller(request)
    caller_.require_write_scope()
    return {"marked": notify.mark_all_read(user=caller_.user, workspace_id=caller_.workspace.pk)}
