"""Which Slack and Teams destinations an event goes to, and the bursts gathered for them.

A destination takes an event when it is the channel the event's launch picked (whatever
else it chose), or, unless it takes only the launches that pick it, when the event passes
each of its filters: the kinds of event it takes, and, for an event that has one, its
matrix, its launch's tier and its cycle (an empty filter takes everything). So a channel
for Tier 1 launches never hears of a Tier 3 launch, and still hears of the matrices.

Letters changed in one matrix are gathered for CHAT_COALESCE_SECONDS (default 10 minutes):
the first opens a delivery that waits that long, and those that come before it is sent
join it, so a workshop's burst of edits is one message listing them (Slack takes about one
message a second from a webhook).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.links import absolute
from notifications.models import NotificationKind, Webhook, WebhookDelivery

# A burst keeps this many events; later ones are only counted.
BURST_KEPT = 200

# What a destination can be routed by, named by the apps that own it ("matrices" by raci,
# "cycles" by launches), registered in their `AppConfig.ready()`: each answers the
# workspace's (id, name) pairs.
_CHOICES: dict[str, Callable[[Any], list[tuple[int, str]]]] = {}


def register_choices(name: str, choices: Callable[[Any], list[tuple[int, str]]]) -> None:
    _CHOICES[name] = choices


def choices_of(name: str, workspace) -> list[tuple[int, str]]:
    provider = _CHOICES.get(name)
    return list(provider(workspace)) if provider else []


def routes(destination: Webhook, event) -> bool:
    """True when the event goes to the destination (see the module's docstring)."""
    if not destination.is_chat or destination.workspace_id != event.workspace_id:
        return False
    if destination.event_kinds and event.kind not in destination.event_kinds:
        return False
    if event.channel_id == destination.pk:
        return True
    if destination.chosen_only:
        return False
    if destination.matrices and event.matrix_id is not None and event.matrix_id not in destination.matrices:
        return False
    if destination.tiers and event.launch_id is not None and event.tier not in destination.tiers:
        return False
    return not (destination.cycles and event.cycle_id is not None and event.cycle_id not in destination.cycles)


def item_of(event, at: str) -> dict:
    """What a chat delivery keeps of an event to build its message when sent."""
    return {
        "kind": event.kind,
        "key": event.key,
        "title": event.title,
        "body": event.body,
        "url": absolute(event.url) if event.url else "",
        "actor": event.actor_name,
        "data": event.data,
        "at": at,
    }


def burst_group(event) -> str:
    if event.kind == NotificationKind.LETTERS and event.matrix_id and settings.CHAT_COALESCE_SECONDS > 0:
        return f"matrix:{event.matrix_id}"
    return ""


def queue_chat(events: list, destinations: list[Webhook], *, in_process: bool) -> None:
    """Store the chat deliveries of these events (in the caller's transaction) and send
    them after commit: at once, or when a burst's window closes."""
    from notifications import tasks

    moment = timezone.now()
    at = moment.isoformat()
    window = timedelta(seconds=settings.CHAT_COALESCE_SECONDS)
    now_rows: list[WebhookDelivery] = []
    bursts: dict[tuple[int, str], list] = {}
    for destination in destinations:
        for event in events:
            if not routes(destination, event):
                continue
            group = burst_group(event)
            if group:
                bursts.setdefault((destination.pk, group), []).append(event)
            else:
                now_rows.append(
                    WebhookDelivery(
                        webhook_id=destination.pk,
                        key=event.key,
                        kind=event.kind,
                        next_attempt_at=moment,
                        payload={"items": [item_of(event, at)]},
                    )
                )
    if now_rows:
        WebhookDelivery.objects.bulk_create(now_rows, ignore_conflicts=True)
        if not in_process:
            for pk in WebhookDelivery.objects.filter(
                webhook_id__in={r.webhook_id for r in now_rows},
                key__in={r.key for r in now_rows},
                status=WebhookDelivery.Status.PENDING,
                attempts=0,
            ).values_list("pk", flat=True):
                tasks.deliver_webhook.delay_on_commit(pk)
    for (destination_id, group), burst in bursts.items():
        open_one = (
            WebhookDelivery.objects.select_for_update()
            .filter(
                webhook_id=destination_id,
                group=group,
                status=WebhookDelivery.Status.PENDING,
                attempts=0,
                next_attempt_at__gt=moment,
            )
            .order_by("pk")
            .first()
        )
        items = [item_of(e, at) for e in burst]
        if open_one is not None:
            payload = dict(open_one.payload)
            kept = payload.get("items", [])
            room = max(BURST_KEPT - len(kept), 0)
            payload["items"] = kept + items[:room]
            payload["more"] = payload.get("more", 0) + len(items[room:])
            WebhookDelivery.objects.filter(pk=open_one.pk).update(payload=payload)
            continue
        delivery = WebhookDelivery.objects.create(
            webhook_id=destination_id,
            key=burst[0].key,
            kind=burst[0].kind,
            group=group,
            next_attempt_at=moment + window,
            payload={"items": items[:BURST_KEPT], "more": len(items[BURST_KEPT:])},
        )
        if not in_process:
            transaction.on_commit(_send_later(delivery.pk, window.total_seconds()))


def _send_later(delivery_id: int, seconds: float) -> Callable[[], None]:
    """Sends the burst when its window closes (a worker's countdown)."""
    from notifications import tasks

    def send() -> None:
        tasks.deliver_webhook.apply_async((delivery_id,), countdown=seconds)

    return send
