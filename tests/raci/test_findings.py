"""Rule evaluation beside the rules: one cell's row and column, and a few changed cells'
rows and columns, give the findings the whole-matrix check gives for them."""

from __future__ import annotations

import pytest

from raci import findings, rules
from raci.selectors import ActivityRow, CellNeighbourhood, CellsAround, RoleColumn

ROLES = [
    RoleColumn(10, "PM", "Product", "", 0),
    RoleColumn(20, "PMM", "Marketing", "", 1),
    RoleColumn(30, "ENG", "Engineering", "", 2),
]
ACTIVITIES = {
    1: ActivityRow(1, "Naming", "launch", "", 0),
    2: ActivityRow(2, "Pricing", "launch", "", 1),
    3: ActivityRow(3, "Docs", "launch", "", 2),
}
CELLS = {(1, 10): "A", (1, 20): "A", (2, 10): "AR", (2, 30): "C", (3, 30): "R"}


def _whole(cells):
    data = rules.MatrixData(
        activities=[rules.ActivityData(a.id, a.name, a.phase) for a in ACTIVITIES.values()],
        roles=[rules.RoleData(c.role_id, c.code, c.name) for c in ROLES],
        cells=cells,
    )
    return rules.check(data, rules.RuleSettings())


def _hood(activity_id, role_id):
    row = {c.role_id: (CELLS.get((activity_id, c.role_id), ""), 1) for c in ROLES}
    down = {a: CELLS.get((a, role_id), "") for a in ACTIVITIES}
    return CellNeighbourhood(
        ACTIVITIES[activity_id], next(c for c in ROLES if c.role_id == role_id), row, down, ROLES, len(ACTIVITIES)
    )


def _same(found, expected):
    return sorted((f.rule, f.activity, f.role) for f in found) == sorted((f.rule, f.activity, f.role) for f in expected)


@pytest.mark.parametrize(("activity_id", "role_id"), [(1, 10), (1, 20), (2, 30), (3, 10)])
def test_a_cells_row_and_column_find_what_the_whole_matrix_finds_there(activity_id, role_id):
    row, column = findings.neighbourhood_findings(_hood(activity_id, role_id), rules.RuleSettings(), role_id)
    whole = _whole(CELLS)
    assert _same(row, [f for f in whole if f.activity == activity_id])
    assert _same(column, [f for f in whole if f.role == role_id and f.activity is None])


def test_setting_the_cell_is_evaluated_as_if_saved():
    row, _ = findings.neighbourhood_findings(_hood(1, 20), rules.RuleSettings(), 20, "C")
    assert "two-accountable" not in {f.rule for f in row}
    assert _same(row, [f for f in _whole({**CELLS, (1, 20): "C"}) if f.activity == 1])


def test_changed_cells_rows_and_columns_find_what_the_whole_matrix_finds():
    around = CellsAround(
        ROLES,
        {1: ACTIVITIES[1], 3: ACTIVITIES[3]},
        {(a, r): (v, 1) for (a, r), v in CELLS.items() if a in (1, 3)},
        {r: [(a, v) for (a, rr), v in CELLS.items() if rr == r] for r in (10, 30)},
        len(ACTIVITIES),
    )
    whole = _whole(CELLS)
    for activity_id in (1, 3):
        assert _same(
            findings.around_row_findings(around, activity_id, rules.RuleSettings()),
            [f for f in whole if f.activity == activity_id],
        )
    for role_id in (10, 30):
        assert _same(
            findings.around_column_findings(around, role_id, rules.RuleSettings()),
            [f for f in whole if f.role == role_id and f.activity is None],
        )


def test_an_overloaded_role_is_named_with_its_message():
    busy = findings.overloaded_messages(
        role_id=1, code="PM", name="Product", values=["A"] * 8 + ["AR", "R"], n_activities=10, n_roles=4
    )
    calm = findings.overloaded_messages(role_id=1, code="PM", name="Product", values=["R"], n_activities=10, n_roles=4)
    assert len(busy) == 1 and "PM" in busy[0] and calm == []
