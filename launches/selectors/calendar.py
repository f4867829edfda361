"""The calendar and the retrospective of a cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q

from launches import planning, tiering
from launches.models import (
    AvoidDate,
    Dependency,
    GoDecision,
    Launch,
    LaunchCycle,
)

# --- calendar, retrospective, feed ----------------------------------------------------------


@dataclass(slots=True)
class CalendarEntry:
    launch: Launch
    flags: list[str]
    tier_name: str = ""


@dataclass(slots=True)
class Calendar:
    entries: list[CalendarEntry]
    avoid: list[AvoidDate]
    months: list[tuple[date, list[list[tuple[date | None, list[CalendarEntry], list[AvoidDate]]]]]]
    start: date
    end: date

    @property
    def undated(self) -> list[CalendarEntry]:
        return [e for e in self.entries if not e.launch.launch_date]

    @property
    def outside(self) -> list[CalendarEntry]:
        """Dated in another quarter: on no month grid here, so listed apart (never silent)."""
        return [e for e in self.entries if e.launch.launch_date and not self.start <= e.launch.launch_date <= self.end]

    @property
    def timeline(self) -> list[tuple[CalendarEntry, float]]:
        """Dated entries with their position in the quarter, in steps of 5 per cent (a CSS
        class each: the CSP allows no style attributes)."""
        span = max((self.end - self.start).days, 1)
        return [
            (e, 5 * round(20 * min(max((e.launch.launch_date - self.start).days, 0), span) / span))
            for e in self.entries
            if e.launch.launch_date
        ]


def calendar_of(*, cycle: LaunchCycle, rubric: tiering.Rubric) -> Calendar:
    """The quarter's launches on their launch dates, with their flags, in three queries."""
    launches = list(
        Launch.objects.filter(cycle=cycle)
        .select_related("pm_owner__user", "pmm_owner__user")
        .order_by(F("launch_date").asc(nulls_last=True), "name", "id")
    )
    avoid = list(AvoidDate.objects.filter(workspace_id=cycle.workspace_id))
    deps = list(
        Dependency.objects.filter(Q(launch__cycle=cycle) | Q(before__cycle=cycle)).values_list(
            "launch_id", "before_id", "before__name", "before__launch_date"
        )
    )
    placed = [planning.Placed(l.pk, l.name, l.tier, l.launch_date) for l in launches]
    known = {p.id for p in placed}
    # A dependency on another quarter's launch: place it too, so the order is still checked.
    placed += [planning.Placed(b, name, None, day) for _, b, name, day in deps if b not in known]
    found = planning.flags(
        placed, [planning.Avoid(a.name, a.start, a.end) for a in avoid], [(a, b) for a, b, _, _ in deps]
    )
    entries = [CalendarEntry(l, found.get(l.pk, []), rubric.tier_name(l.tier)) for l in launches]
    by_day: dict[date, list[CalendarEntry]] = {}
    for entry in entries:
        if entry.launch.launch_date:
            entry.launch.cycle = cycle
            by_day.setdefault(entry.launch.launch_date, []).append(entry)
    months = []
    for first in planning.quarter_months(cycle.year, cycle.quarter):
        weeks = [
            [
                (day, by_day.get(day, []) if day else [], [a for a in avoid if day and a.start <= day <= a.end])
                for day in week
            ]
            for week in planning.month_weeks(first)
        ]
        months.append((first, weeks))
    start, end = planning.quarter_bounds(cycle.year, cycle.quarter)
    return Calendar(entries, avoid, months, start, end)


@dataclass(slots=True)
class RetroRow:
    launch: Launch
    on_time: bool | None  # None: not launched or no planned date
    days_late: int
    ready_at_go: bool
    open_required: int
    metric_met: bool | None
    tier_name: str


def retrospective_of(*, cycle: LaunchCycle, rubric: tiering.Rubric) -> list[RetroRow]:
    """Every launch of the quarter: on time or late, readiness at go, metric against target."""
    launches = (
        Launch.objects.filter(cycle=cycle)
        .annotate(
            open_required=Count("items", filter=Q(items__required=True, items__status__in=tiering.OPEN)),
            went=Exists(GoDecision.objects.filter(launch=OuterRef("pk"), decision="go")),
        )
        # A grouped query ignores Meta.ordering.
        .order_by(F("launch_date").asc(nulls_last=True), "name", "id")
    )
    rows = []
    for launch in launches:
        launch.cycle = cycle
        late = (launch.launched_on - launch.launch_date).days if launch.launched_on and launch.launch_date else 0
        on_time = None if not (launch.launched_on and launch.launch_date) else late <= 0
        met = None
        if launch.metric_target is not None and launch.metric_actual is not None:
            met = launch.metric_actual >= launch.metric_target
        rows.append(
            RetroRow(
                launch, on_time, max(late, 0), launch.went, launch.open_required, met, rubric.tier_name(launch.tier)
            )
        )
    return rows
