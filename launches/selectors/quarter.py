"""The quarter: plan warnings, the workload of launches, the quarter plan and its pre-read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q

from core.glance import Bar
from launches import load, plan_warnings, planning, preread, tiering
from launches.models import (
    AvoidDate,
    Dependency,
    Launch,
    LaunchCycle,
    ReadinessItem,
    TieringRubric,
)
from launches.selectors.readiness import item_owner_label, readiness_of
from raci.models import Decision
from workspaces import workload as workloads
from workspaces.models import Workspace

# --- plan warnings -----------------------------------------------------------------------


def plan_warnings_of(
    *, cycle: LaunchCycle, rubric: tiering.Rubric, today: date, launches: list[Launch] | None = None
) -> dict[int, list[plan_warnings.Warning]]:
    """The plan warnings of every launch of the cycle, in four queries whatever their
    number (three when the caller has the launches already)."""
    if launches is None:
        launches = list(
            Launch.objects.filter(cycle=cycle).only(
                "id", "name", "tier", "ship_date", "launch_date", "launched_on", "cycle_id"
            )
        )
    first: dict[int, tuple[str, date]] = {}
    for launch_id, title, due in (
        ReadinessItem.objects.filter(launch__cycle=cycle, status__in=tiering.OPEN, due_date__isnull=False)
        .order_by("launch_id", "due_date", "order", "id")
        .values_list("launch_id", "title", "due_date")
    ):
        first.setdefault(launch_id, (title, due))
    deps = list(
        Dependency.objects.filter(Q(launch__cycle=cycle) | Q(before__cycle=cycle)).values_list(
            "launch_id", "before_id", "before__name", "before__tier", "before__launch_date"
        )
    )
    avoid = [planning.Avoid(a.name, a.start, a.end) for a in AvoidDate.objects.filter(workspace_id=cycle.workspace_id)]
    plan = [
        plan_warnings.PlanLaunch(
            l.pk,
            l.name,
            l.tier,
            (cycle.year, cycle.quarter),
            l.ship_date,
            l.launch_date,
            l.launched_on,
            first.get(l.pk),
        )
        for l in launches
    ]
    known = {p.id for p in plan}
    # A dependency on another quarter's launch: its date still orders this one. Its own
    # warnings belong to its own cycle, so they are dropped below.
    others = {
        b: plan_warnings.PlanLaunch(b, name, None, (0, 0), None, day, today)
        for _, b, name, _, day in deps
        if b not in known
    }
    found = plan_warnings.plan_warnings(
        plan + list(others.values()),
        today=today,
        lead_days={t: tiering.lead_days(t, rubric) for t in rubric.tiers},
        avoid=avoid,
        dependencies=[(a, b) for a, b, *_ in deps],
        tier_names={t: rubric.tier_name(t) for t in rubric.tiers},
    )
    return {launch_id: found[launch_id] for launch_id in known}


# --- the workload (workspaces.workload) -------------------------------------------------------


def _in_quarter(quarter: workloads.Quarter, day_field: str, cycle_path: str) -> Q:
    """Dated in the quarter, or undated in the quarter's cycle."""
    return Q(**{f"{day_field}__range": (quarter.start, quarter.end)}) | Q(
        **{f"{day_field}__isnull": True, f"{cycle_path}__year": quarter.year, f"{cycle_path}__quarter": quarter.number}
    )


def workload_launches(workspace: Workspace, quarter: workloads.Quarter) -> list[workloads.Share]:
    """Open readiness items (to do or in progress) due this quarter, each its owner's, else
    its role's; launches launching this quarter, each its PM's and its PMM's, a Tier 1 one
    counting as `load.TIER_1_WEIGHT` as on the quarter view's load by week. Undated ones
    count in the quarter of their cycle. Two queries."""
    items = (
        ReadinessItem.objects.filter(launch__cycle__workspace=workspace, status__in=tiering.OPEN)
        .filter(_in_quarter(quarter, "due_date", "launch__cycle"))
        .filter(Q(owner__isnull=False) | Q(owner_role__isnull=False))
        .values("owner_id", "owner_role_id")
        .annotate(n=Count("id"))
    )
    shares = [
        workloads.Share(workloads.ITEMS, row["n"], membership_id=row["owner_id"], role_id=row["owner_role_id"])
        for row in items
    ]
    launches = (
        Launch.objects.filter(cycle__workspace=workspace)
        .filter(_in_quarter(quarter, "launch_date", "cycle"))
        .values_list("pm_owner_id", "pmm_owner_id", "tier")
    )
    for pm, pmm, tier in launches:
        for member_id in {pm, pmm} - {None}:
            shares.append(workloads.Share(workloads.LAUNCHES, 1, load.weight(tier), membership_id=member_id))
    return shares


# --- the quarter view ----------------------------------------------------------------------


def load_limits_of(*, workspace_id: int) -> tuple[int, int]:
    """(per person and week, per week) as the workspace set them, else the defaults."""
    row = TieringRubric.objects.filter(workspace_id=workspace_id).values_list("person_week_limit", "week_limit").first()
    return row or (load.DEFAULT_PERSON_WEEK_LIMIT, load.DEFAULT_WEEK_LIMIT)


@dataclass(slots=True)
class QuarterLaunch:
    launch: Launch
    tier_name: str
    required: int
    bar: Bar
    readiness: tiering.Readiness
    warnings: list


@dataclass(slots=True)
class QuarterItem:
    item: ReadinessItem
    launch: Launch
    owner: str  # `item_owner_label`: the role and its person, one way on every page
    late: bool


@dataclass(slots=True)
class QuarterPlan:
    name: str  # 2027-Q1
    slug: str  # 2027-q1
    year: int
    quarter: int
    cycle: LaunchCycle | None
    start: date
    end: date
    tiers: list[tuple[str, list[QuarterLaunch]]]
    by_owner: list[tuple[str, list[QuarterItem]]]
    by_week: list[tuple[date, list[QuarterItem]]]
    load: load.Load
    names: dict[int, str]

    @property
    def launches(self) -> list[QuarterLaunch]:
        return [row for _, rows in self.tiers for row in rows]

    @property
    def warning_count(self) -> int:
        return sum(len(row.warnings) for row in self.launches)

    @property
    def load_rows(self) -> list[tuple[str, load.PersonLoad]]:
        return [(self.names.get(p.owner_id, "Someone"), p) for p in self.load.people]

    @property
    def previous(self) -> str:
        return f"{self.year - 1}-q4" if self.quarter == 1 else f"{self.year}-q{self.quarter - 1}"

    @property
    def next(self) -> str:
        return f"{self.year + 1}-q1" if self.quarter == 4 else f"{self.year}-q{self.quarter + 1}"


def quarter_plan_of(
    *, workspace: Workspace, year: int, quarter: int, rubric: tiering.Rubric, today: date
) -> QuarterPlan:
    """A quarter at a glance: its cycle's launches by tier with readiness, the readiness
    items across launches by owner and by due week, each person's load by week against
    the workspace's limits, and the plan warnings. A fixed number of queries whatever
    the number of launches (eight with a cycle, three without)."""
    start, end = planning.quarter_bounds(year, quarter)
    weeks = load.quarter_weeks(start, end)
    person_limit, week_limit = load_limits_of(workspace_id=workspace.pk)
    cycle = LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=quarter).first()
    names: dict[int, str] = {}
    if cycle is None:
        return QuarterPlan(
            f"{year}-Q{quarter}",
            f"{year}-q{quarter}",
            year,
            quarter,
            None,
            start,
            end,
            [],
            [],
            [],
            load.load_by_week(weeks=weeks, items=[], launches=[], person_limit=person_limit, week_limit=week_limit),
            names,
        )
    cycle.workspace = workspace
    launches = list(
        Launch.objects.filter(cycle=cycle)
        .select_related("pm_owner__user", "pmm_owner__user")
        .order_by(F("launch_date").asc(nulls_last=True), "name", "id")
    )
    items = list(
        ReadinessItem.objects.filter(launch__cycle=cycle)
        .select_related("owner__user", "owner_role")
        .order_by(F("due_date").asc(nulls_last=True), "order", "id")
    )
    warnings = plan_warnings_of(cycle=cycle, rubric=rubric, today=today, launches=launches)
    by_launch: dict[int, list[ReadinessItem]] = {}
    for item in items:
        by_launch.setdefault(item.launch_id, []).append(item)
    launch_by_id = {l.pk: l for l in launches}
    tiers = {t: [] for t in (*rubric.tiers, None)}
    for launch in launches:
        launch.cycle = cycle
        own = by_launch.get(launch.pk, [])
        required = [i for i in own if i.required]
        late = sum(1 for i in required if i.is_open and i.due_date and i.due_date < today)
        done = sum(1 for i in required if not i.is_open)
        row = QuarterLaunch(
            launch,
            rubric.tier_name(launch.tier),
            len(required),
            Bar(done, late, len(required)),
            readiness_of(launch=launch, items=own, today=today),
            warnings.get(launch.pk, []),
        )
        tiers.get(launch.tier, tiers[rubric.tiers[-1]]).append(row)
        for member in (launch.pm_owner, launch.pmm_owner):
            if member is not None:
                names[member.pk] = member.display_name
    _rows, by_owner, by_week = [], {}, {}
    for item in items:
        if item.owner_id:
            names[item.owner_id] = item.owner.display_name
        owner = item_owner_label(item)
        row = QuarterItem(
            item, launch_by_id[item.launch_id], owner, bool(item.is_open and item.due_date and item.due_date < today)
        )
        by_owner.setdefault(owner, []).append(row)
        by_week.setdefault(load.week_start(item.due_date) if item.due_date else None, []).append(row)
    owned = [
        load.Owned(member_id, l.tier, l.launch_date)
        for l in launches
        if l.launch_date
        for member_id in {l.pm_owner_id, l.pmm_owner_id} - {None}
    ]
    due = [load.ItemDue(i.owner_id, i.due_date) for i in items if i.owner_id and i.due_date and i.is_open]
    found = load.load_by_week(
        weeks=weeks, items=due, launches=owned, person_limit=person_limit, week_limit=week_limit, names=names
    )
    tier_rows = [(rubric.tier_name(t) if t is not None else "Untiered", tiers[t]) for t in (*rubric.tiers, None)]
    return QuarterPlan(
        f"{year}-Q{quarter}",
        f"{year}-q{quarter}",
        year,
        quarter,
        cycle,
        start,
        end,
        tier_rows,
        sorted(by_owner.items(), key=lambda kv: (tiering.NOBODY_HOLDS in kv[0] or kv[0] == "no owner", kv[0].lower())),
        sorted(by_week.items(), key=lambda kv: (kv[0] is None, kv[0] or date.max)),
        found,
        names,
    )


@dataclass(slots=True)
class PrereadSummary:
    tiers: list[tuple[str, int, int]]  # (tier name, launches, ready)
    previous_name: str
    outcomes: list[Launch]  # last quarter's launches with their day-30 decision
    decisions: list[Decision]  # decision log entries whose review falls in the quarter


def preread_of(*, plan: QuarterPlan, rubric: tiering.Rubric) -> tuple[list[preread.Row], PrereadSummary]:
    """The pre-read's rows (one per launch of the quarter) and its one-page summary, in two
    queries beyond the quarter plan."""
    rows = []
    for row in plan.launches:
        launch = row.launch
        suggested = tiering.suggest_tier(rubric, launch.scores)
        rows.append(
            preread.Row(
                launch.name,
                launch.launch_date,
                launch.ship_date,
                tiering.score_total(rubric, launch.scores) if suggested is not None else None,
                rubric.tier_name(suggested) if suggested else "",
                row.tier_name if launch.tier is not None else "",
                launch.tier_reason,
                launch.pm_owner.display_name if launch.pm_owner_id else "",
                launch.pmm_owner.display_name if launch.pmm_owner_id else "",
                row.bar.done,
                row.required,
                row.readiness.overdue,
                row.readiness.ready,
                tuple(w.message for w in row.warnings),
                row.readiness.owners,
            )
        )
    year, quarter = (plan.year - 1, 4) if plan.quarter == 1 else (plan.year, plan.quarter - 1)
    workspace_id = plan.cycle.workspace_id if plan.cycle else None
    outcomes = (
        list(
            Launch.objects.filter(cycle__workspace_id=workspace_id, cycle__year=year, cycle__quarter=quarter).order_by(
                F("launch_date").asc(nulls_last=True), "name", "id"
            )
        )
        if workspace_id
        else []
    )
    decisions = (
        list(
            Decision.objects.filter(matrix__workspace_id=workspace_id, review_on__range=(plan.start, plan.end))
            .select_related("matrix")
            .order_by("review_on", "id")[:50]
        )
        if workspace_id
        else []
    )
    tiers = [(name, len(found), sum(1 for r in found if r.readiness.ready)) for name, found in plan.tiers]
    return rows, PrereadSummary(tiers, f"{year}-Q{quarter}", outcomes, decisions)
