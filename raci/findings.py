"""Rule evaluation over what the selectors read: beside the rules, pure Python, no ORM.

The selectors (`raci.selectors`) fetch a matrix's grid, one cell's row and column
(`CellNeighbourhood`) or a few changed cells' rows and columns (`CellsAround`); the
functions here turn those into the rule engine's input and run `raci.rules` on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from raci import rules

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
    )


def grid_findings(grid: Grid, settings: rules.RuleSettings) -> list[rules.Finding]:
    return rules.check(grid_input(grid), settings)


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


def around_row_findings(around: CellsAround, activity_id: int, settings: rules.RuleSettings) -> list[rules.Finding]:
    """The findings of one changed cell's row (every column of it is in `around`)."""
    activity = around.activities[activity_id]
    roles = {c.role_id: rules.RoleData(c.role_id, c.code, c.name) for c in around.columns}
    row = {r: value for (a, r), (value, _) in around.cells.items() if a == activity_id and value and r in roles}
    return rules.row_findings(rules.ActivityData(activity.id, activity.name, activity.phase), row, roles, settings)


def around_column_findings(around: CellsAround, role_id: int, settings: rules.RuleSettings) -> list[rules.Finding]:
    """The findings of one changed cell's column (every activity's value is in `around`)."""
    column = next(c for c in around.columns if c.role_id == role_id)
    return rules.role_findings(
        rules.RoleData(column.role_id, column.code, column.name),
        around.down.get(role_id, []),
        around.n_activities,
        len(around.columns),
        settings,
    )


def overloaded_messages(
    *, role_id: int, code: str, name: str, values: Iterable[str], n_activities: int, n_roles: int
) -> list[str]:
    """The overloaded-role findings of one role in one matrix, as messages (the people page)."""
    found = rules.role_findings(rules.RoleData(role_id, code, name), values, n_activities, n_roles)
    return [f.message for f in found if f.rule == "overloaded-role"]
