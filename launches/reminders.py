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
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from launches import planning
from launches.models import GoDecision, Launch, ReadinessItem, StatusUpdate
from launches.tiering import OPEN
from notifications.models import NotificationKind
from notifications.notify import Event, emit, emit_many, seen
from workspaces.clock import Clock
from workspaces.models import Access, Membership, Role

Kind = NotificationKind
DUE_SOON = timedelta(days=2)
# Items overdue for longer than this were told about when they fell due.
LOOKBACK = timedelta(days=30)


def _url(launch: Launch) -> str:
    return reverse("launches:launch", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk])


def day(d: date) -> str:
    """5 Dec 2026, as every other page writes a date."""
    return f"{d.day} {d:%b %Y}"


def reminder_event(
    launch: Launch, *, kind: str, key: str, title: str, body: str = "", actor=None, data=None, anchor: str = ""
) -> Event:
    return Event(
        workspace_id=launch.cycle.workspace_id,
        workspace_slug=launch.cycle.workspace.slug,
        kind=kind,
        key=key,
        title=title,
        body=body,
        url=_url(launch) + anchor,
        actor_id=actor.pk if actor else None,
        actor_name=(actor.get_full_name() or actor.username) if actor else "",
        data={"launch": launch.name, "cycle": launch.cycle.name, **(data or {})},
        matrix_id=launch.matrix_id,
        launch_id=launch.pk,
        tier=launch.tier,
        cycle_id=launch.cycle_id,
        channel_id=launch.channel_id,
    )


def _owners(launch: Launch) -> set[int]:
    ids = [i for i in (launch.pm_owner_id, launch.pmm_owner_id) if i]
    return set(Membership.objects.filter(pk__in=ids).values_list("user_id", flat=True)) if ids else set()


def status_changed(update: StatusUpdate, launch: Launch, *, actor) -> None:
    label = update.get_status_display()
    emit(
        reminder_event(
            launch,
            kind=Kind.LAUNCH_STATUS,
            key=f"launch_status:{update.pk}",
            title=f"{launch.name} is {label.lower()}",
            body=update.note,
            actor=actor,
            data={"status": update.status, "note": update.note},
        ),
        recipients=_owners(launch),
    )


def tier_changed(launch: Launch, *, tier_name: str, actor, assigned: Iterable[ReadinessItem] = ()) -> None:
    """The owners hear of the new tier, each new item's owner that the item is theirs, and
    the admins of the items whose role nobody holds."""
    assigned = list(assigned)
    unheld = _unheld(launch, assigned, actor)
    assigned = [i for i in assigned if i.owner_id and i.status in OPEN]
    ids = {launch.pm_owner_id, launch.pmm_owner_id} | {i.owner_id for i in assigned}
    users = dict(Membership.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "user_id"))
    owners = {users[i] for i in (launch.pm_owner_id, launch.pmm_owner_id) if i in users}
    emit_many(
        [
            (
                reminder_event(
                    launch,
                    kind=Kind.LAUNCH_TIER,
                    key=f"launch_tier:{launch.pk}:{timezone.now().isoformat()}",
                    title=f"{launch.name} is now {tier_name}",
                    body=launch.tier_reason and f"Why: {launch.tier_reason}",
                    actor=actor,
                    data={"tier": launch.tier, "tier_name": tier_name, "reason": launch.tier_reason},
                ),
                owners,
            ),
            *_assignments(launch, assigned, users, actor),
            *unheld,
        ]
    )


def go_recorded(go: GoDecision, launch: Launch, *, actor, readiness_line: str = "") -> None:
    emit(
        reminder_event(
            launch,
            kind=Kind.GO_DECISION,
            key=f"go:{go.pk}",
            title=f"{go.get_decision_display()} for {launch.name}",
            body=go.notes,
            actor=actor,
            data={"decision": go.decision, "decision_label": go.get_decision_display(), "readiness": readiness_line},
        ),
        recipients=_owners(launch),
    )


def items_assigned(launch: Launch, items: Iterable[ReadinessItem], *, actor) -> None:
    """Each person told of the open items that became theirs; items that went to a role
    nobody holds tell the workspace's admins (who name holders) and the launch's owners."""
    items = list(items)
    unheld = _unheld(launch, items, actor)
    items = [i for i in items if i.owner_id and i.status in OPEN]
    if items:
        users = dict(Membership.objects.filter(pk__in={i.owner_id for i in items}).values_list("pk", "user_id"))
        emit_many(_assignments(launch, items, users, actor) + unheld)
    elif unheld:
        emit_many(unheld)


def _unheld(launch: Launch, items: list[ReadinessItem], actor) -> list:
    """Open items whose role nobody holds: one notice per role, to the workspace's admins
    and the launch's PM and PMM owners, linking to the launch page's "who holds this?"."""
    by_role: dict[int, list[ReadinessItem]] = {}
    for item in items:
        if item.owner_role_id and not item.owner_id and item.status in OPEN:
            by_role.setdefault(item.owner_role_id, []).append(item)
    if not by_role:
        return []
    codes = dict(Role.objects.filter(pk__in=by_role).values_list("pk", "code"))
    told = set(
        Membership.objects.filter(workspace_id=launch.cycle.workspace_id)
        .filter(Q(access=Access.ADMIN) | Q(pk__in=[launch.pm_owner_id, launch.pmm_owner_id]))
        .values_list("user_id", flat=True)
    )
    now = timezone.now().isoformat()
    events = []
    for role_id, theirs in by_role.items():
        code = codes.get(role_id, "a role")
        count = f"{len(theirs)} readiness items" if len(theirs) > 1 else theirs[0].title
        events.append(
            (
                reminder_event(
                    launch,
                    kind=Kind.ROLE_UNHELD,
                    key=f"role_unheld:{launch.pk}:{role_id}:{now}",
                    title=f"Nobody holds {code}: {count} for {launch.name} {'wait' if len(theirs) > 1 else 'waits'} for a holder",
                    body="\n".join(i.title for i in theirs) if len(theirs) > 1 else "",
                    actor=actor,
                    anchor=f"#who-holds-{role_id}",
                    data={"role": code, "items": [i.title for i in theirs]},
                ),
                told,
            )
        )
    return events


def _assignments(launch: Launch, items: list[ReadinessItem], users: dict[int, int], actor) -> list:
    """One notification per person, however many of the launch's items just became theirs
    (tiering a launch hands out several at once). Each handing-over is news, even of an item
    the person had before: the key carries the moment."""
    mine: dict[int, list[ReadinessItem]] = {}
    for item in items:
        mine.setdefault(item.owner_id, []).append(item)
    now = timezone.now().isoformat()
    events = []
    for owner_id, theirs in mine.items():
        due = [f", due {day(i.due_date)}" if i.due_date else "" for i in theirs]
        if len(theirs) == 1:
            title = f"{theirs[0].title} for {launch.name} is yours{due[0]}"
            body, anchor = "", f"#item-{theirs[0].pk}"
        else:
            title = f"{len(theirs)} readiness items for {launch.name} are yours"
            body, anchor = "\n".join(f"{i.title}{d}" for i, d in zip(theirs, due)), "#readiness"
        events.append(
            (
                reminder_event(
                    launch,
                    kind=Kind.ITEM_ASSIGNED,
                    key=f"item_assigned:{launch.pk}:{owner_id}:{now}",
                    title=title,
                    body=body,
                    actor=actor,
                    anchor=anchor,
                    data={
                        "items": [
                            {"item": i.title, "due_date": i.due_date.isoformat() if i.due_date else None}
                            for i in theirs
                        ]
                    },
                ),
                {users.get(owner_id)},
            )
        )
    return events


def readiness_tick(today: date | None = None) -> int:
    """Tell owners about their open items due in the next 2 days, and overdue ones, counted
    from each workspace's today (or `today` everywhere)."""
    clock = Clock.at(today)
    items = [
        item
        for item in ReadinessItem.objects.filter(
            status__in=OPEN,
            owner__isnull=False,
            due_date__isnull=False,
            due_date__gt=clock.earliest - LOOKBACK,
            due_date__lte=clock.latest + DUE_SOON,
        ).select_related("launch__cycle__workspace", "owner")
        if clock.today(item.launch.cycle.workspace) - LOOKBACK
        < item.due_date
        <= clock.today(item.launch.cycle.workspace) + DUE_SOON
    ]
    keys = {}
    for item in items:
        today = clock.today(item.launch.cycle.workspace)
        kind = "item_overdue" if item.due_date < today else "item_due"
        keys[item.pk] = (kind, f"{kind}:{item.pk}:{item.due_date.isoformat()}")
    seen_before = seen(key for _, key in keys.values())
    batch = []
    for item in items:
        kind, key = keys[item.pk]
        if key in seen_before:
            continue
        launch = item.launch
        today = clock.today(launch.cycle.workspace)
        if kind == "item_overdue":
            late = (today - item.due_date).days
            title = f"{item.title} for {launch.name} is overdue ({late} day{'s' if late != 1 else ''})"
        else:
            when = (
                "today" if item.due_date == today else f"on {item.due_date:%a} {item.due_date.day} {item.due_date:%b}"
            )
            title = f"{item.title} for {launch.name} is due {when}"
        batch.append(
            (
                reminder_event(
                    launch,
                    kind=kind,
                    key=key,
                    title=title,
                    body="Required for go." if item.required else "",
                    anchor=f"#item-{item.pk}",
                    data={"item": item.title, "due_date": item.due_date.isoformat(), "required": item.required},
                ),
                {item.owner.user_id},
            )
        )
    with transaction.atomic():
        emit_many(batch)
    return len(batch)


def readouts_tick(today: date | None = None) -> int:
    """30 days after a launch (the day it launched, else its planned date) its PM and PMM
    owners are told to record the day-30 readout, once, while no decision is recorded.
    A tick missed for up to LOOKBACK days still tells them. Days are the workspace's."""
    clock = Clock.at(today)
    readout = timedelta(days=planning.READOUT_DAYS)
    first, last = clock.earliest - readout - LOOKBACK, clock.latest - readout
    launches = [
        launch
        for launch in Launch.objects.filter(outcome="")
        .filter(Q(launched_on__range=(first, last)) | Q(launched_on__isnull=True, launch_date__range=(first, last)))
        .select_related("cycle__workspace", "pm_owner", "pmm_owner")
        if clock.today(launch.cycle.workspace) - readout - LOOKBACK
        <= (launch.launched_on or launch.launch_date)
        <= clock.today(launch.cycle.workspace) - readout
    ]
    keys = {l.pk: f"readout_due:{l.pk}:{(l.launched_on or l.launch_date).isoformat()}" for l in launches}
    told = seen(keys.values())
    batch = []
    for launch in launches:
        if keys[launch.pk] in told:
            continue
        due = planning.readout_due_on(launched_on=launch.launched_on, launch_date=launch.launch_date)
        owners = {m.user_id for m in (launch.pm_owner, launch.pmm_owner) if m is not None}
        metric = f" ({launch.metric_name})" if launch.metric_name else ""
        batch.append(
            (
                reminder_event(
                    launch,
                    kind=Kind.READOUT_DUE,
                    key=keys[launch.pk],
                    title=f"{launch.name}: record the day-30 readout{metric}",
                    body=f"30 days after launch, on {day(due)}: the metric against its target, then "
                    "press on, pivot or pause.",
                    anchor="#after-launch",
                    data={"due": due.isoformat(), "metric": launch.metric_name},
                ),
                owners,
            )
        )
    with transaction.atomic():
        emit_many(batch)
    return len(batch)


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def readiness_reminders_tick() -> int:
    """Readiness items due or overdue, and day-30 readouts due, to their owners."""
    return readiness_tick() + readouts_tick()
