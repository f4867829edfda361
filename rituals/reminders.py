"""The day before a ritual meets, its owner role's holders and attendees hear of it."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse

from notifications.models import NotificationKind
from notifications.notify import Event, emit_many, seen
from workspaces.clock import ONE_DAY, Clock


def rituals_soon_tick(today: date | None = None) -> int:
    """The day before a ritual meets, its owner role's holders and its attendees hear when,
    and what is on the agenda. The rituals tick makes the meeting's row ahead of time.
    "Tomorrow" is the workspace's (or the day after `today` everywhere)."""
    from rituals.models import Occurrence
    from workspaces.models import RoleHolder

    clock = Clock.at(today)
    meetings = [
        m
        for m in Occurrence.objects.filter(
            date__range=(clock.earliest + ONE_DAY, clock.latest + ONE_DAY), ritual__paused=False
        )
        .select_related("ritual__workspace", "ritual__owner_role")
        .prefetch_related("ritual__attendee_roles", "ritual__attendee_members")
        if m.date == clock.today(m.ritual.workspace) + ONE_DAY
    ]
    keys = {m.pk: f"ritual_soon:{m.pk}:{m.date.isoformat()}" for m in meetings}
    done = seen(keys.values())
    meetings = [m for m in meetings if keys[m.pk] not in done]
    if not meetings:
        return 0
    role_ids = {r.pk for m in meetings for r in m.ritual.attendee_roles.all()} | {
        m.ritual.owner_role_id for m in meetings if m.ritual.owner_role_id
    }
    holders: dict[int, set[int]] = {}
    for role_id, user_id in RoleHolder.objects.filter(role_id__in=role_ids).values_list(
        "role_id", "membership__user_id"
    ):
        holders.setdefault(role_id, set()).add(user_id)
    batch = []
    for meeting in meetings:
        ritual, workspace = meeting.ritual, meeting.ritual.workspace
        roles = {r.pk for r in ritual.attendee_roles.all()} | (
            {ritual.owner_role_id} if ritual.owner_role_id else set()
        )
        people = {uid for role_id in roles for uid in holders.get(role_id, ())}
        people |= {m.user_id for m in ritual.attendee_members.all()}
        at = f", {ritual.time_of_day:%H:%M} {workspace.time_zone}" if ritual.time_of_day else ""
        agenda = "\n".join(f"{s.title}" + (f" ({s.minutes} min)" if s.minutes else "") for s in ritual.sections)
        runs = f"{ritual.owner_role.code} runs it." if ritual.owner_role is not None else ""
        batch.append(
            (
                Event(
                    workspace_id=workspace.pk,
                    workspace_slug=workspace.slug,
                    kind=NotificationKind.RITUAL_SOON,
                    key=keys[meeting.pk],
                    title=f"{ritual.name} tomorrow{at}",
                    body="\n".join(part for part in (runs, agenda and f"Agenda:\n{agenda}") if part),
                    url=reverse("rituals:occurrence", args=[workspace.slug, ritual.pk, meeting.date]),
                    data={
                        "ritual": ritual.name,
                        "date": meeting.date.isoformat(),
                        "time": ritual.time_of_day.isoformat() if ritual.time_of_day else None,
                        "time_zone": workspace.time_zone,
                    },
                ),
                people,
            )
        )
    with transaction.atomic():
        emit_many(batch)
    return len(batch)
