"""Launches' part of the weekly digest posted to Slack and Teams channels
(`notifications.channel_digest`): this quarter's launches by tier with their readiness, and
the open readiness items past their due date with whose they are."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.urls import reverse

from core.glance import quarter_of
from launches import selectors, tiering
from launches.models import Launch, ReadinessItem
from launches.reminders import day
from notifications.channel_digest import Section


def digest_sections(workspace, since: datetime, today: date) -> list[Section]:
    year, quarter = quarter_of(today)
    rubric = selectors.rubric_of(workspace_id=workspace.pk)
    launches = list(
        Launch.objects.filter(cycle__workspace=workspace, cycle__year=year, cycle__quarter=quarter)
        .select_related("cycle")
        .order_by("tier", "launch_date", "name")
    )
    items: dict[int, list[ReadinessItem]] = defaultdict(list)
    for item in ReadinessItem.objects.filter(launch__in=launches, required=True).select_related(
        "owner_role", "owner__user"
    ):
        items[item.launch_id].append(item)
    lines = []
    for launch in launches:
        # The same readiness the launch page and "go" read.
        readiness = selectors.readiness_of(launch=launch, items=items[launch.pk], today=today)
        when = f", launches {day(launch.launch_date)}" if launch.launch_date else ""
        tier = rubric.tier_name(launch.tier) if launch.tier else "Untiered"
        lines.append(f"{tier} · {launch.name}{when}: {readiness.line}")
    overdue = (
        ReadinessItem.objects.filter(launch__cycle__workspace=workspace, status__in=tiering.OPEN, due_date__lt=today)
        .select_related("launch", "owner_role", "owner__user")
        .order_by("due_date", "pk")
    )
    late = [
        f"{item.title} ({item.launch.name}): {selectors.item_owner_label(item) or 'no owner'}, due {day(item.due_date)}"
        for item in overdue
        if item.due_date  # always, by the filter: said for the type checker
    ]
    return [
        Section(
            heading=f"{year}-Q{quarter} launches by tier",
            lines=lines,
            url=reverse("launches:quarter_now", args=[workspace.slug]),
            order=30,
            empty="No launch this quarter.",
        ),
        Section(heading="Overdue, and whose", lines=late, order=40, empty="Nothing is overdue."),
    ]
