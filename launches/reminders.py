"""Who hears about launches: the PM and PMM owners when status, tier or go/no-go moves;
a readiness item's owner when it is assigned to them, due in 2 days, and overdue.

The writing services call the `*_changed` functions inside their transaction; the tick
finds due and overdue items. Both go through `raci.notify.emit`, which tells once per key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from raci.models import Membership, NotificationKind
from raci.notify import Event, emit, emit_many, seen

from .models import GoDecision, Launch, ReadinessItem, StatusUpdate
from .tiering import OPEN

Kind = NotificationKind
DUE_SOON = timedelta(days=2)
# Items overdue for longer than this were told about when they fell due.
LOOKBACK = timedelta(days=30)


def _url(launch: Launch) -> str:
    return reverse("launches:launch", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk])


def _event(launch: Launch, *, kind: str, key: str, title: str, body: str = "", actor=None, data=None) -> Event:
    return Event(workspace_id=launch.cycle.workspace_id, workspace_slug=launch.cycle.workspace.slug, kind=kind,
                 key=key, title=title, body=body, url=_url(launch), actor_id=actor.pk if actor else None,
                 actor_name=(actor.get_full_name() or actor.username) if actor else "",
                 data={"launch": launch.name, "cycle": launch.cycle.name, **(data or {})})


def _owners(launch: Launch) -> set[int]:
    ids = [i for i in (launch.pm_owner_id, launch.pmm_owner_id) if i]
    return set(Membership.objects.filter(pk__in=ids).values_list("user_id", flat=True)) if ids else set()


def status_changed(update: StatusUpdate, launch: Launch, *, actor) -> None:
    label = update.get_status_display()
    emit(_event(launch, kind=Kind.LAUNCH_STATUS, key=f"launch_status:{update.pk}",
                title=f"{launch.name} is {label.lower()}", body=update.note, actor=actor,
                data={"status": update.status, "note": update.note}),
         recipients=_owners(launch))


def tier_changed(launch: Launch, *, tier_name: str, actor, assigned: Iterable[ReadinessItem] = ()) -> None:
    """The owners hear of the new tier, and each new item's owner that the item is theirs."""
    assigned = [i for i in assigned if i.owner_id and i.status in OPEN]
    ids = {launch.pm_owner_id, launch.pmm_owner_id} | {i.owner_id for i in assigned}
    users = dict(Membership.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "user_id"))
    owners = {users[i] for i in (launch.pm_owner_id, launch.pmm_owner_id) if i in users}
    emit_many([
        (_event(launch, kind=Kind.LAUNCH_TIER, key=f"launch_tier:{launch.pk}:{timezone.now().isoformat()}",
                title=f"{launch.name} is now {tier_name}", body=launch.tier_reason and f"Why: {launch.tier_reason}",
                actor=actor, data={"tier": launch.tier, "tier_name": tier_name}), owners),
        *_assignments(launch, assigned, users, actor),
    ])


def go_recorded(go: GoDecision, launch: Launch, *, actor) -> None:
    emit(_event(launch, kind=Kind.GO_DECISION, key=f"go:{go.pk}",
                title=f"{go.get_decision_display()} for {launch.name}", body=go.notes, actor=actor,
                data={"decision": go.decision}),
         recipients=_owners(launch))


def items_assigned(launch: Launch, items: Iterable[ReadinessItem], *, actor) -> None:
    items = [i for i in items if i.owner_id and i.status in OPEN]
    if items:
        users = dict(Membership.objects.filter(pk__in={i.owner_id for i in items}).values_list("pk", "user_id"))
        emit_many(_assignments(launch, items, users, actor))


def _assignments(launch: Launch, items: list[ReadinessItem], users: dict[int, int], actor) -> list:
    return [(_event(launch, kind=Kind.ITEM_ASSIGNED, key=f"item_assigned:{item.pk}:{item.owner_id}",
                    title=f"{item.title} for {launch.name} is yours"
                          + (f", due {item.due_date:%d %b %Y}" if item.due_date else ""),
                    actor=actor, data={"item": item.title,
                                       "due_date": item.due_date.isoformat() if item.due_date else None}),
             {users.get(item.owner_id)})
            for item in items]


def readiness_tick(today: date) -> int:
    """Tell owners about their open items due in the next 2 days, and overdue ones."""
    items = list(ReadinessItem.objects.filter(status__in=OPEN, owner__isnull=False, due_date__isnull=False,
                                              due_date__gt=today - LOOKBACK, due_date__lte=today + DUE_SOON)
                 .select_related("launch__cycle__workspace", "owner"))
    keys = {}
    for item in items:
        kind = "item_overdue" if item.due_date < today else "item_due"
        keys[item.pk] = (kind, f"{kind}:{item.pk}:{item.due_date.isoformat()}")
    seen_before = seen(key for _, key in keys.values())
    batch = []
    for item in items:
        kind, key = keys[item.pk]
        if key in seen_before:
            continue
        launch = item.launch
        if kind == "item_overdue":
            late = (today - item.due_date).days
            title = f"{item.title} for {launch.name} is overdue ({late} day{'s' if late != 1 else ''})"
        else:
            when = "today" if item.due_date == today else f"on {item.due_date:%a %d %b}"
            title = f"{item.title} for {launch.name} is due {when}"
        batch.append((_event(launch, kind=kind, key=key, title=title, body="Required for go." if item.required else "",
                             data={"item": item.title, "due_date": item.due_date.isoformat(),
                                   "required": item.required}),
                      {item.owner.user_id}))
    with transaction.atomic():
        emit_many(batch)
    return len(batch)


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def readiness_reminders_tick() -> int:
    return readiness_tick(timezone.localdate())
