"""Applying a finding's fix or a role handover as one recorded group of changes."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidInput, NotFound
from raci import changelog, fixes, selectors
from raci.models import (
    Matrix,
)
from raci.selectors import matrix_grid
from raci.services.cells import CellChange, cells_set
from raci.services.structure import column_remove


def _finding(grid, rule: str, activity_id: int | None, role_id: int | None):
    return next((f for f in grid.findings if f.rule == rule and f.activity == activity_id and f.role == role_id), None)


@transaction.atomic
def fix_apply(
    *, matrix: Matrix, rule: str, activity_id: int | None, role_id: int | None, code: str, since: int, actor
) -> changelog.GroupResult:
    """Apply one of a finding's fixes (raci.fixes) as one group "Fix: <label>", undoable
    from the history. `since` is the matrix's sequence number when the person saw the
    preview: if the row (or the column, for a role's finding) changed after it, the fix is
    refused with what changed (`StaleChanges`), like a stale cell edit."""
    changelog.lock(matrix=matrix, bump=False)
    activity_ids, role_ids = ([activity_id] if activity_id else []), ([role_id] if role_id else [])
    grid = matrix_grid(matrix=matrix)
    finding = _finding(grid, rule, activity_id, role_id)
    if finding is None:
        changelog.refuse_if_changed(
            matrix=matrix, since=since, what="The fix", activity_ids=activity_ids, role_ids=role_ids
        )
        raise InvalidInput("That finding is gone already: there is nothing to fix.")
    fix = next(
        (
            f
            for f in fixes.fixes_for(
                finding,
                grid.rule_input(),
                settings=matrix.rule_settings,
                template=selectors.template_letters(matrix=matrix),
            )
            if f.code == code
        ),
        None,
    )
    if fix is None or not fix.is_change:
        raise InvalidInput("That fix does not apply to this finding any more.")
    label = f"Fix: {fix.label}"
    changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=activity_ids, role_ids=role_ids)
    with changelog.changes_group(matrix=matrix, label=label) as group:
        changed = cells_set(
            matrix=matrix,
            actor=actor,
            label=label,
            changes=[CellChange(a, r, after) for a, r, _, after in fix.changes],
        ).changed
        if fix.remove_role is not None:
            column_remove(matrix=matrix, role_id=fix.remove_role, actor=actor)
            changed += 1
        return changelog.GroupResult(group.id, group.label, changed)


@transaction.atomic
def role_handover(*, matrix: Matrix, role_id: int, moves: dict[int, int], since: int, actor) -> changelog.GroupResult:
    """Hand the A of some activities from one role to others (activity id -> new owner's
    role id), as one group; refused if the role's column changed after `since`."""
    changelog.lock(matrix=matrix, bump=False)
    grid = matrix_grid(matrix=matrix, check=False)
    column = grid.column(role_id)
    if column is None:
        raise NotFound("That role is no longer a column of the matrix.")
    if not moves:
        raise InvalidInput("Pick at least one activity and the role that takes it over.", "moves")
    label = f"Hand over {len(moves)} of {column.code}'s A's"
    changelog.refuse_if_changed(matrix=matrix, since=since, what=label, role_ids=[role_id], activity_ids=list(moves))
    roles = {c.role_id for c in grid.columns}
    changes = []
    for activity_id, to_role in moves.items():
        if grid.activity(activity_id) is None or to_role not in roles or to_role == role_id:
            raise InvalidInput("Hand each activity to another role of the matrix.", "moves")
        row = {r: v for (a, r), (v, _) in grid.cells.items() if a == activity_id and v}
        if row.get(role_id) not in ("A", "AR"):
            raise InvalidInput(f"{column.code} is not accountable for that activity any more.", "moves")
        after = fixes.handover_letters(row, from_role=role_id, to_role=to_role)
        changes += [CellChange(activity_id, r, after.get(r, "")) for r in {*row, *after}]
    return cells_set(matrix=matrix, changes=changes, actor=actor, label=label)
