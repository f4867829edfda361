"""Calendar rules over plain data, no ORM: launches near a date to avoid, Tier 1 launches
too close together, dependencies out of order; and the quarter's months as week rows."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

READOUT_DAYS = 30  # "Key Differences" (docs/sources.md): the day-30 readout, then press on, pivot or pause
AVOID_MARGIN_DAYS = 3  # "The GTM Framework": "if we wait 3 days, we avoid major industry news"
TIER_1_GAP_DAYS = 7  # two Tier 1 launches within a week compete for attention


@dataclass(frozen=True, slots=True)
class Placed:
    id: int
    name: str
    tier: int | None
    launch_date: date | None


@dataclass(frozen=True, slots=True)
class Avoid:
    name: str
    start: date
    end: date


def near_avoid_dates(day: date, avoid: list[Avoid], margin: int = AVOID_MARGIN_DAYS) -> list[Avoid]:
    """The dates to avoid that `day` lands on or within `margin` days of."""
    # Counted as differences, not as shifted dates: a date to avoid stored at the edge of
    # the calendar cannot be moved by the margin.
    return [a for a in avoid if (a.start - day).days <= margin and (day - a.end).days <= margin]


def flags(launches: list[Placed], avoid: list[Avoid], dependencies: list[tuple[int, int]]) -> dict[int, list[str]]:
    """Messages per launch id. `dependencies` are (launch, before) pairs: launch B cannot
    launch before A."""
    out: dict[int, list[str]] = {launch.id: [] for launch in launches}
    dated = sorted((l for l in launches if l.launch_date), key=lambda l: (l.launch_date, l.id))
    for launch in dated:
        for a in near_avoid_dates(launch.launch_date, avoid):
            when = "on" if a.start <= launch.launch_date <= a.end else "within 3 days of"
            out[launch.id].append(f"Lands {when} {a.name} ({_span(a)}).")
    tier_1 = [l for l in dated if l.tier == 1]
    for launch in tier_1:
        for other in tier_1:
            if other.id != launch.id and abs((other.launch_date - launch.launch_date).days) <= TIER_1_GAP_DAYS:
                out[launch.id].append(
                    f"Another Tier 1 launch, {other.name}, is within a week ({other.launch_date:%-d %b})."
                )
    by_id = {l.id: l for l in launches}
    for after_id, before_id in dependencies:
        after, before = by_id.get(after_id), by_id.get(before_id)
        if after is None or before is None:
            continue
        if not after.launch_date or not before.launch_date:
            continue
        if after.launch_date < before.launch_date:
            out[after_id].append(f"Launches before {before.name} ({before.launch_date:%-d %b}), which it depends on.")
    return out


def _span(a: Avoid) -> str:
    return f"{a.start:%-d %b}" if a.start == a.end else f"{a.start:%-d %b}–{a.end:%-d %b}"


def quarter_months(year: int, quarter: int) -> list[date]:
    return [date(year, 3 * (quarter - 1) + m, 1) for m in (1, 2, 3)]


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    last_month = 3 * quarter
    return first, date(year, last_month, calendar.monthrange(year, last_month)[1])


def month_weeks(first: date) -> list[list[date | None]]:
    """The month's weeks, Monday first, days outside the month as None."""
    return [
        [d if d.month == first.month else None for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]


def readout_due_on(*, launched_on: date | None, launch_date: date | None) -> date | None:
    """The day-30 readout's date: 30 days after the day it launched, else after the planned
    launch date (a launch nobody marked launched still owes its readout)."""
    start = launched_on or launch_date
    if start is None:
        return None
    try:
        return start + timedelta(days=READOUT_DAYS)
    except OverflowError:  # a date at the calendar's end has no readout
        return None
