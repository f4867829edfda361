"""Reads of a workspace's launch cycles, their launches and feeds, and the choices forms offer."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from launches import plan_warnings, tiering
from launches.models import (
    AvoidDate,
    CalendarFeed,
    Launch,
    LaunchCycle,
    TieringRubric,
)
from raci.models import Matrix
from workspaces.models import Membership, Workspace


def rubric_of(*, workspace_id: int) -> tiering.Rubric:
    """The workspace's rubric, or the default one while nobody has edited it."""
    row = TieringRubric.objects.filter(workspace_id=workspace_id).first()
    return row.as_rubric() if row else tiering.DEFAULT_RUBRIC


def cycles_of(*, workspace: Workspace) -> list[LaunchCycle]:
    return list(
        LaunchCycle.objects.filter(workspace=workspace).annotate(
            launch_count=Count("launches"), tiered_count=Count("launches", filter=Q(launches__tier__isnull=False))
        )
    )


def cycle_of_quarter(*, workspace: Workspace, today: date) -> LaunchCycle | None:
    """The cycle of the quarter `today` falls in, if someone opened it."""
    year, quarter = plan_warnings.quarter_of(today)
    return LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=quarter).first()


def cycle_get(*, workspace: Workspace, slug: str) -> LaunchCycle | None:
    cycle = LaunchCycle.objects.filter(workspace=workspace, slug=slug).first()
    if cycle is not None:
        cycle.workspace = workspace
    return cycle


def quarter_version_of(*, workspace: Workspace, year: int, quarter: int) -> int | None:
    """The number of the last change of the quarter's cycle (launches.live), None while
    nobody opened it: what the quarter page's poll compares, in one query."""
    return (
        LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=quarter)
        .values_list("version", flat=True)
        .first()
    )


def readout_of(launch: Launch) -> dict:
    """The launch's day-30 readout as the outcome form and the API name its fields."""
    return {
        "launched_on": launch.launched_on,
        "metric_name": launch.metric_name,
        "metric_target": launch.metric_target,
        "metric_actual": launch.metric_actual,
        "outcome": launch.outcome,
        "notes": launch.outcome_notes,
    }


def launch_of(*, workspace: Workspace, cycle_slug: str, launch_id: int) -> Launch | None:
    """The launch of the workspace's cycle `cycle_slug`, with its cycle and what its page
    shows beside it (its owners, matrix, and who tiered and confirmed it), in one query."""
    launch = (
        Launch.objects.filter(cycle__workspace=workspace, cycle__slug=cycle_slug, pk=launch_id)
        .select_related(
            "cycle",
            "pm_owner__user",
            "pmm_owner__user",
            "matrix",
            "tiered_by__user",
            "pm_confirmed_by__user",
            "pmm_confirmed_by__user",
        )
        .first()
    )
    if launch is not None:
        launch.cycle.workspace = workspace
    return launch


def members_for_choice(*, workspace: Workspace) -> list[Membership]:
    return list(Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__username"))


def matrices_for_choice(*, workspace: Workspace) -> list[Matrix]:
    return list(Matrix.objects.filter(workspace=workspace).only("id", "name").order_by("name"))


def avoid_dates_of(*, workspace: Workspace) -> list[AvoidDate]:
    return list(AvoidDate.objects.filter(workspace=workspace))


def feed_of(*, workspace: Workspace) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(workspace=workspace).first()


def feed_by_token(*, token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("workspace", "made_by").filter(token=token).first() if token else None


def launch_in_workspace(*, workspace: Workspace, launch_id: int) -> Launch | None:
    launch = Launch.objects.filter(cycle__workspace=workspace, pk=launch_id).select_related("cycle").first()
    if launch is not None:
        launch.cycle.workspace = workspace
    return launch


def channels_for_choice(*, workspace: Workspace) -> list[tuple[int, str]]:
    """The workspace's Slack and Teams channels a launch can pick as its own: (id, label)."""
    from notifications.models import Webhook

    return [
        (pk, f"{name} ({Webhook.Kind(kind).label})")
        for pk, name, kind in Webhook.objects.filter(
            workspace=workspace, kind__in=[Webhook.Kind.SLACK, Webhook.Kind.TEAMS]
        ).values_list("pk", "name", "kind")
    ]
