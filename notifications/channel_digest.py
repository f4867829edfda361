"""The weekly digest posted to the channels that take it, on the workspace's day and hour in
its own time zone.

What it says comes from the apps that own the data, through providers they register in
`AppConfig.ready()` (as they register their part of a hand-over and of the workload):
raci tells what changed in ownership and the open findings by matrix, launches this
quarter's launches by tier with their readiness and what is overdue and whose. This module
only asks them, in the order they give, and posts the answer: it imports none of them.

Once a week per channel: the delivery's key names the channel and the workspace's week
("digest:12:2026-W49"), so a doubled or late tick posts nothing twice, and a tick that
comes later the same day (a worker down at the hour) still posts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse

from core.links import absolute
from notifications.chat_messages import Message, Part


@dataclass(frozen=True)
class Section:
    """One part of the digest: a heading, its lines (names, never ids), an optional link,
    and where it goes among the others (lower first)."""

    heading: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    order: int = 50
    empty: str = "Nothing this week."


# (workspace, since: the moment a week ago, today: the workspace's date) -> its sections.
Provider = Callable[[Any, datetime, date], list[Section]]
_PROVIDERS: list[Provider] = []
# Lines shown per section; the rest are counted.
LINES_SHOWN = 12


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def sections_of(workspace, *, since: datetime, today: date) -> list[Section]:
    found = [section for provider in _PROVIDERS for section in provider(workspace, since, today)]
    return sorted(found, key=lambda s: s.order)


def digest_message(workspace, *, since: datetime, today: date) -> Message:
    parts = []
    for section in sections_of(workspace, since=since, today=today):
        lines = section.lines[:LINES_SHOWN] or [section.empty]
        if len(section.lines) > LINES_SHOWN:
            lines.append(f"… and {len(section.lines) - LINES_SHOWN} more")
        parts.append(Part(heading=section.heading, lines=lines, url=section.url))
    return Message(
        heading=f"{workspace.name}: the week to {today.day} {today:%b %Y}",
        parts=parts,
        url=absolute(reverse("dashboard:workspace", args=[workspace.slug])),
        footer=f"{workspace.name} · Weekly digest",
    )


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def due_now(workspace, schedule, now: datetime) -> str | None:
    """The week whose digest is due at `now` for the workspace (its day, at or after its
    hour, in its time zone), else None."""
    local = now.astimezone(workspace.zone)
    if local.weekday() != schedule.weekday or local.hour < schedule.hour:
        return None
    return week_of(local.date())


def digests_due(now: datetime) -> int:
    """Queue the weekly digest of every workspace whose day and hour have come, to each of
    its channels that takes it and has not had this week's. Returns how many were queued."""
    from notifications.models import ChannelDigestSchedule, Webhook

    channels = list(
        Webhook.objects.filter(
            digest=True, active=True, stopped_at__isnull=True, kind__in=[Webhook.Kind.SLACK, Webhook.Kind.TEAMS]
        ).select_related("workspace")
    )
    by_workspace: dict[int, list] = {}
    for channel in channels:
        by_workspace.setdefault(channel.workspace_id, []).append(channel)
    schedules = {s.workspace_id: s for s in ChannelDigestSchedule.objects.filter(workspace_id__in=list(by_workspace))}
    queued = 0
    for workspace_id, mine in by_workspace.items():
        workspace = mine[0].workspace
        schedule = schedules.get(workspace_id) or ChannelDigestSchedule(workspace=workspace)
        week = due_now(workspace, schedule, now)
        if week is not None:
            queued += _queue(workspace, mine, week, now)
    return queued


@transaction.atomic
def _queue(workspace, channels: list, week: str, now: datetime) -> int:
    from notifications import tasks
    from notifications.models import WebhookDelivery

    keys = {c.pk: f"digest:{c.pk}:{week}" for c in channels}
    done = set(WebhookDelivery.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    todo = [c for c in channels if keys[c.pk] not in done]
    if not todo:
        return 0
    message = digest_message(workspace, since=now - timedelta(days=7), today=workspace.today(now))
    made = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                webhook=c, key=keys[c.pk], kind="digest", next_attempt_at=now, payload={"message": asdict(message)}
            )
            for c in todo
        ],
        ignore_conflicts=True,
    )
    for delivery in WebhookDelivery.objects.filter(key__in=[keys[c.pk] for c in todo], attempts=0):
        tasks.deliver_webhook.delay_on_commit(delivery.pk)
    return len(made)
