"""Writes to matrices, one module a topic: the one front door. Every change to a matrix goes
through here, whoever makes it (the grid, a paste, a fix, undo and redo, a template, a
workshop's settlement, an import, the API): it takes the matrix's write lock
(`raci.changelog.lock`), checks, saves, and records a ChangeEvent in the same transaction.
Cells are written by `cells` alone (`cell_set` for one, `cells_set` for many as one group),
which reads their letters with `raci.letters` and keeps the finding counts. Errors are
`core.errors`; the response layer turns them into statuses.
"""

from raci.services.acknowledgments import (
    FindingRef,
    acknowledgments_from_template,
    acknowledgments_lapse,
    finding_acknowledge,
    finding_withdraw,
)
from raci.services.cells import CellChange, CellResult, cell_set, cells_set, matrix_recount, parse_value
from raci.services.decisions import decision_add, decision_delete, decision_update
from raci.services.fixes import fix_apply, role_handover
from raci.services.matrices import (
    RESERVED_MATRIX_SLUGS,
    hand_over_raci,
    matrix_contents_replace,
    matrix_create,
    matrix_delete,
    matrix_mark_reviewed,
    matrix_set_default,
    matrix_set_owner,
    matrix_update,
    template_from_matrix,
)
from raci.services.paste import cells_paste
from raci.services.structure import (
    activity_add,
    activity_delete,
    activity_move,
    activity_restore,
    activity_split,
    activity_update,
    column_add,
    column_move,
    column_remove,
    column_restore,
)
from raci.services.templates import (
    activity_from_template,
    row_reset_to_template,
    template_snapshot,
    template_update_take,
    template_updates_dismiss,
)
from raci.services.undo import group_undo, own_changes, redo_last, undo_last

__all__ = [
    "CellChange",
    "CellResult",
    "FindingRef",
    "acknowledgments_from_template",
    "acknowledgments_lapse",
    "finding_acknowledge",
    "finding_withdraw",
    "RESERVED_MATRIX_SLUGS",
    "activity_add",
    "activity_delete",
    "activity_from_template",
    "activity_move",
    "activity_restore",
    "activity_split",
    "activity_update",
    "cell_set",
    "cells_paste",
    "cells_set",
    "column_add",
    "column_move",
    "column_remove",
    "column_restore",
    "decision_add",
    "decision_delete",
    "decision_update",
    "fix_apply",
    "group_undo",
    "hand_over_raci",
    "matrix_contents_replace",
    "matrix_create",
    "matrix_delete",
    "matrix_mark_reviewed",
    "matrix_recount",
    "matrix_set_default",
    "matrix_set_owner",
    "matrix_update",
    "own_changes",
    "parse_value",
    "redo_last",
    "role_handover",
    "row_reset_to_template",
    "template_from_matrix",
    "template_snapshot",
    "template_update_take",
    "template_updates_dismiss",
    "undo_last",
]
