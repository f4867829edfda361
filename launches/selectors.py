"""Reads for launches. The board reads its launches in one query whatever their number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from core.glance import Bar
from launches import load, plan_warnings, planning, preread, tiering
from launches.models import (
    AvoidDate,
    CalendarFeed,
    Dependency,
    GoDecision,
    Launch,
    LaunchCycle,
    ReadinessItem,
    StatusUpdate,
    TieringRubric,
)
from raci.dependents import Dependent
from raci.models import Activity, Cell, Column, Decision, Matrix
from raci.selectors import (
    activity_for_key,
    default_matrix_of,
    matrix_grid,
    template_activity_name,
)
from workspaces import workload as workloads
from workspaces.handover import Holding
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


@dataclass(slots=True)
class Card:
    launch: Launch
    suggested: int | None
    suggested_name: str
    total: int | None
    open_required: int
    overdue: int
    # A refused move, shown on the card with what was typed.
    error: str = ""
    reason: str = ""
    warnings: list = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.launch.tier is not None and self.open_required == 0 and not any(go_conditions(self.launch).values())

    @property
    def metric_missing(self) -> bool:
        return go_conditions(self.launch)["metric_missing"]


@dataclass(slots=True)
class BoardColumn:
    tier: int | None
    name: str
    cards: list[Card] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "untiered" if self.tier is None else str(self.tier)


@dataclass(slots=True)
class Board:
    rubric: tiering.Rubric
    columns: list[BoardColumn]

    @property
    def count(self) -> int:
        return sum(len(c.cards) for c in self.columns)

    def card(self, launch_id: int) -> Card | None:
        return next((card for column in self.columns for card in column.cards if card.launch.pk == launch_id), None)

    @property
    def warning_count(self) -> int:
        return sum(len(card.warnings) for column in self.columns for card in column.cards)


def board_of(*, cycle: LaunchCycle, rubric: tiering.Rubric, today: date) -> Board:
    """The cycle's launches by tier: Untiered first, then each tier of the rubric."""
    open_q = Q(items__required=True, items__status__in=tiering.OPEN)
    launches = (
        Launch.objects.filter(cycle=cycle)
        .select_related("pm_owner__user", "pmm_owner__user", "pm_confirmed_by__user", "pmm_confirmed_by__user")
        .annotate(
            open_required=Count("items", filter=open_q),
            overdue=Count("items", filter=open_q & Q(items__due_date__lt=today)),
        )
    )
    columns = [BoardColumn(None, "Untiered")] + [BoardColumn(t, rubric.tier_name(t)) for t in rubric.tiers]
    by_tier = {c.tier: c for c in columns}
    for launch in launches:
        launch.cycle = cycle
        suggested = tiering.suggest_tier(rubric, launch.scores)
        total = tiering.score_total(rubric, launch.scores) if suggested is not None else None
        column = by_tier.get(launch.tier, columns[-1])  # a tier the rubric dropped shows in the last one
        column.cards.append(
            Card(
                launch,
                suggested,
                rubric.tier_name(suggested) if suggested else "",
                total,
                launch.open_required,
                launch.overdue,
            )
        )
    cards = [card for column in columns for card in column.cards]
    found = plan_warnings_of(cycle=cycle, rubric=rubric, today=today, launches=[card.launch for card in cards])
    for card in cards:
        card.warnings = found.get(card.launch.pk, [])
    return Board(rubric, columns)


def checklist_of(*, launch: Launch) -> list[ReadinessItem]:
    return list(launch.items.select_related("owner_role", "owner__user"))


def readiness_of(*, launch: Launch, items: list[ReadinessItem], today: date) -> tiering.Readiness:
    conditions = go_conditions(launch)
    if any(i.key == tiering.METRIC_KEY for i in items):
        # The checklist's own "metric and target agreed" item names that blocker already.
        conditions["metric_missing"] = False
    return tiering.readiness(item_states(items), today=today, tiered=launch.tier is not None, **conditions)


def item_owner_label(item: ReadinessItem) -> str:
    """The item's role and person, named as every page names them (`tiering.owner_label`);
    the item's `owner_role` and `owner__user` are loaded with it."""
    return tiering.owner_label(
        item.owner_role.code if item.owner_role_id else "", item.owner.display_name if item.owner_id else ""
    )


def item_states(items: list[ReadinessItem]) -> list[tiering.ItemState]:
    return [
        tiering.ItemState(i.required, i.status, i.due_date, item_owner_label(i), i.title, f"#item-{i.pk}")
        for i in items
    ]


def go_conditions(launch: Launch) -> dict:
    """What "go" asks of the launch besides its checklist: the leads' confirmation and the
    day-30 metric (read from the launch itself, no query)."""
    return {
        "awaiting": tiering.awaiting_leads(
            launch.tier, pm_confirmed=bool(launch.pm_confirmed_by_id), pmm_confirmed=bool(launch.pmm_confirmed_by_id)
        ),
        "metric_missing": tiering.metric_missing(
            launch.tier, has_metric=bool(launch.metric_name and launch.metric_target is not None)
        ),
    }


def go_decisions_of(*, launch: Launch) -> list[GoDecision]:
    return list(launch.go_decisions.select_related("decided_by"))


def lead_codes_of(*, membership: Membership, launch: Launch) -> tuple[str, ...]:
    """As which leads (PM, PMM) the member may confirm the launch's tier; none for viewers."""
    if not membership.can_edit:
        return ()
    return tiering.confirmable_as(
        member_id=membership.pk,
        is_admin=membership.is_admin,
        pm_owner_id=launch.pm_owner_id,
        pmm_owner_id=launch.pmm_owner_id,
    )


def leads_to_confirm_of(*, membership: Membership, launch: Launch) -> tuple[str, ...]:
    """The leads the member may still confirm as: a lead nobody has confirmed yet, and not
    when the member confirmed the other lead (two leads are two people)."""
    confirmed = {"PM": launch.pm_confirmed_by_id, "PMM": launch.pmm_confirmed_by_id}
    if membership.pk in confirmed.values():
        return ()
    return tuple(code for code in lead_codes_of(membership=membership, launch=launch) if not confirmed[code])


def status_updates_of(*, launch: Launch) -> list[StatusUpdate]:
    return list(launch.status_updates.select_related("author__user"))


def dependencies_of(*, launch: Launch) -> list[Dependency]:
    return list(launch.dependencies.select_related("before__cycle"))


def launches_for_choice(*, launch: Launch) -> list[Launch]:
    """Other launches of the workspace this one may wait for."""
    return list(
        Launch.objects.filter(cycle__workspace_id=launch.cycle.workspace_id)
        .exclude(pk=launch.pk)
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter", "name")
    )


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


# --- ownership: the matrix's Launch phase and the owners of readiness items -----------------


@dataclass(frozen=True, slots=True)
class ActivityOwners:
    """Who owns the items of one template activity in a matrix."""

    key: str
    name: str  # the matrix's name for it, else the template's
    found: bool  # the matrix has the activity
    # (role id, code, letter) of the roles that own it (tiering.owner_roles), in column order.
    candidates: tuple[tuple[int, str, str], ...] = ()

    @property
    def role_ids(self) -> tuple[int, ...]:
        return tuple(role_id for role_id, _, _ in self.candidates)

    def code(self, role_id: int | None) -> str:
        return next((code for rid, code, _ in self.candidates if rid == role_id), "")


@dataclass(slots=True)
class LaunchOwners:
    """The matrix a launch's readiness items take their owners from, and those owners."""

    matrix: Matrix | None
    from_default: bool  # the workspace's default matrix: the launch has none of its own
    grid: object | None  # raci.selectors.Grid of `matrix`
    activities: dict[str, ActivityOwners] = field(default_factory=dict)

    def of(self, item: ReadinessItem) -> ActivityOwners | None:
        return self.activities.get(item.activity_key)

    def role_for(self, item: ReadinessItem) -> int | None:
        found = self.of(item)
        return tiering.owner_role(found.role_ids, item.chosen_role_id) if found else None


def launch_owners_of(*, launch: Launch) -> LaunchOwners:
    """The owners of the launch's readiness items, from its matrix, else the workspace's
    default matrix: per template activity, the role that is A/R, else the R (several: each),
    else the A. Three queries whatever the matrix's size."""
    matrix, from_default = launch.matrix if launch.matrix_id else None, False
    if matrix is None:
        matrix, from_default = default_matrix_of(workspace_id=launch.cycle.workspace_id), True
    if matrix is None:
        return LaunchOwners(None, True, None)
    grid = matrix_grid(matrix=matrix, check=False)
    found = {}
    for key in sorted(set(tiering.ACTIVITY_OF.values())):
        name = template_activity_name(key)
        row = activity_for_key(grid=grid, key=key, name=name)
        if row is None:
            found[key] = ActivityOwners(key, name, False)
            continue
        letters = [(c.role_id, grid.cells.get((row.id, c.role_id), ("", 0))[0]) for c in grid.columns]
        owners = set(tiering.owner_roles(letters))
        found[key] = ActivityOwners(
            key,
            row.name,
            True,
            tuple(
                (c.role_id, c.code, "A/R" if value == "AR" else value)
                for c, (_, value) in zip(grid.columns, letters)
                if c.role_id in owners
            ),
        )
    return LaunchOwners(matrix, from_default, grid, found)


def item_owners_of(*, launch: Launch, item: ReadinessItem) -> LaunchOwners:
    """The owners of one readiness item's template activity, as `launch_owners_of` finds them,
    read for that activity alone: the matrix's columns with their letters on its row, in one
    query (and one for the workspace's default matrix when the launch has none of its own),
    whatever the size of the matrix or the checklist."""
    matrix, from_default = launch.matrix if launch.matrix_id else None, False
    if matrix is None:
        matrix, from_default = default_matrix_of(workspace_id=launch.cycle.workspace_id), True
    key = item.activity_key
    if matrix is None or not key:
        return LaunchOwners(matrix, from_default, None)
    name = template_activity_name(key)
    # The row copied from the template activity, else the one with its name (as activity_for_key).
    rows = Activity.objects.filter(matrix=matrix).order_by("order", "id")
    by_key, by_name = rows.filter(template_key=key), rows.filter(name__iexact=name)
    row_id = Coalesce(Subquery(by_key.values("id")[:1]), Subquery(by_name.values("id")[:1]))
    columns = list(
        Column.objects.filter(matrix=matrix)
        .order_by("order", "id")
        .annotate(
            row_id=row_id,
            row_name=Coalesce(Subquery(by_key.values("name")[:1]), Subquery(by_name.values("name")[:1])),
            letter=Subquery(Cell.objects.filter(activity_id=row_id, role_id=OuterRef("role_id")).values("value")[:1]),
        )
        .values_list("role_id", "role__code", "row_id", "row_name", "letter")
    )
    if columns:
        found_name = columns[0][3]
    else:  # a matrix without columns: whether it has the row at all
        found_name = (
            by_key.values_list("name", flat=True)[:1] or by_name.values_list("name", flat=True)[:1] or [None]
        )[0]
    if found_name is None:
        return LaunchOwners(matrix, from_default, None, {key: ActivityOwners(key, name, False)})
    letters = [(role_id, letter or "") for role_id, _, _, _, letter in columns]
    owners = set(tiering.owner_roles(letters))
    candidates = tuple(
        (role_id, code, "A/R" if letter == "AR" else letter)
        for role_id, code, _, _, letter in columns
        if role_id in owners
    )
    return LaunchOwners(matrix, from_default, None, {key: ActivityOwners(key, found_name, True, candidates)})


@dataclass(frozen=True, slots=True)
class ItemOwnership:
    """What the checklist says about an item's owner, from the matrix.

    state: "owned" (`code` is `letter` on `activity`), "choose" (several R: `candidates`),
    "missing" (the matrix has no `activity`), "unowned" (nobody is R or A on it),
    "no_matrix", "changed" (the matrix now gives it to `code`), or "" (nothing to say)."""

    state: str
    activity: str = ""
    code: str = ""
    letter: str = ""
    candidates: tuple[tuple[int, str, str], ...] = ()


def item_ownership(item: ReadinessItem, owners: LaunchOwners) -> ItemOwnership:
    found = owners.of(item)
    if owners.matrix is None:
        return ItemOwnership("no_matrix")
    if found is None:
        return ItemOwnership("")
    if not found.found:
        return ItemOwnership("missing", found.name)
    if not found.candidates:
        return ItemOwnership("unowned", found.name)
    role = owners.role_for(item)
    if role is None:
        return ItemOwnership("choose", found.name, candidates=found.candidates)
    if item.is_open and role != item.owner_role_id:
        return ItemOwnership("changed", found.name, found.code(role))
    if role != item.owner_role_id:
        return ItemOwnership("")
    letter = next(letter for rid, _, letter in found.candidates if rid == role)
    return ItemOwnership(
        "owned", found.name, found.code(role), letter, found.candidates if len(found.candidates) > 1 else ()
    )


@dataclass(frozen=True, slots=True)
class RoleOwner:
    """A role that is R or A at launch, and the person who does its work on this launch."""

    role_id: int
    code: str
    name: str
    letters: str  # R, A or A/R
    person: str  # "" when nobody holds the role

    @property
    def label(self) -> str:
        return tiering.owner_label(self.code, self.person)


@dataclass(slots=True)
class LaunchRaci:
    # (activity name, [RoleOwner]) for Launch-phase activities
    activities: list[tuple[str, list[RoleOwner]]]
    ra_role_ids: set[int]

    @property
    def unheld(self) -> list[RoleOwner]:
        """The roles R or A at launch that nobody holds, once each."""
        seen: dict[int, RoleOwner] = {}
        for _, owners in self.activities:
            for owner in owners:
                if not owner.person:
                    seen.setdefault(owner.role_id, owner)
        return list(seen.values())


def launch_raci_of(*, owners: LaunchOwners, launch: Launch) -> LaunchRaci | None:
    """Who is R/A for the Launch-phase activities of the matrix the launch's owners come
    from, each role with the one person who does its work on this launch
    (`tiering.person_for_role`, as the checklist assigns it)."""
    grid = owners.grid
    if grid is None:
        return None
    lead_names = {m.pk: m.display_name for m in (launch.pm_owner, launch.pmm_owner) if m is not None}
    rows, ra = [], set()
    for activity in grid.activities:
        if activity.phase != "launch":
            continue
        found = []
        for column in grid.columns:
            value = grid.cells.get((activity.id, column.role_id), ("", 0))[0]
            if value in ("R", "A", "AR"):
                ra.add(column.role_id)
                person = tiering.person_for_role(
                    code=column.code,
                    holder_ids=column.holder_ids,
                    pm_owner_id=launch.pm_owner_id,
                    pmm_owner_id=launch.pmm_owner_id,
                )
                name = lead_names.get(person) or grid.people.get(person, "") if person else ""
                found.append(
                    RoleOwner(column.role_id, column.code, column.name, "A/R" if value == "AR" else value, name)
                )
        rows.append((activity.name, found))
    return LaunchRaci(rows, ra)


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


def avoid_dates_of(*, workspace: Workspace) -> list[AvoidDate]:
    return list(AvoidDate.objects.filter(workspace=workspace))


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


def feed_of(*, workspace: Workspace) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(workspace=workspace).first()


def feed_by_token(*, token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("workspace").filter(token=token).first() if token else None


def launch_in_workspace(*, workspace: Workspace, launch_id: int) -> Launch | None:
    launch = Launch.objects.filter(cycle__workspace=workspace, pk=launch_id).select_related("cycle").first()
    if launch is not None:
        launch.cycle.workspace = workspace
    return launch


# --- what a member holds here, for removing them (raci.handover) ---------------------------


def _day(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def launch_holdings(membership: Membership) -> list[Holding]:
    """The launches the member owns as PM or PMM and their open readiness items. Whoever takes a launch or an item must be an editor: a viewer
    could neither confirm the tier nor tick the item done."""
    ws = membership.workspace_id
    found = []
    launches = (
        Launch.objects.filter(cycle__workspace_id=ws)
        .filter(Q(pm_owner=membership) | Q(pmm_owner=membership))
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter", "launch_date", "name", "id")
    )
    for launch in launches:
        when = f", launches {_day(launch.launch_date)}" if launch.launch_date else ""
        for code, owner_id in (("PM", launch.pm_owner_id), ("PMM", launch.pmm_owner_id)):
            if owner_id == membership.pk:
                found.append(
                    Holding(
                        key=f"launch_{code.lower()}:{launch.pk}",
                        group="Launches owned",
                        label=f"{launch.name} · {code} owner",
                        detail=f"{launch.cycle.name}{when}",
                        editors_only=True,
                    )
                )
    items = (
        ReadinessItem.objects.filter(launch__cycle__workspace_id=ws, owner=membership, status__in=tiering.OPEN)
        .select_related("launch__cycle")
        .order_by("due_date", "launch__name", "order", "id")
    )
    for item in items:
        due = f", due {_day(item.due_date)}" if item.due_date else ""
        found.append(
            Holding(
                key=f"item:{item.pk}",
                group="Open readiness items",
                label=f"{item.title} · {item.launch.name}",
                detail=f"{item.get_status_display()}{due}{' · required for go' if item.required else ''}",
                editors_only=True,
            )
        )
    return found


def launch_removal_notes(membership: Membership) -> list[str]:
    confirmed = Launch.objects.filter(
        Q(pm_confirmed_by=membership)
        | Q(pmm_confirmed_by=membership)
        | Q(pm_owner=membership, pm_confirmed_by__isnull=False)
        | Q(pmm_owner=membership, pmm_confirmed_by__isnull=False),
        cycle__workspace_id=membership.workspace_id,
    ).count()
    if not confirmed:
        return []
    return [
        f"The tier confirmation{'s' if confirmed != 1 else ''} they gave, or that were given for the launches they own, "
        f"on {confirmed} launch{'es are' if confirmed != 1 else ' is'} withdrawn: the launch's new owner (or an admin) "
        "confirms again."
    ]


def readiness_through(matrix: Matrix, activity_ids: frozenset[int], role_ids: frozenset[int]) -> list[Dependent]:
    """Open readiness items whose owner comes through the matrix's rows `activity_ids` (the
    row of the item's template activity) or columns `role_ids` (the owning role), of the
    launches the matrix gives owners to (its own, and those without one when it is the
    workspace's default): deleting the row or the column would leave them without an owner.
    Two queries."""
    keys: set[str] = set()
    if activity_ids:
        names = {template_activity_name(key).casefold(): key for key in set(tiering.ACTIVITY_OF.values())}
        for template_key, name in Activity.objects.filter(matrix=matrix, pk__in=activity_ids).values_list(
            "template_key", "name"
        ):
            keys.add(template_key if template_key in tiering.ACTIVITY_OF.values() else names.get(name.casefold(), ""))
    item_keys = [item for item, activity in tiering.ACTIVITY_OF.items() if activity in keys]
    if not item_keys and not role_ids:
        return []
    uses = Q(launch__matrix=matrix)
    if matrix.is_default:
        uses |= Q(launch__matrix__isnull=True, launch__cycle__workspace_id=matrix.workspace_id)
    through = Q(key__in=item_keys) | Q(owner_role_id__in=role_ids) | Q(chosen_role_id__in=role_ids)
    count = ReadinessItem.objects.filter(uses, through, status__in=tiering.OPEN).count()
    return (
        [Dependent("Launches", "open readiness item" if count == 1 else "open readiness items", count)] if count else []
    )
