"""Reads. `matrix_grid` loads everything a matrix page needs in two queries, whatever
the matrix's size, and returns plain data that the rule engine and the renderer share."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from core.prepared import Prepared
from raci import acknowledgments, drift, findings, fixes, rules
from raci.models import (
    Activity,
    Cell,
    ChangeEvent,
    Column,
    Decision,
    Matrix,
    Template,
    TemplateVersion,
)
from raci.phases import PhaseList
from workspaces import handover
from workspaces import workload as workloads
from workspaces.models import Membership, Role
from workspaces.selectors import _others_holding, members_of
from workspaces.team_phases import phase_list


@dataclass(slots=True)
class ActivityRow:
    id: int
    name: str
    phase: str
    description: str
    order: int
    template_key: str = ""
    source: str = ""
    phase_label: str = ""  # the workspace's name for the phase (set by matrix_grid)

    @property
    def our_default(self) -> bool:
        """Some of the row's letters are the template's own choice, not the articles': worth a talk."""
        return "Our default:" in self.source

    @property
    def source_lines(self) -> tuple[str, list[str]]:
        """Where the letters come from: the articles the row cites, then one line per letter."""
        lines = [line for line in self.source.splitlines() if line.strip()]
        if lines and (lines[0].startswith("From ") or lines[0] == "Our default."):
            return lines[0], lines[1:]
        return "", lines

    @property
    def hover(self) -> str:
        """What the activity's name shows on hover: its description, then where its letters come from."""
        return "\n\n".join(text for text in (self.description, self.source) if text)


@dataclass(slots=True)
class RoleColumn:
    role_id: int
    code: str
    name: str
    description: str
    order: int
    holder_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    matrix: Matrix
    activities: list[ActivityRow]
    columns: list[RoleColumn]
    # (activity id, role id) -> (value, version); includes cleared cells (value "").
    cells: dict[tuple[int, int], tuple[str, int]]
    people: dict[int, str]
    # The findings that count; those accepted on purpose are in `accepted` instead.
    findings: list[rules.Finding] = field(default_factory=list)
    phase_list: PhaseList = field(default_factory=PhaseList.default)
    accepted: list[tuple[rules.Finding, acknowledgments.Acknowledgment]] = field(default_factory=list)

    def rule_input(self) -> rules.MatrixData:
        return findings.grid_input(self)

    def recheck(self) -> None:
        acknowledged = self.matrix.acknowledged
        if not acknowledged:
            self.findings, self.accepted = findings.grid_findings(self, self.matrix.rule_settings), []
            return
        self.findings, self.accepted = findings.grid_checked(self, self.matrix.rule_settings, acknowledged)

    def all_findings(self) -> list[rules.Finding]:
        """Every finding, accepted or not (the rule engine's whole answer)."""
        return [*self.findings, *(f for f, _ in self.accepted)]

    def activity(self, activity_id: int) -> ActivityRow | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def column(self, role_id: int) -> RoleColumn | None:
        return next((c for c in self.columns if c.role_id == role_id), None)

    def row_findings(self, activity_id: int) -> list[rules.Finding]:
        return [f for f in self.findings if f.activity == activity_id]

    def column_findings(self, role_id: int) -> list[rules.Finding]:
        return [f for f in self.findings if f.role == role_id]

    def findings_by_activity(self) -> dict[int, list[rules.Finding]]:
        grouped = defaultdict(list)
        for finding in self.findings:
            if finding.activity is not None:
                grouped[finding.activity].append(finding)
        return grouped

    def findings_by_role(self) -> dict[int, list[rules.Finding]]:
        grouped = defaultdict(list)
        for finding in self.findings:
            if finding.role is not None:
                grouped[finding.role].append(finding)
        return grouped

    @property
    def counts(self) -> dict[str, int]:
        return rules.count_by_severity(self.findings)

    def phases(self) -> list[tuple[str, str, list[ActivityRow]]]:
        """Activities grouped by phase, in the workspace's order of phases: (phase, label, rows)."""
        groups: dict[str, list[ActivityRow]] = defaultdict(list)
        for activity in self.activities:
            groups[activity.phase].append(activity)
        return [
            (phase, self.phase_list.label(phase), groups[phase]) for phase in sorted(groups, key=self.phase_list.order)
        ]


def _fetch(queryset) -> list[tuple]:
    """Rows of a values_list() queryset as plain tuples, without the ORM's per-row work:
    for the 3,000 cells of a large matrix that work costs more than the query itself."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def matrix_grid(*, matrix: Matrix, check: bool = True) -> Grid:
    """The matrix's rows, columns, letters and role holders, and the workspace's phases
    (which order the rows), in three queries."""
    activities: dict[int, ActivityRow] = {}
    cells: dict[tuple[int, int], tuple[str, int]] = {}
    rows = (
        Activity.objects.filter(matrix=matrix)
        .order_by("order", "id")
        .values_list(
            "id",
            "name",
            "phase",
            "description",
            "order",
            "template_key",
            "source",
            "cells__role_id",
            "cells__value",
            "cells__version",
        )
    )
    for pk, name, phase, description, order, key, source, role_id, value, version in _fetch(rows):
        if pk not in activities:
            activities[pk] = ActivityRow(pk, name, phase, description, order, key, source)
        if role_id is not None:
            cells[(pk, role_id)] = (value, version)
    phases = phase_list(workspace_id=matrix.workspace_id)
    for activity in activities.values():
        activity.phase_label = phases.label(activity.phase)
    ordered = sorted(activities.values(), key=lambda a: (phases.order(a.phase), a.order, a.id))

    columns: dict[int, RoleColumn] = {}
    people: dict[int, str] = {}
    column_rows = (
        Column.objects.filter(matrix=matrix)
        .order_by("order", "id")
        .values_list(
            "role_id",
            "role__code",
            "role__name",
            "role__description",
            "order",
            "role__holders__membership_id",
            "role__holders__membership__user__username",
            "role__holders__membership__user__first_name",
            "role__holders__membership__user__last_name",
        )
    )
    for role_id, code, name, description, order, member_id, username, first, last in _fetch(column_rows):
        column = columns.get(role_id)
        if column is None:
            column = columns[role_id] = RoleColumn(role_id, code, name, description, order)
        if member_id is not None:
            column.holder_ids.append(member_id)
            people[member_id] = f"{first} {last}".strip() or username
    # Only cells of the matrix's current columns count; a removed column's letters stay
    # in the database for history but do not show.
    cells = {key: value for key, value in cells.items() if key[1] in columns}
    grid = Grid(matrix, ordered, list(columns.values()), cells, people, phase_list=phases)
    if check:
        grid.recheck()
    return grid


@dataclass(slots=True)
class CellNeighbourhood:
    """What one cell edit can change: its row and, when asked for, its column."""

    activity: ActivityRow | None
    column: RoleColumn | None
    row: dict[int, tuple[str, int]]  # role id -> (value, version), for every column
    down: dict[int, str] | None  # activity id -> value, for every activity; None if not read
    columns: list[RoleColumn]
    n_activities: int


# The letters that count in a column's findings (idle-role, overloaded-role): a column
# whose cell goes from none of these to none of these keeps its findings.
COLUMN_LETTERS = ("R", "A", "AR")


def _neighbourhood_query(matrix_id, activity_id, role_id, *, column_if_held: bool):
    """One query, three parts, told apart by their first value: 0, the row (every column,
    with the cell in this activity); 1, the column (every activity's letter in this role);
    2, the activity itself with the matrix's number of activities.

    With `column_if_held`, the column is read only if this cell now holds one of
    COLUMN_LETTERS: an edit to a letter outside them cannot change the column otherwise."""
    row = (
        Column.objects.filter(matrix_id=matrix_id)
        .order_by()
        .annotate(
            part=Value(0), here=FilteredRelation("role__cells", condition=Q(role__cells__activity_id=activity_id))
        )
        .values_list("part", "role_id", "role__code", "role__name", "order", "here__value", "here__version")
    )
    # The column's letters come from one probe of the (activity, role) index per activity:
    # a role is shared by the workspace's matrices, and a join on the role's cells would
    # read its cells in every other matrix too.
    letter = Cell.objects.filter(activity_id=OuterRef("pk"), role_id=role_id).values("value")[:1]
    column = Activity.objects.filter(matrix_id=matrix_id)
    if column_if_held:
        column = column.filter(
            Exists(Cell.objects.filter(activity_id=activity_id, role_id=role_id, value__in=COLUMN_LETTERS))
        )
    no_text = Value(None, output_field=CharField())
    column = (
        column.order_by()
        .annotate(part=Value(1), no_name=no_text, no_phase=no_text, here_value=Subquery(letter), here_version=Value(0))
        .values_list("part", "id", "no_name", "no_phase", "order", "here_value", "here_version")
    )
    size = (
        Activity.objects.filter(matrix_id=matrix_id).order_by().values("matrix_id").annotate(n=Count("id")).values("n")
    )
    activity = (
        Activity.objects.filter(matrix_id=matrix_id, pk=activity_id)
        .order_by()
        .annotate(part=Value(2), no_value=no_text, n=Subquery(size))
        .values_list("part", "id", "name", "phase", "order", "no_value", "n")
    )
    return row.union(column, activity, all=True).order_by()


_MARKERS = {"matrix_id": -2_000_000_001, "activity_id": -2_000_000_002, "role_id": -2_000_000_004}
_NEIGHBOURHOOD = Prepared(functools.partial(_neighbourhood_query, column_if_held=False), **_MARKERS)
_NEIGHBOURHOOD_IF_HELD = Prepared(functools.partial(_neighbourhood_query, column_if_held=True), **_MARKERS)


def cell_neighbourhood(*, matrix: Matrix, activity_id: int, role_id: int, column: bool = True) -> CellNeighbourhood:
    """The row through one cell and its column, in one query of one row per column and
    one per activity.

    `column=False` is for an edit to a letter outside COLUMN_LETTERS: the column is then
    read only if the cell holds one of them now (`down` is None when it was not read)."""
    query = _NEIGHBOURHOOD if column else _NEIGHBOURHOOD_IF_HELD
    columns, row, down = [], {}, {}
    activity, n = None, 0
    for part, pk, text, more, order, value, version in query.rows(
        matrix_id=matrix.pk, activity_id=activity_id, role_id=role_id
    ):
        if part == 0:
            columns.append(RoleColumn(pk, text, more, "", order))
            row[pk] = (value or "", version or 0)
        elif part == 1:
            down[pk] = value or ""
        else:
            activity, n = ActivityRow(pk, text, more, "", order), version
    columns.sort(key=lambda c: (c.order, c.role_id))
    here = next((c for c in columns if c.role_id == role_id), None)
    if not column and row.get(role_id, ("", 0))[0] not in COLUMN_LETTERS:
        down = None
    return CellNeighbourhood(activity, here, row, down, columns, n)


def matrix_rule_input(matrix: Matrix) -> tuple[rules.MatrixData, rules.RuleSettings]:
    """What `raci_check` lints for a saved matrix."""
    return matrix_grid(matrix=matrix, check=False).rule_input(), matrix.rule_settings


def matrices_of(*, workspace, today=None) -> list[Matrix]:
    """The workspace's matrices with their sizes and `last_change_at`: when the newest
    change event was recorded (the matrix's newest sequence number, one index probe each
    inside the same query), or when the matrix itself was last saved if it has none."""
    newest_event = ChangeEvent.objects.filter(matrix=OuterRef("pk")).order_by("-seq").values("at")[:1]
    matrices = list(
        Matrix.objects.filter(workspace=workspace)
        .annotate(
            n_activities=Count("activities", distinct=True),
            n_columns=Count("columns", distinct=True),
            last_change_at=Coalesce(Subquery(newest_event), F("updated_at")),
        )
        .select_related("owner")
        .order_by("name")
    )
    for matrix in matrices:
        matrix.stale = matrix.is_stale(today)
    return matrices


def templates_for(*, workspace) -> list[Template]:
    return list(
        Template.objects.filter(Q(workspace__isnull=True) | Q(workspace=workspace))
        .annotate(n_activities=Count("activities", distinct=True), n_roles=Count("roles", distinct=True))
        .order_by("-is_default", "workspace_id", "name")
    )


def cell_last_change(*, matrix: Matrix, activity_id: int, role_id: int) -> ChangeEvent | None:
    return (
        ChangeEvent.objects.filter(matrix=matrix, kind="cell", activity_id_ref=activity_id, role_id_ref=role_id)
        .select_related("actor")
        .order_by("-seq")
        .first()
    )


def person_view(grid: Grid, membership_id: int) -> list[tuple[ActivityRow, list[tuple[RoleColumn, str]]]]:
    """One person's letters across the roles they hold: rows where they have any."""
    held = [c for c in grid.columns if membership_id in c.holder_ids]
    result = []
    for activity in grid.activities:
        letters = [(c, grid.cells.get((activity.id, c.role_id), ("", 0))[0]) for c in held]
        if any(value for _, value in letters):
            result.append((activity, letters))
    return result


KIND_LABELS = {
    "cell": "set",
    "activity.add": "added activity",
    "activity.update": "edited activity",
    "activity.move": "moved activity",
    "activity.delete": "removed activity",
    "activity.split": "split activity",
    "activity.restore": "restored activity",
    "column.add": "added column",
    "column.move": "moved column",
    "column.remove": "removed column",
    "role.update": "edited role",
    "role.holders": "changed who holds",
    "phase.update": "renamed phase",
    "phase.relay": "changed who drives",
    "matrix.create": "created the matrix",
    "matrix.update": "changed settings",
    "import": "imported",
    "undo": "undid",
    "template.take": "took from the template",
}


def matrix_history(
    *, matrix: Matrix, actor_id: int | None = None, activity_id: int | None = None, role_id: int | None = None
):
    """The matrix's change events, newest first, filtered by who, which activity, which role."""
    events = ChangeEvent.objects.filter(matrix=matrix).select_related("actor").order_by("-seq")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if activity_id:
        events = events.filter(activity_id_ref=activity_id)
    if role_id:
        events = events.filter(role_id_ref=role_id)
    return events


def decisions_of(*, matrix: Matrix):
    return (
        Decision.objects.filter(matrix=matrix).select_related("activity", "decided_by").order_by("-decided_on", "-id")
    )


def decisions_due(*, matrix: Matrix, today) -> list[Decision]:
    return list(decisions_of(matrix=matrix).filter(review_on__lte=today).order_by("review_on"))


def decision_counts(*, matrix: Matrix) -> dict[int, int]:
    """Decisions per activity, for the mark beside each row."""
    return dict(
        Decision.objects.filter(matrix=matrix, activity__isnull=False)
        .values("activity_id")
        .annotate(n=Count("id"))
        .values_list("activity_id", "n")
    )


@dataclass(slots=True)
class PersonLoad:
    membership: Membership
    roles: list[str]
    counts: dict[str, int]
    findings: list[str]
    heat: dict[str, int] = field(default_factory=dict)  # letter -> 0..5, relative to the busiest person


def workload(*, workspace, members: list[Membership] | None = None) -> list[PersonLoad]:
    """Each member's R, A, C, I across the workspace's matrices (A/R counts as both R and
    A), with the overloaded-role and shared-hats findings of the roles they hold. `members`,
    when given, are the workspace's members with their held roles prefetched."""
    members = members_of(workspace=workspace) if members is None else members
    per_role: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys("RACI", 0))
    per_matrix_role: dict[tuple[int, int], list[str]] = defaultdict(list)
    rows = (
        Cell.objects.filter(activity__matrix__workspace=workspace, role__columns__matrix_id=F("activity__matrix_id"))
        .exclude(value="")
        .values("activity__matrix_id", "role_id", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        value, n = row["value"], row["n"]
        for letter in ("A", "R") if value == "AR" else (value,):
            per_role[row["role_id"]][letter] += n
        per_matrix_role[(row["activity__matrix_id"], row["role_id"])].extend([value] * n)
    activities = dict(
        Activity.objects.filter(matrix__workspace=workspace)
        .values("matrix_id")
        .annotate(n=Count("id"))
        .values_list("matrix_id", "n")
    )
    columns = defaultdict(list)
    for matrix_id, role_id, code, name in Column.objects.filter(matrix__workspace=workspace).values_list(
        "matrix_id", "role_id", "role__code", "role__name"
    ):
        columns[matrix_id].append((role_id, code, name))
    matrix_names = dict(Matrix.objects.filter(workspace=workspace).values_list("id", "name"))
    overloaded: dict[int, list[str]] = defaultdict(list)
    for matrix_id, cols in columns.items():
        for role_id, code, name in cols:
            overloaded[role_id] += [
                f"{message} ({matrix_names[matrix_id]})"
                for message in findings.overloaded_messages(
                    role_id=role_id,
                    code=code,
                    name=name,
                    values=per_matrix_role.get((matrix_id, role_id), []),
                    n_activities=activities.get(matrix_id, 0),
                    n_roles=len(cols),
                )
            ]
    loads = []
    for member in members:
        held = [h.role for h in member.held_roles.all()]
        counts = dict.fromkeys("RACI", 0)
        notes = []
        for role in held:
            for letter, n in per_role[role.pk].items():
                counts[letter] += n
            notes += [f"overloaded-role: {text}" for text in overloaded[role.pk]]
        held_ids = {r.pk for r in held}
        for matrix_id, cols in columns.items():
            mine = [code for role_id, code, _ in cols if role_id in held_ids]
            if len(mine) > 1:
                notes.append(f"shared-hats: holds {' and '.join(mine)} in {matrix_names[matrix_id]}")
        loads.append(PersonLoad(member, [r.code for r in held], counts, notes))
    for letter in "RACI":
        top = max((load.counts[letter] for load in loads), default=0)
        for load in loads:
            load.heat[letter] = (
                0 if not top or not load.counts[letter] else max(1, round(5 * load.counts[letter] / top))
            )
    return loads


def workload_letters(workspace, quarter: workloads.Quarter) -> list[workloads.Share]:
    """The matrix letters of each role across the workspace's matrices, counted as the
    People page counts them (A/R is both an A and an R), for `workspaces.workload`. Letters
    are the matrices as they stand: the quarter does not change them. One query."""
    rows = (
        Cell.objects.filter(activity__matrix__workspace=workspace, role__columns__matrix_id=F("activity__matrix_id"))
        .exclude(value="")
        .values("role_id", "value")
        .annotate(n=Count("id"))
    )
    per_role: dict[int, int] = defaultdict(int)
    for row in rows:
        per_role[row["role_id"]] += row["n"] * (2 if row["value"] == "AR" else 1)
    return [workloads.Share(workloads.LETTERS, n, role_id=role_id) for role_id, n in per_role.items()]


# --- what a member holds, for removing them (see handover.py) ------------------------------


def raci_holdings(membership: Membership) -> list[handover.Holding]:
    """The roles the member holds (a role may go to nobody when someone else holds it too,
    or when nothing needs it) and the matrices they own."""
    roles = list(Role.objects.filter(holders__membership=membership).order_by("code"))
    ids = {r.pk for r in roles}
    others = _others_holding(ids, membership)
    uses = handover.role_uses(workspace=membership.workspace, role_ids=ids)
    found = []
    for role in roles:
        if others[role.pk]:
            detail = "Also held by " + ", ".join(others[role.pk]) + "."
        elif uses.get(role.pk):
            detail = "Nobody else holds it, and it " + "; it ".join(uses[role.pk]) + "."
        else:
            detail = "Nobody else holds it; nothing needs it."
        found.append(
            handover.Holding(
                key=f"role:{role.pk}",
                group="Roles held",
                label=f"{role.code} · {role.name}",
                detail=detail,
                nobody_ok=bool(others[role.pk]) or not uses.get(role.pk),
            )
        )
    for matrix in Matrix.objects.filter(workspace_id=membership.workspace_id, owner_id=membership.user_id).order_by(
        "name"
    ):
        found.append(
            handover.Holding(
                key=f"matrix:{matrix.pk}",
                group="Matrices owned",
                label=matrix.name,
                detail="Its owner is reminded when it is due for review.",
            )
        )
    return found


def raci_role_uses(workspace, role_ids: set[int]) -> dict[int, list[str]]:
    """A role accountable (A or A/R) on activities needs someone to answer for them."""
    rows = (
        Cell.objects.filter(
            role_id__in=role_ids,
            value__in=("A", "AR"),
            activity__matrix__workspace=workspace,
            role__columns__matrix_id=F("activity__matrix_id"),
        )
        .values("role_id", "activity__matrix__name")
        .annotate(n=Count("id"))
        .order_by("activity__matrix__name")
    )
    uses: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        n = row["n"]
        uses[row["role_id"]].append(
            f"is accountable on {n} activit{'ies' if n != 1 else 'y'} of {row['activity__matrix__name']}"
        )
    return uses


# --- templates: content, versions, drift --------------------------------------------------


def template_content(*, template: Template) -> dict:
    """The template's roles and activities as plain data, as a TemplateVersion stores them."""
    return {
        "roles": [{"code": r.code.upper(), "name": r.name} for r in template.roles.all()],
        "activities": [
            {
                "name": a.name,
                "phase": a.phase,
                "description": a.description,
                "letters": {str(k).upper(): v for k, v in (a.letters or {}).items() if v},
            }
            for a in template.activities.all()
        ],
    } | ({"acknowledgments": list(template.acknowledgments)} if template.acknowledgments else {})


def _drift_rows(content: dict) -> list[drift.Row]:
    return [
        drift.Row(a["name"], a.get("phase", ""), a.get("description", ""), dict(a.get("letters", {})))
        for a in content.get("activities", [])
    ]


def matrix_rows(grid: Grid) -> list[drift.Row]:
    codes = {c.role_id: c.code.upper() for c in grid.columns}
    letters: dict[int, dict[str, str]] = defaultdict(dict)
    for (activity_id, role_id), (value, _) in grid.cells.items():
        if value and role_id in codes:
            letters[activity_id][codes[role_id]] = value
    return [drift.Row(a.name, a.phase, a.description, letters.get(a.id, {}), a.id) for a in grid.activities]


def template_letters(*, matrix: Matrix) -> fixes.TemplateLetters | None:
    """The current letters of the matrix's template, for the fixes that suggest them."""
    if matrix.template_id is None:
        return None
    template = Template.objects.filter(pk=matrix.template_id).first()
    if template is None:
        return None
    return fixes.TemplateLetters(
        {a["name"].casefold(): a["letters"] for a in template_content(template=template)["activities"]}
    )


@dataclass(slots=True)
class Drift:
    template: Template
    diffs: list[drift.RowDiff]
    updates: list[drift.Update]
    basis_version: int | None
    # Findings the template accepts on purpose that the matrix dropped, and those it added.
    dropped: list[drift.AcceptedFinding] = field(default_factory=list)
    added: list[drift.AcceptedFinding] = field(default_factory=list)

    @property
    def differing(self) -> int:
        return sum(1 for d in self.diffs if d.kind != "same")


def template_drift(*, matrix: Matrix, grid: Grid | None = None) -> Drift | None:
    """The matrix against its template: rows side by side, and the template's changes since
    the version the matrix was made from (none when that version is unknown)."""
    if matrix.template_id is None:
        return None
    template = Template.objects.filter(pk=matrix.template_id).prefetch_related("roles", "activities").first()
    if template is None:
        return None
    # A checked grid knows which findings are accepted on purpose (compared below).
    grid = grid or matrix_grid(matrix=matrix, check=bool(matrix.acknowledgments))
    current = template_content(template=template)
    codes = [c.code.upper() for c in grid.columns]
    codes += [r["code"] for r in current["roles"] if r["code"] not in codes]
    mine = matrix_rows(grid)
    updates = []
    basis = None
    if matrix.template_version is not None and matrix.template_version < template.version:
        basis = TemplateVersion.objects.filter(template=template, number=matrix.template_version).first()
    if basis is not None:
        shared = [c.code.upper() for c in grid.columns]
        updates = drift.pending_updates(_drift_rows(basis.content), _drift_rows(current), mine, shared)
    dropped, added = drift.accepted_drift(_template_accepted(template), _matrix_accepted(matrix, grid))
    return Drift(
        template, drift.compare(mine, _drift_rows(current), codes), updates, matrix.template_version, dropped, added
    )


CREATOR_SUBJECT = "the matrix's creator"


def _template_accepted(template: Template) -> list[drift.AcceptedFinding]:
    return [
        drift.AcceptedFinding(
            str(a.get("rule", "")),
            str(a.get("activity") or a.get("role") or CREATOR_SUBJECT),
            str(a.get("reason", "")),
        )
        for a in template.acknowledgments or []
    ]


def _matrix_accepted(matrix: Matrix, grid: Grid) -> list[drift.AcceptedFinding]:
    """The matrix's acknowledgments that hold now, named as a template names them."""
    names = {a.id: a.name for a in grid.activities}
    codes = {c.role_id: c.code for c in grid.columns}
    return [
        drift.AcceptedFinding(
            f.rule,
            names.get(f.activity, "") if f.activity is not None else codes.get(f.role, CREATOR_SUBJECT),
            ack.reason,
        )
        for f, ack in grid.accepted
    ]


# --- staying live: what changed since a sequence number --------------------------------


@dataclass(slots=True)
class Change:
    seq: int
    kind: str
    activity_id: int | None
    role_id: int | None
    actor_id: int | None
    actor_name: str


def changes_since(*, matrix: Matrix, since: int, upto: int, limit: int = 100) -> list[Change]:
    """The change events after `since` up to `upto`, oldest first: at most `limit` + 1, so
    a caller can tell that more happened than it wants to replay."""
    rows = _CHANGES.rows(matrix_id=matrix.pk, since=since, upto=upto)[: limit + 1]
    return [
        Change(seq, kind, a, r, actor, f"{first} {last}".strip() or (username or ""))
        for seq, kind, a, r, actor, username, first, last in rows
    ]


# Polled by every open page: compiled once. At most 101 rows (a caller replays up to 100).
_CHANGES = Prepared(
    lambda matrix_id, since, upto: (
        ChangeEvent.objects.filter(matrix_id=matrix_id, seq__gt=since, seq__lte=upto)
        .order_by("seq")
        .values_list(
            "seq",
            "kind",
            "activity_id_ref",
            "role_id_ref",
            "actor_id",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
        )[:101]
    ),
    matrix_id=-2_000_000_041,
    since=2_000_000_042,
    upto=2_000_000_043,
)
_COLUMNS = Prepared(
    lambda matrix_id: (
        Column.objects.filter(matrix_id=matrix_id)
        .order_by("order", "id")
        .values_list("role_id", "role__code", "role__name", "order")
    ),
    matrix_id=-2_000_000_044,
)
_N_ACTIVITIES = Prepared(
    lambda matrix_id: (
        Activity.objects.filter(matrix_id=matrix_id)
        .order_by()
        .values("matrix_id")
        .annotate(n=Count("id"))
        .values_list("n")
    ),
    matrix_id=-2_000_000_045,
)


@dataclass(slots=True)
class CellsAround:
    """Some cells with everything their findings depend on: their rows (every column) and
    their columns (every activity's value), in a fixed number of queries."""

    columns: list[RoleColumn]
    activities: dict[int, ActivityRow]  # the rows of the cells, by id
    cells: dict[tuple[int, int], tuple[str, int]]  # every cell of those rows
    down: dict[int, list[tuple[int, str]]]  # role id -> (activity id, value) of its column's letters
    n_activities: int


def cells_around(*, matrix: Matrix, keys: list[tuple[int, int]]) -> CellsAround:
    """The work of k changed cells is their rows and columns, not the matrix."""
    activity_ids = {a for a, _ in keys}
    columns = [
        RoleColumn(role_id, code, name, "", order) for role_id, code, name, order in _COLUMNS.rows(matrix_id=matrix.pk)
    ]
    current = {c.role_id for c in columns}
    role_ids = {r for _, r in keys} & current
    activities: dict[int, ActivityRow] = {}
    cells: dict[tuple[int, int], tuple[str, int]] = {}
    for pk, name, phase, order, role_id, value, version in _fetch(
        Activity.objects.filter(matrix=matrix, id__in=activity_ids).values_list(
            "id", "name", "phase", "order", "cells__role_id", "cells__value", "cells__version"
        )
    ):
        activities.setdefault(pk, ActivityRow(pk, name, phase, "", order))
        if role_id in current:
            cells[(pk, role_id)] = (value, version)
    down: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if role_ids:
        for role_id, activity_id, value in _fetch(
            Cell.objects.filter(activity__matrix=matrix, role_id__in=role_ids)
            .exclude(value="")
            .values_list("role_id", "activity_id", "value")
        ):
            down[role_id].append((activity_id, value))
    n = _N_ACTIVITIES.rows(matrix_id=matrix.pk)
    return CellsAround(columns, activities, cells, down, n[0][0] if n else 0)


def activity_positions(*, matrix: Matrix) -> dict[int, int]:
    """Each activity's place in the grid's order: which page of a big matrix shows it."""
    rows = _fetch(Activity.objects.filter(matrix=matrix).values_list("id", "phase", "order"))
    phases = phase_list(workspace_id=matrix.workspace_id)
    ordered = sorted(rows, key=lambda r: (phases.order(r[1]), r[2], r[0]))
    return {pk: i for i, (pk, _, _) in enumerate(ordered)}


# --- the workspace's default matrix and template activities by key ----------------------------


def matrices_for_default(*, workspace_id: int) -> list[Matrix]:
    return list(
        Matrix.objects.filter(workspace_id=workspace_id).only("id", "name", "slug", "is_default").order_by("name")
    )


def default_matrix_of(*, workspace_id: int) -> Matrix | None:
    """The matrix the workspace named its default (launches without a matrix use it)."""
    return Matrix.objects.filter(workspace_id=workspace_id, is_default=True).first()


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One template activity, as a matrix takes it: letters by role code, and the template's
    name and description of each role it names."""

    key: str
    name: str
    phase: str
    description: str
    letters: dict[str, str]
    source: str
    roles: dict[str, tuple[str, str]]


def _row_of_spec(key: str) -> TemplateRow | None:
    from raci.builtin_templates import BUILTIN_TEMPLATES

    for spec in BUILTIN_TEMPLATES:  # the default (scale-up) template first
        for a in spec.activities:
            if a.key == key:
                return TemplateRow(
                    key,
                    a.name,
                    a.phase,
                    a.description,
                    dict(a.letters),
                    a.source,
                    {r.code: (r.name, r.description) for r in spec.roles},
                )
    return None


def template_activity_of(*, matrix: Matrix, key: str) -> TemplateRow | None:
    """The template activity `key` for the matrix: its own template's, else the default
    built-in template's (as seeded), else the built-in templates' as written."""
    for template in (
        Template.objects.filter(pk=matrix.template_id).first() if matrix.template_id else None,
        Template.objects.filter(workspace__isnull=True, is_default=True).first(),
    ):
        found = template and template.activities.filter(key=key).first()
        if found:
            return TemplateRow(
                key,
                found.name,
                found.phase,
                found.description,
                {str(c).upper(): v for c, v in (found.letters or {}).items() if v},
                found.source,
                {r.code.upper(): (r.name, r.description) for r in template.roles.all()},
            )
    return _row_of_spec(key)


def template_activity_name(key: str) -> str:
    """The built-in templates' name of the activity `key` ("Launch Readiness")."""
    row = _row_of_spec(key)
    return row.name if row else key


def activity_for_key(*, grid: Grid, key: str, name: str = "") -> ActivityRow | None:
    """The matrix's row for the template activity `key`: the one copied from it, else the
    one with the template activity's name (a matrix imported from a spreadsheet)."""
    name = (name or template_activity_name(key)).casefold()
    return next((a for a in grid.activities if a.template_key == key), None) or next(
        (a for a in grid.activities if a.name.casefold() == name), None
    )
