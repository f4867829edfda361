"""The workspace dashboard's reads: open findings, stale matrices, decisions due, this
quarter's launches with their readiness, what is overdue and whose it is, the next rituals.

A fixed number of queries whatever the workspace's size (tests/dashboard/test_dashboard.py
holds it to that); everything comes back as plain dataclasses. Readiness is the launches
app's own verdict (`readiness_of`), never worked out again here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q

from core import glance
from launches import selectors as launch_selectors
from launches import tiering
from launches.models import Launch, LaunchCycle, ReadinessItem
from raci.models import Cell, Decision, Matrix
from raci.selectors import matrices_of
from rituals import selectors as rituals_selectors
from workspaces.models import Role, Workspace


@dataclass(slots=True)
class MatrixHealth:
    slug: str
    name: str
    errors: int
    warnings: int
    infos: int
    review_due_on: date | None
    stale: bool
    decisions_due: int = 0
    # Findings accepted on purpose: out of the counts above, reported beside them.
    acknowledged: int = 0

    @property
    def needs_attention(self) -> bool:
        return bool(self.errors or self.warnings or self.infos or self.stale or self.decisions_due)


@dataclass(slots=True)
class LaunchReadiness:
    id: int
    name: str
    tier: int | None
    tier_name: str
    launch_date: date | None
    readiness: tiering.Readiness
    required: int
    bar: glance.Bar


@dataclass(slots=True)
class Quarter:
    name: str  # 2026-Q4
    cycle_slug: str | None  # None: nobody has opened the quarter's launch cycle yet
    launches: list[LaunchReadiness]
    tiers: list[glance.TierTally]

    @property
    def ready(self) -> int:
        return sum(1 for launch in self.launches if launch.readiness.ready)

    @property
    def slug(self) -> str:
        return self.name.lower()

    # Whether this is the quarter today falls in (the dashboard can show any quarter).
    current: bool = True

    @property
    def next_slug(self) -> str:
        """The quarter after, for the quarter picker: next quarter's plan is planned now."""
        year, number = int(self.name[:4]), int(self.name[-1])
        return f"{year + 1}-q1" if number == 4 else f"{year}-q{number + 1}"

    @property
    def previous_slug(self) -> str:
        year, number = int(self.name[:4]), int(self.name[-1])
        return f"{year - 1}-q4" if number == 1 else f"{year}-q{number - 1}"


@dataclass(slots=True)
class OverdueItem:
    id: int
    title: str
    required: bool
    launch_id: int
    launch_name: str
    cycle_slug: str
    owner: str  # the owner person's name, else ""
    owner_role: str  # the owner role's code, else ""
    due: date
    days_late: int


@dataclass(slots=True)
class OverdueDecision:
    id: int
    what: str
    matrix_slug: str
    matrix_name: str
    decider: str
    review_on: date
    days_late: int


@dataclass(frozen=True, slots=True)
class UnheldRole:
    """A role nobody holds that owns something: R or A in a matrix, or open readiness items."""

    id: int
    code: str
    name: str
    letters: bool
    items: bool


def unheld_roles(*, workspace: Workspace) -> list[UnheldRole]:
    """Roles of the workspace nobody holds that are R, A or A/R in a column of a matrix, or
    own open readiness items: the work nobody is told about. One query."""
    letters = Cell.objects.filter(
        role=OuterRef("pk"), value__in=("R", "A", "AR"), activity__matrix__columns__role=OuterRef("pk")
    )
    items = ReadinessItem.objects.filter(owner_role=OuterRef("pk"), owner__isnull=True, status__in=tiering.OPEN)
    rows = (
        Role.objects.filter(workspace=workspace, holders__isnull=True)
        .annotate(has_letters=Exists(letters), has_items=Exists(items))
        .filter(Q(has_letters=True) | Q(has_items=True))
        .order_by("code")
        .values_list("pk", "code", "name", "has_letters", "has_items")
    )
    return [UnheldRole(*row) for row in rows]


@dataclass(slots=True)
class Dashboard:
    today: date
    matrices: list[Matrix]  # the workspace's matrix index, as `matrices_of` gives it
    health: list[MatrixHealth]
    quarter: Quarter
    overdue_items: list[OverdueItem]
    overdue_decisions: list[OverdueDecision]
    # The next meetings of the team's rituals, each with "Today", "Tomorrow" or its date.
    rituals: list[tuple[rituals_selectors.UpcomingRitual, str]]
    # Roles nobody holds that own something (the banner above everything).
    unheld: list[UnheldRole]

    @property
    def attention(self) -> list[MatrixHealth]:
        """Matrices with open findings, a review due or decisions to review, worst first."""
        return sorted(
            (h for h in self.health if h.needs_attention),
            key=lambda h: (-h.errors, -h.warnings, not h.stale, -h.decisions_due, -h.infos, h.name),
        )

    @property
    def totals(self) -> dict[str, int]:
        return {
            "errors": sum(h.errors for h in self.health),
            "warnings": sum(h.warnings for h in self.health),
            "infos": sum(h.infos for h in self.health),
            "acknowledged": sum(h.acknowledged for h in self.health),
            "stale": sum(h.stale for h in self.health),
            "decisions_due": sum(h.decisions_due for h in self.health),
            "overdue": len(self.overdue_items) + len(self.overdue_decisions),
        }


def _quarter(*, workspace: Workspace, today: date, quarter: tuple[int, int] | None = None) -> Quarter:
    """A quarter's cycle (this quarter's unless `quarter` names another) with its launches
    and their checklists, in three queries (four with the rubric), however many launches."""
    year, number = quarter or glance.quarter_of(today)
    name = glance.quarter_name(year, number)
    cycle = LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=number).first()
    current = (year, number) == glance.quarter_of(today)
    if cycle is None:
        return Quarter(name, None, [], [], current)
    rubric = launch_selectors.rubric_of(workspace_id=workspace.pk)
    items = ReadinessItem.objects.select_related("owner__user", "owner_role")
    launches = []
    for launch in Launch.objects.filter(cycle=cycle).prefetch_related(Prefetch("items", queryset=items)):
        checklist = list(launch.items.all())
        readiness = launch_selectors.readiness_of(launch=launch, items=checklist, today=today)
        required = sum(1 for item in checklist if item.required)
        launches.append(
            LaunchReadiness(
                launch.pk,
                launch.name,
                launch.tier,
                rubric.tier_name(launch.tier),
                launch.launch_date,
                readiness,
                required,
                glance.Bar(required - readiness.open_required, readiness.overdue, required),
            )
        )
    tiers = glance.tier_tallies(
        [(t, rubric.tier_name(t)) for t in rubric.tiers], [(launch.tier, launch.readiness.ready) for launch in launches]
    )
    return Quarter(name, cycle.slug, launches, tiers, current)


def _overdue_items(*, workspace: Workspace, today: date) -> list[OverdueItem]:
    """Open checklist items past their due date, in every cycle: last quarter's unfinished
    work is still someone's."""
    rows = (
        ReadinessItem.objects.filter(launch__cycle__workspace=workspace, status__in=tiering.OPEN, due_date__lt=today)
        .select_related("launch__cycle", "owner__user", "owner_role")
        .order_by("due_date", "id")
    )
    return [
        OverdueItem(
            i.pk,
            i.title,
            i.required,
            i.launch_id,
            i.launch.name,
            i.launch.cycle.slug,
            i.owner.display_name if i.owner_id else "",
            i.owner_role.code if i.owner_role_id else "",
            i.due_date,
            glance.days_late(i.due_date, today),
        )
        for i in rows
    ]


def workspace_dashboard(*, workspace: Workspace, today: date, quarter: tuple[int, int] | None = None) -> Dashboard:
    """Everything the workspace home page shows, in a fixed number of queries; the launches
    of `quarter` (year, number) when given, else of this quarter."""
    matrices = matrices_of(workspace=workspace, today=today)
    health = {
        m.pk: MatrixHealth(
            m.slug, m.name, m.errors, m.warnings, m.infos, m.review_due_on, m.stale, acknowledged=m.acknowledged_count
        )
        for m in matrices
    }
    overdue_decisions = []
    for decision in (
        Decision.objects.filter(matrix__workspace=workspace, review_on__lte=today)
        .select_related("matrix", "decided_by")
        .order_by("review_on", "id")
    ):
        health[decision.matrix_id].decisions_due += 1
        if decision.review_on < today:
            decider = decision.decided_by
            overdue_decisions.append(
                OverdueDecision(
                    decision.pk,
                    decision.what,
                    decision.matrix.slug,
                    decision.matrix.name,
                    (decider.get_full_name() or decider.username) if decider else "",
                    decision.review_on,
                    glance.days_late(decision.review_on, today),
                )
            )
    rituals = [
        (ritual, glance.day_label(ritual.date, today))
        for ritual in rituals_selectors.next_rituals(workspace=workspace, today=today, limit=3)
    ]
    return Dashboard(
        today,
        matrices,
        list(health.values()),
        _quarter(workspace=workspace, today=today, quarter=quarter),
        _overdue_items(workspace=workspace, today=today),
        overdue_decisions,
        rituals,
        unheld_roles(workspace=workspace),
    )
