"""Reads of a matrix's cells: the whole grid (`matrix_grid`, three queries whatever the
matrix's size), one cell's row and column (`cell_neighbourhood`), a few changed cells' rows
and columns (`cells_around`), as the plain data of `raci.grid`."""

from __future__ import annotations

import functools
from collections import defaultdict

from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
)

from core.prepared import Prepared
from raci import rules
from raci.grid import COLUMN_LETTERS, ActivityRow, CellNeighbourhood, CellsAround, Grid, Relay, RoleColumn
from raci.models import (
    Activity,
    Cell,
    ChangeEvent,
    Column,
    Matrix,
)
from workspaces.models import Phase
from workspaces.phases import LIFECYCLE, PhaseList
from workspaces.team_phases import phase_list


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


def _neighbourhood_query(matrix_id, activity_id, role_id, *, column_if_held: bool):
    """One query, four parts, told apart by their first value: 0, the row (every column,
    with the cell in this activity); 1, the column (every activity's letter and phase in
    this role); 2, the activity itself with the matrix's number of activities; 3, the
    workspace's phases with who drives each (for the column's relay rule).

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
    held = Exists(Cell.objects.filter(activity_id=activity_id, role_id=role_id, value__in=COLUMN_LETTERS))
    if column_if_held:
        column = column.filter(held)
    no_text = Value(None, output_field=CharField())
    column = (
        column.order_by()
        .annotate(part=Value(1), no_name=no_text, here_value=Subquery(letter), here_version=Value(0))
        .values_list("part", "id", "no_name", "phase", "order", "here_value", "here_version")
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
    # 3, the workspace's phases with who drives each (none stored: the lifecycle's relay).
    workspace = Matrix.objects.filter(pk=matrix_id).values("workspace_id")[:1]
    phases = Phase.objects.filter(workspace_id=Subquery(workspace))
    if column_if_held:  # read with the column only: the relay is a column's rule
        phases = phases.filter(held)
    phases = (
        phases.order_by()
        .annotate(part=Value(3), no_version=Value(0))
        .values_list("part", "id", "key", "driver", "position", "name", "no_version")
    )
    return row.union(column, activity, phases, all=True).order_by()


_MARKERS = {"matrix_id": -2_000_000_001, "activity_id": -2_000_000_002, "role_id": -2_000_000_004}
_NEIGHBOURHOOD = Prepared(functools.partial(_neighbourhood_query, column_if_held=False), **_MARKERS)
_NEIGHBOURHOOD_IF_HELD = Prepared(functools.partial(_neighbourhood_query, column_if_held=True), **_MARKERS)


def cell_neighbourhood(*, matrix: Matrix, activity_id: int, role_id: int, column: bool = True) -> CellNeighbourhood:
    """The row through one cell and its column, in one query of one row per column and
    one per activity.

    `column=False` is for an edit to a letter outside COLUMN_LETTERS: the column is then
    read only if the cell holds one of them now (`down` is None when it was not read)."""
    query = _NEIGHBOURHOOD if column else _NEIGHBOURHOOD_IF_HELD
    columns, row, down, phase_of, stored = [], {}, {}, {}, []
    activity, n = None, 0
    for part, pk, text, more, order, value, version in query.rows(
        matrix_id=matrix.pk, activity_id=activity_id, role_id=role_id
    ):
        if part == 0:
            columns.append(RoleColumn(pk, text, more, "", order))
            row[pk] = (value or "", version or 0)
        elif part == 1:
            down[pk] = value or ""
            phase_of[pk] = more
        elif part == 2:
            activity, n = ActivityRow(pk, text, more, "", order), version
        else:
            stored.append((order, pk, text, value, more))
    columns.sort(key=lambda c: (c.order, c.role_id))
    here = next((c for c in columns if c.role_id == role_id), None)
    if not column and row.get(role_id, ("", 0))[0] not in COLUMN_LETTERS:
        return CellNeighbourhood(activity, here, row, None, columns, n)
    phases = PhaseList([(key, name, driver, "") for _, _, key, name, driver in sorted(stored)] or list(LIFECYCLE))
    return CellNeighbourhood(activity, here, row, down, columns, n, phase_of, Relay.of(phases))


def matrix_rule_input(matrix: Matrix) -> tuple[rules.MatrixData, rules.RuleSettings]:
    """What `raci_check` lints for a saved matrix."""
    return matrix_grid(matrix=matrix, check=False).rule_input(), matrix.rule_settings


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


_COLUMNS = Prepared(
    lambda matrix_id: (
        Column.objects.filter(matrix_id=matrix_id)
        .order_by("order", "id")
        .values_list("role_id", "role__code", "role__name", "order")
    ),
    matrix_id=-2_000_000_044,
)
_PHASE_SIZES = Prepared(
    lambda matrix_id: (
        Activity.objects.filter(matrix_id=matrix_id)
        .order_by()
        .values("phase")
        .annotate(n=Count("id"))
        .values_list("phase", "n")
    ),
    matrix_id=-2_000_000_045,
)


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
    phase_of = {pk: a.phase for pk, a in activities.items()}
    sizes = _PHASE_SIZES.rows(matrix_id=matrix.pk)
    around = CellsAround(columns, activities, cells, down, sum(n for _, n in sizes), role_ids, phase_of)
    if role_ids:
        for role_id, activity_id, value, phase in _fetch(
            Cell.objects.filter(activity__matrix=matrix, role_id__in=role_ids)
            .exclude(value="")
            .values_list("role_id", "activity_id", "value", "activity__phase")
        ):
            down[role_id].append((activity_id, value))
            phase_of[activity_id] = phase
        # A column's `idle-driver` also needs the phases with activities and who drives them.
        phases = phase_list(workspace_id=matrix.workspace_id)
        present = {phase for phase, _ in sizes}
        around.phases = sorted(present, key=phases.order)
        around.relay = Relay.of(phases)
    return around


def activity_positions(*, matrix: Matrix) -> dict[int, int]:
    """Each activity's place in the grid's order: which page of a big matrix shows it."""
    rows = _fetch(Activity.objects.filter(matrix=matrix).values_list("id", "phase", "order"))
    phases = phase_list(workspace_id=matrix.workspace_id)
    ordered = sorted(rows, key=lambda r: (phases.order(r[1]), r[2], r[0]))
    return {pk: i for i, (pk, _, _) in enumerate(ordered)}
