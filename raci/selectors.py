"""Reads. `matrix_grid` loads everything a matrix page needs in two queries, whatever
the matrix's size, and returns plain data that the rule engine and the renderer share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from . import rules
from .models import Activity, ChangeEvent, Column, Matrix, Membership, Role, Template
from .phases import PHASE_LABELS, PHASE_ORDER


@dataclass(slots=True)
class ActivityRow:
    id: int
    name: str
    phase: str
    description: str
    order: int

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]


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
    findings: list[rules.Finding] = field(default_factory=list)

    def rule_input(self) -> rules.MatrixData:
        return rules.MatrixData(
            activities=[rules.ActivityData(a.id, a.name, a.phase) for a in self.activities],
            roles=[rules.RoleData(c.role_id, c.code, c.name) for c in self.columns],
            cells={key: value for key, (value, _) in self.cells.items() if value},
            holders={c.role_id: c.holder_ids for c in self.columns},
            people={pk: rules.PersonData(pk, name) for pk, name in self.people.items()},
        )

    def recheck(self) -> None:
        self.findings = rules.check(self.rule_input(), self.matrix.rule_settings)

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
        """Activities grouped by phase, in lifecycle order: (phase, label, rows)."""
        groups: dict[str, list[ActivityRow]] = defaultdict(list)
        for activity in self.activities:
            groups[activity.phase].append(activity)
        return [(phase, PHASE_LABELS[phase], groups[phase]) for phase in sorted(groups, key=PHASE_ORDER.__getitem__)]


def matrix_grid(*, matrix: Matrix, check: bool = True) -> Grid:
    """The matrix's rows, columns, letters and role holders, in two queries."""
    activities: dict[int, ActivityRow] = {}
    cells: dict[tuple[int, int], tuple[str, int]] = {}
    rows = (
        Activity.objects.filter(matrix=matrix)
        .order_by("order", "id")
        .values_list("id", "name", "phase", "description", "order", "cells__role_id", "cells__value", "cells__version")
    )
    for pk, name, phase, description, order, role_id, value, version in rows:
        if pk not in activities:
            activities[pk] = ActivityRow(pk, name, phase, description, order)
        if role_id is not None:
            cells[(pk, role_id)] = (value, version)
    ordered = sorted(activities.values(), key=lambda a: (PHASE_ORDER[a.phase], a.order, a.id))

    columns: dict[int, RoleColumn] = {}
    people: dict[int, str] = {}
    column_rows = (
        Column.objects.filter(matrix=matrix)
        .order_by("order", "id")
        .values_list("role_id", "role__code", "role__name", "role__description", "order",
                     "role__holders__membership_id", "role__holders__membership__user__username",
                     "role__holders__membership__user__first_name", "role__holders__membership__user__last_name")
    )
    for role_id, code, name, description, order, member_id, username, first, last in column_rows:
        column = columns.get(role_id)
        if column is None:
            column = columns[role_id] = RoleColumn(role_id, code, name, description, order)
        if member_id is not None:
            column.holder_ids.append(member_id)
            people[member_id] = f"{first} {last}".strip() or username
    # Only cells of the matrix's current columns count; a removed column's letters stay
    # in the database for history but do not show.
    cells = {key: value for key, value in cells.items() if key[1] in columns}
    grid = Grid(matrix, ordered, list(columns.values()), cells, people)
    if check:
        grid.recheck()
    return grid


def matrix_rule_input(matrix: Matrix) -> tuple[rules.MatrixData, rules.RuleSettings]:
    """What `raci_check` lints for a saved matrix."""
    return matrix_grid(matrix=matrix, check=False).rule_input(), matrix.rule_settings


def workspaces_of(*, user) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name"))


def matrices_of(*, workspace) -> list[Matrix]:
    return list(
        Matrix.objects.filter(workspace=workspace)
        .annotate(n_activities=Count("activities", distinct=True), n_columns=Count("columns", distinct=True))
        .select_related("owner")
        .order_by("name")
    )


def members_of(*, workspace) -> list[Membership]:
    return list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .prefetch_related("held_roles__role")
        .order_by("user__username")
    )


def roles_of(*, workspace) -> list[Role]:
    return list(
        Role.objects.filter(workspace=workspace)
        .prefetch_related("holders__membership__user")
        .annotate(n_matrices=Count("columns", distinct=True))
        .order_by("code")
    )


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
