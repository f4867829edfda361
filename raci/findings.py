"""Rule evaluation over what the selectors read: beside the rules, pure Python, no ORM.

The selectors (`raci.selectors`) fetch one cell's row and column (`CellNeighbourhood`) or a
few changed cells' rows and columns (`CellsAround`), types of `raci.grid`; the functions here
run `raci.rules` on them (a whole `raci.grid.Grid` checks itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from raci import acknowledgments, rules
from raci.grid import CellNeighbourhood, CellsAround


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
    if hood.relay is not None:
        letters = ((hood.phases.get(a, ""), v) for a, v in down.items())
        column_found += hood.relay.column_findings(roles_by_key[role_id], letters, hood.phases.values())
    return row_found, column_found


def _around_row(
    around: CellsAround, activity_id: int, settings: rules.RuleSettings, acknowledged: Mapping | None
) -> tuple[list[rules.Finding], int]:
    activity = around.activities[activity_id]
    roles = {c.role_id: rules.RoleData(c.role_id, c.code, c.name) for c in around.columns}
    row = {r: value for (a, r), (value, _) in around.cells.items() if a == activity_id and value and r in roles}
    found = rules.row_findings(rules.ActivityData(activity.id, activity.name, activity.phase), row, roles, settings)
    if not acknowledged:
        return found, 0
    fingerprint = acknowledgments.row_fingerprint(row)
    counted, accepted = acknowledgments.partition(found, acknowledged, lambda f: fingerprint)
    return counted, len(accepted)


def _around_column(
    around: CellsAround, role_id: int, settings: rules.RuleSettings, acknowledged: Mapping | None
) -> tuple[list[rules.Finding], int]:
    column = next(c for c in around.columns if c.role_id == role_id)
    role = rules.RoleData(column.role_id, column.code, column.name)
    letters = around.down.get(role_id, [])
    found = rules.role_findings(role, [v for _, v in letters], around.n_activities, len(around.columns), settings)
    if around.relay is not None:
        phased = ((around.phase_of.get(a, ""), v) for a, v in letters)
        found += around.relay.column_findings(role, phased, around.phases)
    if not acknowledged:
        return found, 0
    fingerprint = acknowledgments.column_fingerprint(dict(around.down.get(role_id, [])))
    counted, accepted = acknowledgments.partition(found, acknowledged, lambda f: fingerprint)
    return counted, len(accepted)


def around_row_findings(
    around: CellsAround,
    activity_id: int,
    settings: rules.RuleSettings,
    acknowledged: Mapping | None = None,
) -> list[rules.Finding]:
    """The findings of one changed cell's row (every column of it is in `around`) that
    count: less those accepted on purpose."""
    return _around_row(around, activity_id, settings, acknowledged)[0]


def around_column_findings(
    around: CellsAround,
    role_id: int,
    settings: rules.RuleSettings,
    acknowledged: Mapping | None = None,
) -> list[rules.Finding]:
    """The findings of one changed cell's column (every activity's value is in `around`)
    that count."""
    return _around_column(around, role_id, settings, acknowledged)[0]


def around_counts(around: CellsAround, settings: rules.RuleSettings, acknowledged: Mapping) -> dict[str, int]:
    """How many findings of the changed cells' rows and columns count, by severity, and how
    many are accepted on purpose ("acknowledged"): the part of a matrix's counts that
    changing those cells can move (a cell's findings are its row's and its column's)."""
    found: list[rules.Finding] = []
    accepted = 0
    for activity_id in around.activities:
        counted, n = _around_row(around, activity_id, settings, acknowledged)
        found += counted
        accepted += n
    current = {c.role_id for c in around.columns}
    for role_id in around.role_ids:
        if role_id in current:
            counted, n = _around_column(around, role_id, settings, acknowledged)
            found += counted
            accepted += n
    return {**rules.count_by_severity(found), "acknowledged": accepted}


def overloaded_messages(
    *, role_id: int, code: str, name: str, values: Iterable[str], n_activities: int, n_roles: int
) -> list[str]:
    """The overloaded-role findings of one role in one matrix, as messages (the people page)."""
    found = rules.role_findings(rules.RoleData(role_id, code, name), values, n_activities, n_roles)
    return [f.message for f in found if f.rule == "overloaded-role"]
