"""Who hears what: turning an event into notifications, e-mails and a webhook call.

`emit` runs inside the writing service's transaction. It stores one notification per
recipient and one webhook delivery per event, each under an idempotency key, and hands
the sending to Celery only when the transaction commits: a rolled-back write notifies
nobody, and an event emitted twice (a retried task, a doubled tick) is stored once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from core.links import absolute
from notifications.models import (
    DigestSchedule,
    EmailMode,
    Notification,
    NotificationEvent,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
    Webhook,
    WebhookDelivery,
)
from notifications.selectors import shown

Kind = NotificationKind

# Letters move in bursts while a matrix is being edited: one digest beats twenty e-mails.
DEFAULT_EMAIL = dict.fromkeys(Kind.values, EmailMode.NOW) | {Kind.LETTERS: EmailMode.DIGEST}


@dataclass(frozen=True)
class Choice:
    in_app: bool
    email: str


def default_choice(kind: str) -> Choice:
    return Choice(in_app=True, email=DEFAULT_EMAIL[kind])


def preferences_of(*, user) -> tuple[dict[str, Choice], str]:
    """Every kind's choice for the person (defaults filled in) and their digest schedule."""
    chosen = {p.kind: Choice(p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}
    schedule = (
        NotificationSettings.objects.filter(user=user).values_list("digest", flat=True).first() or DigestSchedule.DAILY
    )
    return {kind: chosen.get(kind, default_choice(kind)) for kind in Kind.values}, schedule


@dataclass(frozen=True)
class Event:
    workspace_id: int
    workspace_slug: str
    kind: str
    key: str
    title: str
    url: str = ""
    body: str = ""
    actor_id: int | None = None
    actor_name: str = ""
    data: dict = field(default_factory=dict)
    # What routing to Slack and Teams reads (`notifications.routing`); never shown.
    matrix_id: int | None = None
    launch_id: int | None = None
    tier: int | None = None
    cycle_id: int | None = None
    # The destination the event's launch picked as its own channel.
    channel_id: int | None = None

    def __post_init__(self):
        if len(self.key) > 200:
            raise ValueError(f"notification key too long: {self.key[:60]}…")


def emit(event: Event, *, recipients: Iterable[int]) -> list[int]:
    return emit_many([(event, recipients)])


def emit_many(events: Sequence[tuple[Event, Iterable[int]]]) -> list[int]:
    """Store the events' notifications and webhook deliveries; send them after commit.

    An event whose key was emitted before tells nobody again, and the actor is never told
    about their own change. Only people who are active members of the event's workspace now
    are told: a tick reads who holds what from rows that may still name someone who left.
    A constant number of queries, however many events. Returns the ids of the notifications
    made.
    """
    from notifications import tasks

    done = seen(e.key for e, _ in events)
    fresh = {}
    for event, recipients in events:
        if event.key not in done and event.key not in fresh:
            fresh[event.key] = (event, {uid for uid in recipients if uid and uid != event.actor_id})
    if not fresh:
        return []
    members = _members_among(fresh.values())
    for event, users in fresh.values():
        users.intersection_update(members.get(event.workspace_id, ()))
    NotificationEvent.objects.bulk_create(
        [NotificationEvent(key=e.key, workspace_id=e.workspace_id, kind=e.kind) for e, _ in fresh.values()],
        ignore_conflicts=True,
    )
    wanted = {(uid, e.kind) for e, users in fresh.values() for uid in users}
    chosen = (
        {
            (p.user_id, p.kind): Choice(p.in_app, p.email)
            for p in NotificationPreference.objects.filter(
                user_id__in={uid for uid, _ in wanted}, kind__in={kind for _, kind in wanted}
            )
        }
        if wanted
        else {}
    )
    rows = []
    for event, users in fresh.values():
        for uid in users:
            choice = chosen.get((uid, event.kind)) or default_choice(event.kind)
            if choice.in_app or choice.email != EmailMode.OFF:
                rows.append(
                    Notification(
                        user_id=uid,
                        workspace_id=event.workspace_id,
                        kind=event.kind,
                        key=event.key,
                        title=event.title[:300],
                        body=event.body[:4000],
                        url=event.url[:500],
                        actor_id=event.actor_id,
                        in_app=choice.in_app,
                        email=choice.email,
                    )
                )
    ids = []
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        made = Notification.objects.filter(key__in=list(fresh), user_id__in={r.user_id for r in rows})
        for pk, email, emailed_at in made.values_list("pk", "email", "emailed_at"):
            ids.append(pk)
            if email == EmailMode.NOW and emailed_at is None:
                tasks.send_notification_email.delay_on_commit(pk)
    _queue_webhooks([e for e, _ in fresh.values()])
    return ids


def _members_among(events) -> dict[int, set[int]]:
    """{workspace id: the ids of its active members} among the events' recipients."""
    from workspaces.models import Membership

    wanted = {uid for _, users in events for uid in users}
    members: dict[int, set[int]] = {}
    if wanted:
        for ws, uid in Membership.objects.filter(
            workspace_id__in={e.workspace_id for e, _ in events},
            user_id__in=wanted,
            user__is_active=True,
            suspended_at__isnull=True,  # a suspended member reaches nothing of the workspace
        ).values_list("workspace_id", "user_id"):
            members.setdefault(ws, set()).add(uid)
    return members


def _queue_webhooks(events: list[Event]) -> None:
    from notifications import routing, tasks

    destinations = list(
        Webhook.objects.filter(workspace_id__in={e.workspace_id for e in events}, active=True, stopped_at__isnull=True)
    )
    chat = [d for d in destinations if d.is_chat]
    if chat:
        routing.queue_chat(events, chat, in_process=in_process())
    hooks = {d.workspace_id: d.pk for d in destinations if d.kind == Webhook.Kind.JSON}
    if not hooks:
        return
    moment = timezone.now()
    now = moment.isoformat()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                webhook_id=hooks[e.workspace_id],
                key=e.key,
                kind=e.kind,
                next_attempt_at=moment,
                payload={
                    "event": e.kind,
                    "id": e.key,
                    "workspace": e.workspace_slug,
                    "title": e.title,
                    "text": e.body,
                    "url": absolute(e.url) if e.url else "",
                    "actor": e.actor_name,
                    "at": now,
                    **({"data": e.data} if e.data else {}),
                },
            )
            for e in events
            if e.workspace_id in hooks
        ],
        ignore_conflicts=True,
    )
    if in_process():
        # No worker: a slow receiver must not hold up the request that made the event; the
        # tick (`make run` runs it beside the server) sends it within a minute.
        return
    pending = WebhookDelivery.objects.filter(
        webhook_id__in=hooks.values(),
        key__in=[e.key for e in events],
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
    )
    for pk in pending.values_list("pk", flat=True):
        tasks.deliver_webhook.delay_on_commit(pk)


def in_process() -> bool:
    """True without a broker: tasks run eagerly, in the process that queues them."""
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def seen(keys: Iterable[str]) -> set[str]:
    """The keys among these that were already emitted: what a tick can skip."""
    return set(NotificationEvent.objects.filter(key__in=list(keys)).values_list("key", flat=True))


# --- a person's inbox and choices, a workspace's webhook --------------------------------


def mark_read(*, user, notification_id: int, refused: Q | None = None) -> Notification:
    """`refused`: the workspaces whose sign-in rules refuse the session (their notifications are not found)."""
    n = shown(Notification.objects.filter(user=user, pk=notification_id), refused).first()
    if n is None:
        raise NotFound("No such notification.")
    if n.read_at is None:
        n.read_at = timezone.now()
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=n.read_at)
    return n


def mark_all_read(*, user, workspace_id: int | None = None, refused: Q | None = None) -> int:
    unread = shown(Notification.objects.filter(user=user, in_app=True, read_at__isnull=True), refused)
    if workspace_id is not None:
        unread = unread.filter(workspace_id=workspace_id)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user, choices: dict[str, Choice], digest: str) -> None:
    if digest not in DigestSchedule.values:
        raise InvalidInput("Pick a daily or a weekly digest.", "digest")
    for kind, choice in choices.items():
        if kind not in Kind.values or choice.email not in EmailMode.values:
            raise InvalidInput("Pick one of the offered choices.")
    NotificationPreference.objects.filter(user=user).delete()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=user, kind=kind, in_app=c.in_app, email=c.email)
            for kind, c in choices.items()
            if c != default_choice(kind)
        ]
    )
    NotificationSettings.objects.update_or_create(user=user, defaults={"digest": digest})


@transaction.atomic
def webhook_save(*, workspace, url: str, active: bool) -> Webhook:
    from notifications.webhooks import WebhookRefused, check_target

    url = (url or "").strip()
    if not url:
        raise InvalidInput("Give the address the events are sent to.", "url")
    if len(url) > 500:
        raise InvalidInput("The address is longer than 500 characters.", "url")
    try:
        check_target(url)
    except WebhookRefused as error:
        raise InvalidInput(str(error), "url") from None
    webhook, _ = Webhook.objects.update_or_create(
        workspace=workspace, kind=Webhook.Kind.JSON, defaults={"url": url, "active": active}
    )
    return webhook


@transaction.atomic
def webhook_new_secret(*, workspace, overlap: bool = True, actor=None) -> Webhook:
    """A new signing secret. With `overlap`, the old one goes on signing beside it
    (`X-Lockstep-Signature-Previous`) for WEBHOOK_SECRET_OVERLAP_HOURS, so the receiver can
    switch without a gap; without it (the old one leaked) it stops at once."""
    from django.conf import settings

    webhook = Webhook.objects.select_for_update().filter(workspace=workspace, kind=Webhook.Kind.JSON).first()
    if webhook is None:
        raise NotFound("This workspace has no webhook.")
    if overlap:
        webhook.previous_secret = webhook.secret
        webhook.previous_until = timezone.now() + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
    else:
        webhook.previous_secret, webhook.previous_until = "", None
    webhook.secret = Webhook._meta.get_field("secret").get_default()  # a new one, as a new webhook gets
    webhook.save(update_fields=["secret", "previous_secret", "previous_until"])
    return webhook


@transaction.atomic
def webhook_remove(*, workspace) -> None:
    Webhook.objects.filter(workspace=workspace, kind=Webhook.Kind.JSON).delete()


@transaction.atomic
def webhook_ping(*, workspace, actor) -> WebhookDelivery:
    """Send a test event now, so an admin sees the receiver answer."""
    from notifications import tasks

    webhook = Webhook.objects.filter(workspace=workspace, kind=Webhook.Kind.JSON).first()
    if webhook is None:
        raise NotFound("This workspace has no webhook.")
    now = timezone.now()
    key = f"ping:{workspace.pk}:{now.isoformat()}"
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        key=key,
        kind="ping",
        next_attempt_at=now,
        payload={
            "event": "ping",
            "id": key,
            "workspace": workspace.slug,
            "at": now.isoformat(),
            "title": "Lockstep webhook test",
            "actor": actor.get_full_name() or actor.username,
        },
    )
    tasks.deliver_webhook.delay_on_commit(delivery.pk)
    return delivery


@transaction.atomic
def webhook_redeliver(*, workspace, delivery_id: int) -> WebhookDelivery:
    from notifications import tasks

    delivery = WebhookDelivery.objects.select_for_update().filter(webhook__workspace=workspace, pk=delivery_id).first()
    if delivery is None:
        raise NotFound("No such delivery.")
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise InvalidInput("That delivery is still being tried.")
    delivery.status, delivery.attempts, delivery.finished_at = WebhookDelivery.Status.PENDING, 0, None
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "finished_at", "next_attempt_at"])
    tasks.deliver_webhook.delay_on_commit(delivery.pk)
    return delivery


def hand_over_notifications(*, membership, to, actor) -> None:
    """A member leaves: their notifications of the workspace go (read or not, e-mailed or
    waiting for the digest). Nothing is handed to anyone: each was about them."""
    Notification.objects.filter(workspace_id=membership.workspace_id, user_id=membership.user_id).delete()
