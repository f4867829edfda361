"""Reads, one module a topic (`cells`, `history`, `matrices`, `people`, `templates`); the grid's
types are `raci.grid`'s. Every public name is importable from here."""

from raci.grid import COLUMN_LETTERS, ActivityRow, CellNeighbourhood, CellsAround, Grid, RoleColumn
from raci.selectors.cells import (
    activity_positions,
    cell_last_change,
    cell_neighbourhood,
    cells_around,
    matrix_grid,
    matrix_rule_input,
    person_view,
)
from raci.selectors.history import KIND_LABELS, Change, changes_since, matrix_history
from raci.selectors.matrices import (
    decision_counts,
    decisions_due,
    decisions_of,
    default_matrix_of,
    matrices_for_default,
    matrices_of,
    templates_for,
)
from raci.selectors.people import PersonLoad, raci_holdings, raci_role_uses, workload, workload_letters
from raci.selectors.templates import (
    CREATOR_SUBJECT,
    Drift,
    TemplateRow,
    activity_for_key,
    matrix_rows,
    template_activity_name,
    template_activity_of,
    template_content,
    template_drift,
    template_letters,
)

__all__ = [
    "COLUMN_LETTERS",
    "ActivityRow",
    "CellNeighbourhood",
    "CellsAround",
    "Grid",
    "RoleColumn",
    "matrix_grid",
    "cell_neighbourhood",
    "matrix_rule_input",
    "cell_last_change",
    "person_view",
    "cells_around",
    "activity_positions",
    "KIND_LABELS",
    "matrix_history",
    "Change",
    "changes_since",
    "matrices_of",
    "templates_for",
    "decisions_of",
    "decisions_due",
    "decision_counts",
    "matrices_for_default",
    "default_matrix_of",
    "PersonLoad",
    "workload",
    "workload_letters",
    "raci_holdings",
    "raci_role_uses",
    "template_content",
    "matrix_rows",
    "template_letters",
    "Drift",
    "template_drift",
    "CREATOR_SUBJECT",
    "TemplateRow",
    "template_activity_of",
    "template_activity_name",
    "activity_for_key",
]
