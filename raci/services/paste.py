"""A block of letters pasted into the grid from a spreadsheet: checked like an import, written
as one group, or refused whole."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidInput, NotFound
from raci import changelog, limits, tabular
from raci.models import Matrix
from raci.selectors import matrix_grid
from raci.services.cells import CellChange, cells_set


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@transaction.atomic
def cells_paste(
    *, matrix: Matrix, activity_id: int, role_id: int, text: str, since: int, actor
) -> changelog.GroupResult:
    """Fill the block of `text` (tab-separated lines) into the grid from the cell (activity,
    role) rightwards and downwards, in the grid's order, as one group "Paste of 2×3 cells".

    Every value is read with the CSV contract's letter parser. Refused whole (`InvalidInput`,
    field "text") when the text is not a block, a value is not a RACI value (naming its row,
    column and value) or the block runs past the grid's edge; refused (`StaleChanges`) when
    someone else changed one of its cells after sequence number `since`; `NotFound` when the
    starting cell is no longer in the matrix.
    """
    block = tabular.parse_block(text)
    if block.problem:
        raise InvalidInput(block.problem, "text")
    changelog.lock(matrix=matrix, bump=False)
    grid = matrix_grid(matrix=matrix, check=False)
    row_at = next((i for i, a in enumerate(grid.activities) if a.id == activity_id), None)
    column_at = next((i for i, c in enumerate(grid.columns) if c.role_id == role_id), None)
    if row_at is None or column_at is None:
        raise NotFound("That activity or role is no longer in the matrix.")
    n_rows, n_columns = block.size
    if n_rows * n_columns > limits.LIMITS.paste_cells:
        raise InvalidInput(
            f"A paste fills at most {limits.number(limits.LIMITS.paste_cells)} cells and this block has "
            f"{limits.number(n_rows * n_columns)} ({n_rows}×{n_columns}): nothing was pasted. Paste it in parts, "
            "or import the spreadsheet.",
            "text",
        )
    rows = grid.activities[row_at : row_at + n_rows]
    columns = grid.columns[column_at : column_at + n_columns]
    start = f"“{rows[0].name}” × {columns[0].code}"
    if len(rows) < n_rows or len(columns) < n_columns:
        raise InvalidInput(
            f"The pasted block is {_plural(n_rows, 'row')} by {_plural(n_columns, 'column')}, but from {start} the "
            f"matrix has {_plural(len(rows), 'row')} and {_plural(len(columns), 'column')} to its edge: nothing "
            "was pasted. Start the paste further up or left, or paste a smaller block.",
            "text",
        )
    if block.bad:
        first = block.bad[0]
        message = (
            f"“{first.value}” in row “{rows[first.row].name}”, column {columns[first.column].code} is not a "
            f"RACI value; use {tabular.VALID_VALUES_TEXT}. Nothing was pasted."
        )
        if len(block.bad) > 1:
            message += f" {_plural(len(block.bad) - 1, 'more value')} of the block {'is' if len(block.bad) == 2 else 'are'} not valid either."
        raise InvalidInput(message, "text")
    label = f"Paste of {n_rows}×{n_columns} cells"
    changes = [
        CellChange(a.id, c.role_id, value) for a, line in zip(rows, block.values) for c, value in zip(columns, line)
    ]
    changelog.refuse_if_changed(
        matrix=matrix, since=since, what=label, others_than=actor, cells=[(c.activity_id, c.role_id) for c in changes]
    )
    return cells_set(matrix=matrix, changes=changes, actor=actor, label=label)
