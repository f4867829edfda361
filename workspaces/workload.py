"""Each person's and each role's true workload over a quarter, and who carries far more
than the team.

The work lives in the apps above this one: matrix letters in raci, open readiness items
and launches owned in launches, rituals run in rituals. Each registers a `Contributor`
in its `AppConfig.ready()` that returns its `Share`s for a quarter; `workload_of` adds
them up per person and per role, takes the team's median of the totals, and marks whoever
is over the workspace's multiple of it (and at least its floor above it). The People page
(raci) and the quarter view (launches) both read the numbers from here, so they agree.

A share goes to a person (`membership_id`) or, when it has none, to every holder of its
role (`role_id`), the way a matrix letter of a role is every holder's letter. The role
table counts what names the role (`role_id`), whoever does it.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import median

from workspaces.models import Membership, Role, Workspace

LETTERS, ITEMS, LAUNCHES, RITUALS = "letters", "items", "launches", "rituals"
KINDS = (LETTERS, ITEMS, LAUNCHES, RITUALS)
# (one, many), as the reason for a mark reads: "14 open items".
NOUNS = {
    LETTERS: ("matrix letter", "matrix letters"),
    ITEMS: ("open readiness item", "open readiness items"),
    LAUNCHES: ("launch owned", "launches owned"),
    RITUALS: ("ritual run", "rituals run"),
}

DEFAULT_MULTIPLE = Decimal("1.5")
DEFAULT_FLOOR = 5
MULTIPLE_MIN, MULTIPLE_MAX = Decimal("1.1"), Decimal(10)
FLOOR_MIN, FLOOR_MAX = 1, 500


@dataclass(frozen=True, slots=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def name(self) -> str:
        return f"{self.year}-Q{self.number}"


@dataclass(frozen=True, slots=True)
class Share:
    kind: str
    count: int
    points: int | None = None  # weighted (a Tier 1 launch counts twice); the count when None
    membership_id: int | None = None
    role_id: int | None = None

    @property
    def weight(self) -> int:
        return self.count if self.points is None else self.points


Contributor = Callable[[Workspace, Quarter], Iterable[Share]]
_contributors: list[Contributor] = []


def register(contributor: Contributor) -> None:
    if contributor not in _contributors:
        _contributors.append(contributor)


def contributors() -> tuple[Contributor, ...]:
    return tuple(_contributors)


@dataclass(slots=True)
class Breakdown:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    points: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add(self, share: Share) -> None:
        self.counts[share.kind] += share.count
        self.points[share.kind] += share.weight

    @property
    def total(self) -> int:
        return sum(self.points.values())

    @property
    def parts(self) -> list[tuple[str, int, int]]:
        """(kind, count, points) in the order of KINDS."""
        return [(kind, self.counts[kind], self.points[kind]) for kind in KINDS]


@dataclass(slots=True)
class PersonWork:
    membership: Membership
    roles: list[str]
    work: Breakdown
    marked: bool = False
    ratio: float | None = None  # total over the team's median; None while the median is 0
    reason: str = ""

    @property
    def total(self) -> int:
        return self.work.total


@dataclass(slots=True)
class RoleWork:
    role: Role
    holders: list[str]
    work: Breakdown

    @property
    def total(self) -> int:
        return self.work.total


@dataclass(slots=True)
class Workload:
    quarter: Quarter
    people: list[PersonWork]
    roles: list[RoleWork]
    median: float
    multiple: Decimal
    floor: int

    @property
    def marked(self) -> list[PersonWork]:
        return [p for p in self.people if p.marked]

    @property
    def threshold(self) -> float:
        return threshold(self.median, self.multiple, self.floor)

    def of_member(self, membership_id: int) -> PersonWork | None:
        return next((p for p in self.people if p.membership.pk == membership_id), None)


# --- the rules, over plain numbers ----------------------------------------------------------


def threshold(middle: float, multiple: Decimal, floor: int) -> float:
    """A total is far above the team when it passes both `multiple` times the median and the
    median plus `floor`: with a small team or little work, a few points are no overload."""
    return max(float(multiple) * middle, middle + floor)


def team_median(totals: list[int]) -> float:
    return float(median(totals)) if totals else 0.0


def _noun(kind: str, count: int) -> str:
    one, many = NOUNS[kind]
    return f"{count} {one if count == 1 else many}"


def mark_reason(work: Breakdown, middle: float) -> str:
    """ "2.3× the team's median: 14 open readiness items", naming what weighs most."""
    kind, count, _ = max(work.parts, key=lambda part: part[2])
    head = (
        f"{work.total / middle:.1f}× the team's median"
        if middle
        else f"{work.total} points where the team's median is 0"
    )
    return f"{head}: {_noun(kind, count)}"


def mark(people: list[PersonWork], *, multiple: Decimal, floor: int) -> float:
    """Mark whoever is far above the team's median of totals (of those with any work);
    return the median."""
    # People with nothing this quarter (a viewer, a newcomer) do not pull the median down.
    middle = team_median([p.total for p in people if p.total])
    line = threshold(middle, multiple, floor)
    for person in people:
        person.ratio = person.total / middle if middle else None
        person.marked = person.total > line
        person.reason = mark_reason(person.work, middle) if person.marked else ""
    return middle


# --- gathering the shares ---------------------------------------------------------------------


def workload_of(*, workspace: Workspace, quarter: Quarter) -> Workload:
    """Everyone's workload this quarter from every registered part of the product; a fixed
    number of queries (members with their roles, the roles with their holders, and each
    contributor's own) whatever the number of people, matrices, launches or rituals."""
    members = list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .prefetch_related("held_roles__role")
        .order_by("user__username")
    )
    roles = list(Role.objects.filter(workspace=workspace).order_by("code", "id"))
    holders: dict[int, list[Membership]] = {r.pk: [] for r in roles}
    people = {}
    for member in members:
        held = sorted((h.role for h in member.held_roles.all()), key=lambda r: (r.code, r.pk))
        for role in held:
            holders.setdefault(role.pk, []).append(member)
        people[member.pk] = PersonWork(member, [r.code for r in held], Breakdown())
    by_role = {r.pk: RoleWork(r, [m.display_name for m in holders[r.pk]], Breakdown()) for r in roles}
    for contributor in _contributors:
        for share in contributor(workspace, quarter):
            if share.membership_id is not None:
                if share.membership_id in people:
                    people[share.membership_id].work.add(share)
            elif share.role_id is not None:
                for member in holders.get(share.role_id, []):
                    people[member.pk].work.add(share)
            if share.role_id in by_role:
                by_role[share.role_id].work.add(share)
    multiple = workspace.workload_multiple
    floor = workspace.workload_floor
    rows = list(people.values())
    middle = mark(rows, multiple=multiple, floor=floor)
    return Workload(quarter, rows, list(by_role.values()), middle, multiple, floor)
