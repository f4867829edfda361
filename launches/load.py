"""Each person's load by week over a quarter, over plain data (no ORM): open readiness
items due that week, plus the launches they own as PM or PMM launching that week, a
Tier 1 launch counting as `TIER_1_WEIGHT` launches. A person or a week over the
workspace's limits is flagged.

This is the per-week form of the workload; the quarter's whole workload per person
(letters and rituals too, as the People page shows it) is `workspaces.workload`, which the
quarter view shows beside these weeks. A Tier 1 launch weighs `TIER_1_WEIGHT` in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

TIER_1_WEIGHT = 2
DEFAULT_PERSON_WEEK_LIMIT = 5
DEFAULT_WEEK_LIMIT = 12


@dataclass(frozen=True, slots=True)
class ItemDue:
    owner_id: int
    due: date


@dataclass(frozen=True, slots=True)
class Owned:
    owner_id: int
    tier: int | None
    launch_date: date


@dataclass(slots=True)
class Cell:
    items: int = 0
    launches: int = 0
    points: int = 0
    over: bool = False


@dataclass(slots=True)
class PersonLoad:
    owner_id: int
    cells: list[Cell]

    @property
    def total(self) -> int:
        return sum(c.points for c in self.cells)

    @property
    def over(self) -> bool:
        return any(c.over for c in self.cells)

    @property
    def peak(self) -> int:
        """The busiest week's points."""
        return max((c.points for c in self.cells), default=0)


@dataclass(slots=True)
class Load:
    weeks: list[date]
    people: list[PersonLoad]
    week_points: list[int]
    week_over: list[bool]
    person_limit: int
    week_limit: int
    # Over-limit messages, people's first, in week order.
    flags: list[str] = field(default_factory=list)

    @property
    def totals(self) -> list[tuple[int, bool]]:
        return list(zip(self.week_points, self.week_over))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def quarter_weeks(first: date, last: date) -> list[date]:
    """The Mondays of every week that holds a day of [first, last]."""
    weeks, monday = [], week_start(first)
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def weight(tier: int | None) -> int:
    return TIER_1_WEIGHT if tier == 1 else 1


def load_by_week(
    *,
    weeks: list[date],
    items: list[ItemDue],
    launches: list[Owned],
    person_limit: int,
    week_limit: int,
    names: dict[int, str] | None = None,
) -> Load:
    """Every person with anything in these weeks, by name; a week's points are everyone's.
    A cell is over when its points pass `person_limit`; a week when its total passes
    `week_limit`. Items and launches outside the weeks are left out."""
    names = names or {}
    index = {monday: n for n, monday in enumerate(weeks)}
    cells: dict[int, list[Cell]] = {}

    def cell(owner_id: int, day: date) -> Cell | None:
        n = index.get(week_start(day))
        if n is None:
            return None
        return cells.setdefault(owner_id, [Cell() for _ in weeks])[n]

    for item in items:
        if (c := cell(item.owner_id, item.due)) is not None:
            c.items += 1
            c.points += 1
    for launch in launches:
        if (c := cell(launch.owner_id, launch.launch_date)) is not None:
            c.launches += 1
            c.points += weight(launch.tier)
    people = sorted(
        (PersonLoad(owner_id, row) for owner_id, row in cells.items()),
        key=lambda p: (names.get(p.owner_id, "").lower(), p.owner_id),
    )
    flags = []
    for person in people:
        for monday, c in zip(weeks, person.cells):
            c.over = c.points > person_limit
            if c.over:
                flags.append(
                    f"{names.get(person.owner_id, 'Someone')} has {c.points} in the week of "
                    f"{monday.day} {monday:%b} (limit {person_limit})."
                )
    week_points = [sum(p.cells[n].points for p in people) for n in range(len(weeks))]
    week_over = [points > week_limit for points in week_points]
    flags += [
        f"The week of {monday.day} {monday:%b} has {points} in all (limit {week_limit})."
        for monday, points, over in zip(weeks, week_points, week_over)
        if over
    ]
    return Load(weeks, people, week_points, week_over, person_limit, week_limit, flags)
