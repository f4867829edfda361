"""Writes to a workspace's Slack and Teams destinations: add, route, test, stop, remove.

The JSON webhook keeps its own services in `notifications.notify` (`webhook_save` and the
rest); a destination of a chat kind is made here, checked against its service's hosts and
the public-address rule when it is saved (and again before each send and at connect).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from core.links import absolute
from core.text import clean_name
from notifications.models import ChannelDigestSchedule, NotificationKind, Webhook, WebhookDelivery

MAX_DESTINATIONS = 30  # per workspace: each event is routed through all of them
CHAT_KINDS = (Webhook.Kind.SLACK, Webhook.Kind.TEAMS)
# The kinds a destination can take: every notification but the one about destinations.
ROUTABLE_KINDS = [k for k in NotificationKind.values if k != NotificationKind.CHANNEL_STOPPED]


@dataclass(frozen=True)
class Routing:
    event_kinds: tuple[str, ...] = ()
    matrices: tuple[int, ...] = ()
    tiers: tuple[int, ...] = ()
    cycles: tuple[int, ...] = ()
    chosen_only: bool = False
    digest: bool = False


def _columns(routing: Routing) -> dict:
    """The routing as the destination's columns hold it: lists, not tuples."""
    return {
        "event_kinds": list(routing.event_kinds),
        "matrices": list(routing.matrices),
        "tiers": list(routing.tiers),
        "cycles": list(routing.cycles),
        "chosen_only": routing.chosen_only,
        "digest": routing.digest,
    }


def _checked_url(kind: str, url: str) -> str:
    from notifications.webhooks import WebhookRefused, check_chat_target

    url = (url or "").strip()
    if not url:
        raise InvalidInput("Give the webhook address the service gave you.", "url")
    if len(url) > 500 or "\x00" in url:
        raise InvalidInput("The address is longer than 500 characters.", "url")
    try:
        check_chat_target(kind, url)
    except WebhookRefused as error:
        raise InvalidInput(str(error), "url") from None
    return url


def _checked_routing(routing: Routing, *, matrices: set[int], cycles: set[int]) -> Routing:
    """Only the workspace's own matrices and cycles, known kinds, tiers 1 to 3."""
    if any(k not in ROUTABLE_KINDS for k in routing.event_kinds):
        raise InvalidInput("Pick kinds of event from the list.", "event_kinds")
    if any(t not in (1, 2, 3) for t in routing.tiers):
        raise InvalidInput("Tiers are 1, 2 and 3.", "tiers")
    if not set(routing.matrices) <= matrices:
        raise InvalidInput("Pick matrices of this workspace.", "matrices")
    if not set(routing.cycles) <= cycles:
        raise InvalidInput("Pick launch cycles of this workspace.", "cycles")
    return routing


@transaction.atomic
def destination_add(
    *,
    workspace,
    kind: str,
    name: str,
    url: str,
    routing: Routing = Routing(),  # noqa: B008  (frozen: one shared default is safe)
    matrices: set[int] = frozenset(),  # type: ignore[assignment]
    cycles: set[int] = frozenset(),  # type: ignore[assignment]
) -> Webhook:
    """A new Slack or Teams destination. `matrices` and `cycles` are the workspace's own
    ids, the only ones its routing may name."""
    if kind not in CHAT_KINDS:
        raise InvalidInput("Pick Slack or Microsoft Teams.", "kind")
    name = clean_name(name, "channel")
    if len(name) > 80:
        raise InvalidInput(f"The channel's name is {len(name)} characters long; the limit is 80.", "name")
    url = _checked_url(kind, url)
    routing = _checked_routing(routing, matrices=set(matrices), cycles=set(cycles))
    # Counted under the workspace's row lock, so two admins adding at once stop at the limit.
    type(workspace).objects.select_for_update().filter(pk=workspace.pk).first()
    if Webhook.objects.filter(workspace=workspace).count() >= MAX_DESTINATIONS:
        raise InvalidInput(f"A workspace has at most {MAX_DESTINATIONS} destinations.", "name")
    return Webhook.objects.create(
        workspace=workspace,
        kind=kind,
        name=name,
        url=url,
        secret="",
        **_columns(routing),
    )


def destination_of(*, workspace, destination_id: int) -> Webhook:
    destination = Webhook.objects.filter(workspace=workspace, pk=destination_id, kind__in=CHAT_KINDS).first()
    if destination is None:
        raise NotFound("No such destination.")
    return destination


@transaction.atomic
def destination_route(
    *, workspace, destination_id: int, routing: Routing, matrices: set[int], cycles: set[int]
) -> Webhook:
    destination = destination_of(workspace=workspace, destination_id=destination_id)
    routing = _checked_routing(routing, matrices=set(matrices), cycles=set(cycles))
    Webhook.objects.filter(pk=destination.pk).update(
        **_columns(routing),
    )
    destination.refresh_from_db()
    return destination


@transaction.atomic
def destination_remove(*, workspace, destination_id: int) -> None:
    destination_of(workspace=workspace, destination_id=destination_id).delete()


@transaction.atomic
def destination_resume(*, workspace, destination_id: int) -> Webhook:
    """Try a stopped destination again (its channel was unarchived, the app added back)."""
    destination = destination_of(workspace=workspace, destination_id=destination_id)
    Webhook.objects.filter(pk=destination.pk).update(stopped_at=None, stopped_reason="", paused_until=None)
    destination.refresh_from_db()
    return destination


@transaction.atomic
def destination_test(*, workspace, destination_id: int, actor) -> WebhookDelivery:
    """Send a test message now, so the admin sees it arrive (or why not) in its deliveries."""
    from notifications import tasks
    from notifications.chat_messages import Message, Part

    destination = destination_of(workspace=workspace, destination_id=destination_id)
    if destination.stopped_at is not None:
        raise InvalidInput("This destination is stopped: resume it first.")
    now = timezone.now()
    who = actor.get_full_name() or actor.username
    message = Message(
        heading="Lockstep is connected",
        parts=[
            Part(
                heading="Lockstep is connected",
                lead=f"{who} connected this channel to {workspace.name}.",
                lines=["The events chosen for it will be posted here."],
            )
        ],
        url=absolute(reverse("notifications:channels", args=[workspace.slug])),
        footer=f"{workspace.name} · Test message",
    )
    delivery = WebhookDelivery.objects.create(
        webhook=destination,
        key=f"ping:{destination.pk}:{now.isoformat()}",
        kind="ping",
        next_attempt_at=now,
        payload={"message": _plain(message)},
    )
    tasks.deliver_webhook.delay_on_commit(delivery.pk)
    return delivery


def _plain(message) -> dict:
    from dataclasses import asdict

    return asdict(message)


@transaction.atomic
def stop_destination(*, destination_id: int, reason: str) -> bool:
    """The service said the destination is gone for good: stop trying it (its waiting
    deliveries fail) and tell the workspace's admins. False when it was already stopped."""
    from notifications.notify import Event, emit
    from workspaces.models import Access, Membership

    now = timezone.now()
    if not Webhook.objects.filter(pk=destination_id, stopped_at__isnull=True).update(
        stopped_at=now, stopped_reason=reason[:300]
    ):
        return False
    destination = Webhook.objects.select_related("workspace").get(pk=destination_id)
    WebhookDelivery.objects.filter(webhook_id=destination_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED,
        finished_at=now,
        next_attempt_at=None,
        last_error="The destination was stopped: nothing more is sent to it.",
    )
    workspace = destination.workspace
    admins = Membership.objects.filter(workspace=workspace, access=Access.ADMIN).values_list("user_id", flat=True)
    emit(
        Event(
            workspace_id=workspace.pk,
            workspace_slug=workspace.slug,
            kind=NotificationKind.CHANNEL_STOPPED,
            key=f"channel_stopped:{destination_id}:{now.isoformat()}",
            title=f"Lockstep stopped posting to {destination} ({destination.get_kind_display()})",
            body=f"{reason} Nothing more is sent there until an admin resumes it or adds the channel again.",
            url=reverse("notifications:channels", args=[workspace.slug]),
            data={"destination": str(destination), "reason": reason},
        ),
        recipients=list(admins),
    )
    return True


@transaction.atomic
def digest_schedule_save(*, workspace, weekday: int, hour: int) -> ChannelDigestSchedule:
    if weekday not in range(7):
        raise InvalidInput("Pick a day of the week.", "weekday")
    if hour not in range(24):
        raise InvalidInput("Pick an hour from 0 to 23.", "hour")
    schedule, _ = ChannelDigestSchedule.objects.update_or_create(
        workspace=workspace, defaults={"weekday": weekday, "hour": hour}
    )
    return schedule
