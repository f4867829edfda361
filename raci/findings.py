"""Rule evaluation over what the selectors read: beside the rules, pure Python, no ORM.

The selectors (`raci.selectors`) fetch a matrix's grid, one cell's row and column
(`CellNeighbourhood`) or a few changed cells' rows and columns (`CellsAround`); the
functions here turn those into the rule engine's input and run `raci.rules` on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from raci import acknowledgments, rules

if TYPE_CHECKING:
    from raci.selectors import CellNeighbourhood, CellsAround, Grid


def grid_input(grid: Grid) -> rules.MatrixData:
    """A whole grid as the rule engine reads it."""
    return rules.MatrixData(
        activities=[rules.ActivityData(a.id, a.name, a.phase) for a in grid.activities],
        roles=[rules.RoleData(c.role_id, c.code, c.name) for c in grid.columns],
        cells={key: value for key, (value, _) in grid.cells.items() if value},
        holders={c.role_id: c.holder_ids for c in grid.columns},
        people={pk: rules.PersonData(pk, name) for pk, name in grid.people.items()},
        phase_drivers=grid.phase_list.drivers(),
        phase_names={p.key: p.name for p in grid.phase_list},
    )


def grid_findings(grid: Grid, settings: rules.RuleSettings) -> list[rules.Finding]:
    return rules.check(grid_input(grid), settings)


def grid_checked(
    grid: Grid, settings: rules.RuleSettings, acknowledged: Mapping
) -> tuple[list[rules.Finding], list[tuple[rules.Finding, acknowledgments.Acknowledgment]]]:
    """The grid's findings that count, and those accepted on purpose (`raci.acknowledgments`)."""
    data = grid_input(grid)
    return acknowledgments.check_acknowledged(rules.check(data, settings), data, acknowledged)


@dataclass(slots=True)
class Around:
    """One cell's row and column findings, those that count, with how many are accepted."""

    row: list[rules.Finding]
    column: list[rules.Finding] | None
    accepted: int = 0


def neighbourhood_checked(
    hood: CellNeighbourhood,
    settings: rules.RuleSettings,
    role_id: int,
    value: str | None = None,
    *,
    acknowledged: Mapping,
) -> Around:
    """`neighbourhood_findings` less the findings accepted on purpose: a row's
    acknowledgment is checked against the row's letters, a column's against the column's
    (so a column with one needs its letters read: see `raci.services.cells`)."""
    row_found, column_found = neighbourhood_findings(hood, settings, role_id, value)
    if not acknowledged:
        return Around(row_found, column_found)
    row = {rid: v for rid, (v, _) in hood.row.items() if v}
    down = dict(hood.down) if hood.down is not None else {}
    if value is not None:
        row.pop(role_id, None)
        if value:
            row[role_id] = value
        down[hood.activity.id] = value
    row_print = acknowledgments.row_fingerprint(row)
    column_print = acknowledgments.column_fingerprint(down)
    row_open, row_accepted = acknowledgments.partition(row_found, acknowledged, lambda f: row_print)
    if column_found is None:
        return Around(row_open, None, len(row_accepted))
    column_open, column_accepted = acknowledgments.partition(column_found, acknowledged, lambda f: column_print)
    return Around(row_open, column_open, len(row_accepted) + len(column_accepted))


def neighbourhood_findings(
    hood: CellNeighbourhood, settings: rules.RuleSettings, role_id: int, value: str | None = None
) -> tuple[list[rules.Finding], list[rules.Finding] | None]:
    """The row's and the column's findings through one cell, with the cell set to `value`
    if given; the column's are None when the neighbourhood has no column (it was not read,
    since the edit cannot change it)."""
    activity = hood.activity
    roles_by_key = {c.role_id: rules.RoleData(c.role_id, c.code, c.name) for c in hood.columns}
    row = {rid: v for rid, (v, _) in hood.row.items() if v}
    if value is not None:
        row.pop(role_id, None)
        if value:
            row[role_id] = value
    row_found = rules.row_findings(
        rules.ActivityData(activity.id, activity.name, activity.phase), row, roles_by_key, settings
    )
    if hood.down is None:
        return row_found, None
    down = dict(hood.down)
    if value is not None:
        down[activity.id] = value
    column_found = rules.role_findings(
        roles_by_key[role_id], (v for v in down.values() if v), hood.n_activities, len(hood.columns), settings
    )
    return row_found, column_found


def around_row_findings(
    around: CellsAround,
    activity_id: int,
    settings: rules.RuleSettings,
    acknowledged: Mapping | None = None,
) -> list[rules.Finding]:
    """The findings of one changed cell's row (every column of it is in `around`) that
    count: less those accepted on purpose."""
    activity = around.activities[activity_id]
    roles = {c.role_id: rules.RoleData(c.role_id, c.code, c.name) for c in around.columns}
    row = {r: value for (a, r), (value, _) in around.cells.items() if a == activity_id and value and r in roles}
    found = rules.row_findings(rules.ActivityData(activity.id, activity.name, activity.phase), row, roles, settings)
    if not acknowledged:
        return found
    fingerprint = acknowledgments.row_fingerprint(row)
    return acknowledgments.partition(found, acknowledged, lambda f: fingerprint)[0]


def around_column_findings(
    around: CellsAround,
    role_id: int,
    settings: rules.RuleSettings,
    acknowledged: Mapping | None = None,
) -> list[rules.Finding]:
    """The findings of one changed cell's column (every activity's value is in `around`)
    that count."""
    column = next(c for c in around.columns if c.role_id == role_id)
    found = rules.role_findings(
        rules.RoleData(column.role_id, column.code, column.name),
        [v for _, v in around.down.get(role_id, [])],
        around.n_activities,
        len(around.columns),
        settings,
    )
    if not acknowledged:
        return found
    fingerprint = acknowledgments.column_fingerprint(dict(around.down.get(role_id, [])))
    return acknowledgments.partition(found, acknowledged, lambda f: fingerprint)[0]


def overloaded_messages(
    *, role_id: int, code: str, name: str, values: Iterable[str], n_activities: int, n_roles: int
) -> list[str]:
    """The overloaded-role findings of one role in one matrix, as messages (the people page)."""
    found = rules.role_findings(rules.RoleData(role_id, code, name), values, n_activities, n_roles)
    return [f.message for f in found if f.rule == "overloaded-role"]
