"""Undo and redo: of any change group from the history (`group_undo`), and from the grid the
person's own last change to a matrix, then the one before, and so on (`undo_last`,
`redo_last`: the stack is the change log itself, so it survives reloads and other devices).

An undo is a change group of its own ("Undo: ..."), written through the same cell writes as
any other (`raci.services.cells`), so it can itself be undone (a redo)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from core.errors import InvalidInput, NotFound
from raci import changelog, dependents
from raci.models import Activity, Cell, ChangeEvent, Column, Matrix
from raci.selectors import changes_since
from raci.services.cells import CellChange, cells_write, matrix_recount
from raci.services.structure import activity_snapshot
from workspaces.models import Role

# Kinds `group_undo` knows how to revert; a group holding any other kind is refused.
UNDOABLE = frozenset({"cell", "activity.split", "activity.add", "column.remove", "column.add", "undo"})
# What an undo itself records (removing the row it had added, renaming a split row back,
# making a row again): reverted when the undo is undone, so redo is never refused for it.
UNDO_RECORDS = frozenset({"activity.delete", "activity.update", "activity.restore"})

# Kinds the services that write them know how to revert (`reverts`): acknowledgments.
_REVERTERS: dict[str, Callable[[Matrix, ChangeEvent, object], None]] = {}


def reverts(kind: str):
    """Register the function that reverts events of `kind` (matrix, event, actor): undo
    then handles groups holding them like any other."""

    def register(function):
        _REVERTERS[kind] = function
        return function

    return register


def not_undoable(events: Iterable[ChangeEvent]) -> set[str]:
    """The kinds among a group's `events` that undo cannot revert (none: it can be undone)."""
    kinds = {e.kind for e in events}
    return kinds - (UNDOABLE | UNDO_RECORDS if "undo" in kinds else UNDOABLE) - _REVERTERS.keys()


@transaction.atomic
def undo_last(*, matrix: Matrix, actor) -> changelog.GroupResult:
    """Undo `actor`'s newest change to `matrix` that is not undone yet (a cell edit, or a group
    such as a paste or a fix), recorded as a group of its own ("Undo: ...").

    Refused like a stale edit (`StaleChanges`, naming who changed what) when someone else
    changed what it touched since; `InvalidInput` when there is nothing to undo or the change
    is of a kind that undo cannot revert (renames, moves, removed rows: see the history).
    """
    changelog.lock(matrix=matrix, bump=False)
    stack = own_changes(matrix=matrix, actor=actor, limit=1)
    if not stack:
        raise InvalidInput("Nothing to undo: you have no change in this matrix that is not undone already.")
    key = changelog.unit_key(stack[0])
    events = changelog.group_events(matrix=matrix, group=key)
    if not_undoable(events):
        raise InvalidInput(
            f"Your last change, “{changelog.unit_label(events[0])}”, cannot be undone here: change it "
            "back by hand (the history restores removed activities and columns)."
        )
    return group_undo(matrix=matrix, group=key, actor=actor, events=events)


@transaction.atomic
def redo_last(*, matrix: Matrix, actor) -> changelog.GroupResult:
    """Take back `actor`'s newest undo in `matrix` (recorded as "Redo: ..."), as long as they
    changed nothing else since; repeatable down their run of undos. Refused like `undo_last`
    when someone else changed what it touches since."""
    changelog.lock(matrix=matrix, bump=False)
    event = own_redo(matrix=matrix, actor=actor)
    if event is None:
        raise InvalidInput("Nothing to redo: redo takes back your undos until you change something else.")
    return group_undo(matrix=matrix, group=changelog.unit_key(event), actor=actor)


def _cancelled(*, matrix: Matrix, after: int) -> set[int]:
    """The groups (and changes made alone) after sequence number `after` that were undone
    after it, with the undos that undid them: together they change nothing, so a change
    made before them can still be undone. An undo that was itself undone cancels with its
    own undo instead, and what it had undone stands again."""
    undone_by = {
        target: undo
        for undo, target in ChangeEvent.objects.filter(matrix_id=matrix.pk, kind="undo", seq__gt=after).values_list(
            "group", "after__group"
        )
        if isinstance(target, int) and target > after
    }
    memo: dict[int, bool] = {}

    def stands(key: int) -> bool:
        chain = []
        while key in undone_by and key not in memo:
            chain.append(key)
            key = undone_by[key]
        result = memo.get(key, True)
        for undone in reversed(chain):
            result = not result
            memo[undone] = result
        return result

    return {key for target, undo in undone_by.items() if stands(undo) for key in (target, undo)}


def group_undone_by(*, matrix: Matrix, group: int) -> ChangeEvent | None:
    """The event recording that `group` was undone, if it was."""
    return ChangeEvent.objects.filter(matrix_id=matrix.pk, kind="undo", after__group=group).first()


class _Undos:
    """The matrix's undos: which group each one undid, and how deep: an undo of a change is
    an undo step, an undo of that a redo (a change again), and so on."""

    def __init__(self, matrix: Matrix):
        self.target = dict(
            ChangeEvent.objects.filter(matrix_id=matrix.pk, kind="undo").values_list("group", "after__group")
        )
        self.undone = set(self.target.values())

    def depth(self, group: int) -> int:
        depth = 0
        while group in self.target:
            depth, group = depth + 1, self.target[group]
        return depth

    def is_undo(self, group: int) -> bool:
        return self.depth(group) % 2 == 1


def own_redo(*, matrix: Matrix, actor) -> ChangeEvent | None:
    """The first event of the person's undo step that redo would take back: their newest
    undo not redone yet, unless they changed something else of their own since."""
    undos = _Undos(matrix)
    events = (
        ChangeEvent.objects.filter(matrix_id=matrix.pk, actor=actor)
        .order_by("-seq")
        .only("seq", "group", "group_label", "kind", "target", "after")
    )
    for event in events.iterator(chunk_size=200):
        key = changelog.unit_key(event)
        depth = undos.depth(key)
        if depth == 0:
            return None
        if depth % 2 == 1 and key not in undos.undone:
            return ChangeEvent.objects.filter(matrix_id=matrix.pk, group=key).order_by("seq").first()
    return None


def own_changes(*, matrix: Matrix, actor, limit: int = 1) -> list[ChangeEvent]:
    """The person's undo stack in the matrix: their own groups and changes made alone, newest
    first (the first event of each), leaving out what was undone already and the undos
    themselves; an undo of an undo (a redo) is a change like any other."""
    undos = _Undos(matrix)
    undo_groups = {group for group in undos.target if undos.is_undo(group)}
    undone = undos.undone
    # Numbers first, plain rows (the newest group may be a paste of 20,000 events), then the
    # first event of each group found.
    first: dict[int, int] = {}  # key -> the smallest seq of the person's events in it
    rows = (
        ChangeEvent.objects.filter(matrix_id=matrix.pk, actor=actor)
        .exclude(group__in=undo_groups)
        .order_by("-seq")
        .values_list("seq", "group")
    )
    for seq, group in rows.iterator(chunk_size=2_000):
        key = group if group is not None else seq
        if key in undone:
            continue
        if key not in first and len(first) == limit:
            break
        first[key] = min(seq, first.get(key, seq))
    events = {
        e.seq: e
        for e in ChangeEvent.objects.filter(matrix_id=matrix.pk, seq__in=list(first.values())).only(
            "seq", "group", "group_label", "kind", "target", "after"
        )
    }
    return [events[seq] for seq in first.values()]


@transaction.atomic
def group_undo(*, matrix: Matrix, group: int, actor, events: list[ChangeEvent] | None = None) -> changelog.GroupResult:
    """Revert every change of `group`, newest first, as one new group "Undo: <label>".

    Refused (`StaleChanges`, nothing saved) when anything the group touched changed after
    it: a cell it set, an activity it made or split, a column it added or removed. Refused
    (`InvalidInput`) when the group was undone already or holds a change that cannot be
    undone; `NotFound` when there is no such group.
    """
    changelog.lock(matrix=matrix, bump=False)
    if events is None:  # (or as the caller read them under the lock it holds)
        events = changelog.group_events(matrix=matrix, group=group)
    if not events:
        raise NotFound("There is no such change in this matrix's history.")
    label = changelog.unit_label(events[0])
    if group_undone_by(matrix=matrix, group=group) is not None:
        raise InvalidInput(f"“{label}” was undone already.")
    kinds = not_undoable(events)
    if kinds:
        raise InvalidInput(f"“{label}” cannot be undone from the history ({', '.join(sorted(kinds))}).")
    cells = {(e.activity_id_ref, e.role_id_ref) for e in events if e.kind == "cell"}
    made = {e.after["outcome_id"] for e in events if e.kind == "activity.split"}
    made |= {e.activity_id_ref for e in events if e.kind in ("activity.add", "activity.restore")}
    # Rows split or renamed: a later edit of one of their other cells does not block.
    split = {e.activity_id_ref for e in events if e.kind in ("activity.split", "activity.update")}
    columns = {e.role_id_ref for e in events if e.kind.startswith("column.")}
    later = changes_since(
        matrix=matrix, since=events[-1].seq, limit=None, activity_ids=made | split, role_ids=columns, cells=cells
    )
    # A later cell edit elsewhere in a split row does not block: the row stays.
    later = [
        e
        for e in later
        if e.activity_id not in split
        or e.kind != "cell"
        or (e.activity_id, e.role_id) in cells
        or e.activity_id in made
    ]
    if later:
        cancelled = _cancelled(matrix=matrix, after=events[-1].seq)
        later = [e for e in later if changelog.unit_key(e) not in cancelled]
    changelog.refuse(later, f"Undo of “{label}”")
    # Undoing an undo is a redo, and undoing a redo an undo again, of the same change.
    undo_label = (
        f"Redo: {label[6:]}"
        if label.startswith("Undo: ")
        else f"Undo: {label[6:]}"
        if label.startswith("Redo: ")
        else f"Undo: {label}"
    )[: changelog.GROUP_LABEL_MAX]
    what = f"{undo_label.split(':', 1)[0]} of “{label}”"
    # Cells alone move the counts by their rows and columns; anything else (a row or a
    # column made or removed, an acceptance) is followed by a check of the whole matrix.
    count = {e.kind for e in events} <= {"cell", "undo"}
    with changelog.changes_group(matrix=matrix, label=undo_label) as undo:
        changelog.record(matrix=matrix, actor=actor, kind="undo", target=label, after={"group": group})
        pending: list[CellChange] = []  # consecutive cell changes are reverted in one write
        for event in reversed(events):
            if event.kind == "cell":
                # The event holds the letters as shown ("A/R"): read back as the cell editor reads them.
                pending.append(CellChange(event.activity_id_ref, event.role_id_ref, event.before or ""))
                continue
            if pending:
                cells_write(matrix=matrix, changes=pending, actor=actor, count=count)
                pending = []
            _revert(matrix, event, actor, what)
        if pending:
            cells_write(matrix=matrix, changes=pending, actor=actor, count=count)
        if not count:
            matrix_recount(matrix)
        return changelog.GroupResult(undo.id, undo.label, len(events))


def _delete_activity(matrix: Matrix, activity: Activity, actor, what: str) -> None:
    dependents.refuse_if_dependents(matrix=matrix, what=what, activity_ids=[activity.pk])
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.delete",
        activity_id=activity.pk,
        target=activity.name,
        before=activity_snapshot(activity),
    )
    activity.delete()


def _revert(matrix: Matrix, event: ChangeEvent, actor, what: str) -> None:
    """Revert one change (`what` names the undo in a refusal)."""
    activity_id = event.activity_id_ref
    if event.kind in _REVERTERS:
        _REVERTERS[event.kind](matrix, event, actor)
    elif event.kind == "activity.split":
        outcome = Activity.objects.filter(matrix=matrix, pk=event.after["outcome_id"]).first()
        activity = Activity.objects.filter(matrix=matrix, pk=activity_id).first()
        if activity is None:
            raise NotFound("The activity that was split is no longer in the matrix.")
        if outcome is not None:
            _delete_activity(matrix, outcome, actor, what)
        _rename(matrix, activity, {"name": event.before["name"]}, actor)
    elif event.kind in ("activity.add", "activity.restore"):
        activity = Activity.objects.filter(matrix=matrix, pk=activity_id).first()
        if activity is not None:
            _delete_activity(matrix, activity, actor, what)
    elif event.kind == "activity.update":
        activity = Activity.objects.filter(matrix=matrix, pk=activity_id).first()
        if activity is None:
            raise NotFound("The activity that was changed is no longer in the matrix.")
        _rename(matrix, activity, event.before or {}, actor)
    elif event.kind == "activity.delete":
        before = event.before
        if Activity.objects.filter(pk=event.activity_id_ref).exists():
            raise InvalidInput(f"“{before['name']}” is in the matrix already.")
        if Activity.objects.filter(matrix=matrix, name__iexact=before["name"], phase=before["phase"]).exists():
            raise InvalidInput(f"An activity named “{before['name']}” is in the matrix again: rename it first.")
        # Made again under its own id, so every change recorded for it still names it.
        activity = Activity.objects.create(
            pk=event.activity_id_ref,
            matrix=matrix,
            name=before["name"],
            phase=before["phase"],
            description=before["description"],
            order=before["order"],
            template_key=before.get("template_key", ""),
        )
        columns = set(Column.objects.filter(matrix=matrix).values_list("role_id", flat=True))
        Cell.objects.bulk_create(
            Cell(activity=activity, role_id=int(r), value=v, version=1)
            for r, v in before.get("letters", {}).items()
            if int(r) in columns
        )
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind="activity.restore",
            activity_id=activity.pk,
            target=activity.name,
            after={"restored_from": event.seq, "name": activity.name, "phase": activity.phase},
        )
    elif event.kind == "column.remove":
        role = Role.objects.filter(workspace_id=matrix.workspace_id, pk=event.role_id_ref).first()
        if role is None:
            raise InvalidInput(f"The role {event.target} was deleted from the workspace; add it again first.")
        Column.objects.get_or_create(matrix=matrix, role=role, defaults={"order": event.before.get("order", 0)})
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind="column.add",
            role_id=role.pk,
            target=role.code,
            after={"code": role.code, "name": role.name},
        )
    elif event.kind == "column.add":
        column = Column.objects.filter(matrix=matrix, role_id=event.role_id_ref).select_related("role").first()
        if column is not None:
            dependents.refuse_if_dependents(matrix=matrix, what=what, role_ids=[column.role_id])
            changelog.record(
                matrix=matrix,
                actor=actor,
                kind="column.remove",
                role_id=column.role_id,
                target=column.role.code,
                before={"code": column.role.code, "order": column.order, "letters": {}},
            )
            column.delete()


def _rename(matrix: Matrix, activity: Activity, fields: dict, actor) -> None:
    """Give the activity back its name, phase or description as `fields` holds them."""
    fields = {k: v for k, v in fields.items() if k in ("name", "phase", "description")}
    before = {k: getattr(activity, k) for k in fields}
    if before == fields:
        return
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.version += 1
    activity.save(update_fields=[*fields, "version"])
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.update",
        activity_id=activity.pk,
        target=activity.name,
        before=before,
        after=fields,
    )
