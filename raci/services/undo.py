"""Undo from the grid: the person's own last change to a matrix, then the one before, and so
on (the stack is the change log itself, so it survives reloads and other devices)."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidInput
from raci import changelog
from raci.models import Matrix


@transaction.atomic
def undo_last(*, matrix: Matrix, actor) -> changelog.GroupResult:
    """Undo `actor`'s newest change to `matrix` that is not undone yet (a cell edit, or a group
    such as a paste or a fix), recorded as a group of its own ("Undo: ...").

    Refused like a stale edit (`StaleChanges`, naming who changed what) when someone else
    changed what it touched since; `InvalidInput` when there is nothing to undo or the change
    is of a kind that undo cannot revert (renames, moves, removed rows: see the history).
    """
    changelog.lock(matrix=matrix, bump=False)
    stack = changelog.own_changes(matrix=matrix, actor=actor, limit=1)
    if not stack:
        raise InvalidInput("Nothing to undo: you have no change in this matrix that is not undone already.")
    key = changelog.unit_key(stack[0])
    events = changelog.group_events(matrix=matrix, group=key)
    if changelog.not_undoable(e.kind for e in events):
        raise InvalidInput(
            f"Your last change, “{changelog.unit_label(events[0])}”, cannot be undone here: change it "
            "back by hand (the history restores removed activities and columns)."
        )
    return changelog.group_undo(matrix=matrix, group=key, actor=actor)


@transaction.atomic
def redo_last(*, matrix: Matrix, actor) -> changelog.GroupResult:
    """Take back `actor`'s newest undo in `matrix` (recorded as "Redo: ..."), as long as they
    changed nothing else since; repeatable down their run of undos. Refused like `undo_last`
    when someone else changed what it touches since."""
    changelog.lock(matrix=matrix, bump=False)
    event = changelog.own_redo(matrix=matrix, actor=actor)
    if event is None:
        raise InvalidInput("Nothing to redo: redo takes back your undos until you change something else.")
    return changelog.group_undo(matrix=matrix, group=changelog.unit_key(event), actor=actor)
