"""What is wrong with a quarter's plan, over plain data (no ORM), so the board, a launch's
page, the quarter view and the tiering meeting show the same warnings from one source.

Every warning has a code (a contract like the rule codes of raci.rules), the launch it
concerns, a message that says what to do, and, for a launch dated in another quarter,
the quarter it belongs to (the pages offer to move it there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from launches import planning

OUTSIDE_CYCLE = "outside-cycle"
DATE_PASSED = "date-passed"
LEAD_TIME = "lead-time"
SHIP_AFTER_LAUNCH = "ship-after-launch"
DEPENDENCY_ORDER = "dependency-order"
TIER_1_CLASH = "tier-1-clash"
AVOID_DATE = "avoid-date"

CODES = (OUTSIDE_CYCLE, DATE_PASSED, LEAD_TIME, SHIP_AFTER_LAUNCH, DEPENDENCY_ORDER, TIER_1_CLASH, AVOID_DATE)


@dataclass(frozen=True, slots=True)
class PlanLaunch:
    id: int
    name: str
    tier: int | None
    cycle: tuple[int, int]  # (year, quarter) of the launch cycle it sits in
    ship_date: date | None = None
    launch_date: date | None = None
    launched_on: date | None = None
    # The open checklist item due first, as (title, due date); None when nothing is open.
    first_open_item: tuple[str, date] | None = None


@dataclass(frozen=True, slots=True)
class Warning:
    launch_id: int
    code: str
    message: str
    # OUTSIDE_CYCLE only: the (year, quarter) the launch date is in.
    move_to: tuple[int, int] | None = None

    @property
    def move_to_name(self) -> str:
        return f"{self.move_to[0]}-Q{self.move_to[1]}" if self.move_to else ""


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def plan_warnings(
    launches: list[PlanLaunch],
    *,
    today: date,
    lead_days: dict[int, int],
    avoid: Sequence[planning.Avoid] = (),
    dependencies: Sequence[tuple[int, int]] = (),
    tier_names: dict[int, str] | None = None,
) -> dict[int, list[Warning]]:
    """Warnings per launch id (every id present, most of them with an empty list).

    `lead_days` maps a tier to the days of lead time it needs; `dependencies` are
    (launch, before) pairs: `launch` cannot launch before `before`. Launches that are
    not in `launches` but appear in `dependencies` are ignored (the caller places them).
    Dates to avoid, Tier 1 clashes and dependency order are `planning.flags`' rules, with
    the same messages as the calendar's."""
    names = tier_names or {}
    out: dict[int, list[Warning]] = {launch.id: [] for launch in launches}
    for launch in launches:
        out[launch.id].extend(_own_warnings(launch, today=today, lead_days=lead_days, names=names))
    placed = [planning.Placed(l.id, l.name, l.tier, l.launch_date) for l in launches]
    calendar = planning.flags(placed, list(avoid), list(dependencies))
    for launch_id, messages in calendar.items():
        for message in messages:
            code = (
                AVOID_DATE
                if message.startswith("Lands ")
                else TIER_1_CLASH
                if message.startswith("Another Tier 1")
                else DEPENDENCY_ORDER
            )
            out[launch_id].append(Warning(launch_id, code, message))
    return out


def _own_warnings(launch: PlanLaunch, *, today: date, lead_days: dict[int, int], names: dict[int, str]):
    day = launch.launch_date
    if day is not None and quarter_of(day) != launch.cycle:
        target = quarter_of(day)
        yield Warning(
            launch.id,
            OUTSIDE_CYCLE,
            f"The launch date, {_day(day)}, is in {target[0]}-Q{target[1]}, not in this cycle's quarter "
            f"({launch.cycle[0]}-Q{launch.cycle[1]}): move it to {target[0]}-Q{target[1]}, or change "
            f"the date.",
            target,
        )
    if launch.ship_date and day and launch.ship_date > day:
        yield Warning(
            launch.id,
            SHIP_AFTER_LAUNCH,
            f"It ships on {_day(launch.ship_date)}, after its launch date ({_day(day)}): "
            f"it would be announced before it is out.",
        )
    if day is None or launch.launched_on is not None:
        return
    left = (day - today).days
    if left < 0:
        yield Warning(
            launch.id,
            DATE_PASSED,
            f"The launch date, {_day(day)}, passed {_days(-left)} ago and it has not launched: "
            f"record the day it launched, or move the date.",
        )
        return
    tier = launch.tier
    needed = lead_days.get(tier) if tier is not None else None
    if tier is not None and needed is not None and needed > left:
        name = names.get(tier, f"Tier {tier}")
        message = f"{name} needs {_days(needed)} of lead time; only {_days(left)} {'is' if left == 1 else 'are'} left before {_day(day)}."
        if launch.first_open_item and launch.first_open_item[1] < today:
            title, due = launch.first_open_item
            message += f" The first item, {title}, was due on {_day(due)}: already late."
        yield Warning(launch.id, LEAD_TIME, message)
