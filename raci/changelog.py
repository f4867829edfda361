"""The change log of a matrix: one record per change, and groups of changes made as one.

Every write to a matrix takes the matrix's write lock (`lock`), changes what it changes
and records it (`record`) in the same transaction; the lock hands out the gap-free,
increasing sequence numbers that "changes since N" reads.

Changes that belong together (a fix, an undo, a paste, an import, a workshop's settlement)
are recorded as a **group**:

    with changes_group(matrix=matrix, label="Fix: make PMM the single A"):
        cells_set(matrix=matrix, changes=[...], actor=user)   # or any other service
        ...

Every event recorded inside the block, by any service and for that matrix, carries the
group's id (the sequence number of its first event) and its label. The history shows a
group as one change; `group_undo` reverts it as one, and records the undo as a group of
its own ("Undo: ..."), which can itself be undone.

Refusals are like a stale cell edit: `cells_set(since=N)` and `group_undo` raise
`StaleChanges` when what they concern changed after sequence number N (or after the
group), listing what changed and who changed it; nothing is saved.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from core.errors import InvalidInput, NotFound, StaleChanges
from raci import dependents
from raci.models import Activity, Cell, ChangeEvent, Column, Matrix
from raci.rules import DISPLAY, VALUES
from raci.selectors import KIND_LABELS, matrix_grid
from workspaces.models import Role

GROUP_LABEL_MAX = 200

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


@dataclass(slots=True)
class _Group:
    matrix_id: int
    label: str
    id: int | None = None


_current: ContextVar[_Group | None] = ContextVar("raci_change_group", default=None)
# How the changes being recorded came in, when not through the pages ("API (deploy bot)").
_via: ContextVar[str] = ContextVar("raci_change_via", default="")


@contextmanager
def via(text: str) -> Iterator[None]:
    """Record every change made inside the block as coming in `text` ("API (token name)")."""
    token = _via.set(" ".join(text.split())[:200])
    try:
        yield
    finally:
        _via.reset(token)


def current_via() -> str:
    return _via.get()


@dataclass(frozen=True, slots=True)
class CellChange:
    """Set the cell (activity, role) to `value` ("R", "A", "AR", "C", "I" or "")."""

    activity_id: int
    role_id: int
    value: str


@dataclass(slots=True)
class GroupResult:
    group: int | None
    label: str
    changed: int = 0
    events: list[ChangeEvent] = field(default_factory=list)


# --- the lock and one record -------------------------------------------------------------


def lock(*, matrix: Matrix, bump: bool | int = True) -> int:
    """Take the matrix's write lock until commit and bump its change sequence (unless
    `bump` is false: a write whose events take their own numbers; a number bumps it by that
    many, for as many events written at once), returning the sequence number; also
    refreshes the counts and thresholds a cell edit reads.

    One statement serialises all writes to one matrix (row lock on PostgreSQL, the write
    lock on SQLite); a write that is refused or changes nothing rolls back and gives its
    number back, so the sequence has no gaps.
    """
    table = connection.ops.quote_name(Matrix._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + {int(bump)} WHERE id = %s RETURNING last_seq, errors, "
            f"warnings, infos, acknowledged_count, acknowledgments, max_responsible, max_consulted, "
            f"overload_min_activities, overload_percent",
            [matrix.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound("The matrix was deleted.")
    (
        matrix.last_seq,
        matrix.errors,
        matrix.warnings,
        matrix.infos,
        matrix.acknowledged_count,
        acknowledged,
        matrix.max_responsible,
        matrix.max_consulted,
        matrix.overload_min_activities,
        matrix.overload_percent,
    ) = row
    matrix.acknowledgments = json.loads(acknowledged) if isinstance(acknowledged, str) else (acknowledged or [])
    return matrix.last_seq


def group_open(*, matrix_id: int) -> bool:
    """Whether the changes being recorded for `matrix_id` belong to a group."""
    current = _current.get()
    return current is not None and current.matrix_id == matrix_id


def group_fields(*, matrix_id: int, seq: int) -> tuple[int | None, str]:
    """The (group id, label) an event of `matrix_id` numbered `seq` belongs to, if it is
    recorded inside `changes_group` for that matrix (the first such event names the group)."""
    current = _current.get()
    if current is None or current.matrix_id != matrix_id:
        return None, ""
    if current.id is None:
        current.id = seq
    return current.id, current.label


def record(
    *,
    matrix: Matrix,
    actor,
    kind: str,
    target: str = "",
    activity_id: int | None = None,
    role_id: int | None = None,
    before=None,
    after=None,
    seq: int | None = None,
) -> ChangeEvent:
    """Record one change. `seq` is the number `lock` returned when the caller locked before
    checking; without it the lock is taken here."""
    seq = seq if seq is not None else lock(matrix=matrix)
    group, label = group_fields(matrix_id=matrix.pk, seq=seq)
    return ChangeEvent.objects.create(
        matrix=matrix,
        seq=seq,
        actor=actor,
        kind=kind,
        target=target[:500],
        activity_id_ref=activity_id,
        role_id_ref=role_id,
        before=before,
        after=after,
        group=group,
        group_label=label,
        via=_via.get(),
    )


@contextmanager
def changes_group(*, matrix: Matrix, label: str) -> Iterator[_Group]:
    """Record every change made to `matrix` inside the block as one group named `label`,
    in one transaction: all of it is saved, or none. Groups do not nest: an inner block
    for the same matrix joins the outer group."""
    label = " ".join((label or "").split())[:GROUP_LABEL_MAX] or "Changes"
    outer = _current.get()
    if outer is not None and outer.matrix_id == matrix.pk:
        yield outer
        return
    group = _Group(matrix.pk, label)
    token = _current.set(group)
    try:
        with transaction.atomic():
            yield group
    finally:
        _current.reset(token)


# --- what changed since ------------------------------------------------------------------


def describe(event: ChangeEvent) -> str:
    """One line for a person: "Ana set Pricing × PM to C at 10:42 UTC"."""
    who = (event.actor.get_full_name() or event.actor.username) if event.actor else "Someone"
    when = f" at {event.at:%H:%M} UTC" if event.at else ""
    if event.kind == "cell":
        now = event.after or "empty"
        return f"{who} set {event.target} to {now}{when}."
    return f"{who} {KIND_LABELS.get(event.kind, event.kind)} {event.target}{when}.".replace("  ", " ")


def changes_since(
    *,
    matrix: Matrix,
    since: int,
    activity_ids: Iterable[int] = (),
    role_ids: Iterable[int] = (),
    cells: Iterable[tuple[int, int]] = (),
) -> list[ChangeEvent]:
    """Events after `since` that concern the given activities (any change to them), roles
    (any change to their columns or cells) or cells.

    However many cells (a paste or its undo may name the whole matrix), no statement carries
    more than `IN_CHUNK` ids: the cells are looked up by their rows and columns, chunked,
    and the events of other cells in those rows and columns left out here."""
    activity_ids, role_ids, cells = set(activity_ids), set(role_ids), set(cells)
    base = ChangeEvent.objects.filter(matrix_id=matrix.pk, seq__gt=since).exclude(kind="undo")
    found: dict[int, ChangeEvent] = {}

    def take(queryset, keep=lambda event: True) -> None:
        for event in queryset.select_related("actor"):
            if keep(event):
                found[event.seq] = event

    for chunk in _chunks(activity_ids):
        take(base.filter(activity_id_ref__in=chunk))
    for chunk in _chunks(role_ids):
        take(base.filter(role_id_ref__in=chunk))
    if cells:
        cell_roles = sorted({r for _, r in cells})
        for chunk in _chunks({a for a, _ in cells}, IN_CHUNK - len(cell_roles)):
            take(
                base.filter(kind="cell", activity_id_ref__in=chunk, role_id_ref__in=cell_roles),
                lambda event: (event.activity_id_ref, event.role_id_ref) in cells,
            )
    return [found[seq] for seq in sorted(found)]


# The most ids one statement names (PostgreSQL's driver allows 65,535 parameters in all).
IN_CHUNK = 5_000


def _chunks(ids: Iterable[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), max(1, size)):
        yield ordered[start : start + max(1, size)]


def refuse_if_changed(
    *,
    matrix: Matrix,
    since: int,
    what: str,
    activity_ids: Iterable[int] = (),
    role_ids: Iterable[int] = (),
    cells: Iterable[tuple[int, int]] = (),
    others_than=None,
) -> None:
    """Raise `StaleChanges` (saying what changed) if anything in scope changed after `since`
    (with `others_than`, anything someone else than that person changed)."""
    events = changes_since(matrix=matrix, since=since, activity_ids=activity_ids, role_ids=role_ids, cells=cells)
    if others_than is not None:
        events = [e for e in events if e.actor_id != others_than.pk]
    _refuse(events, what)


def _refuse(events: list[ChangeEvent], what: str) -> None:
    if events:
        lines = [describe(e) for e in events[:20]]
        more = len(events) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more.")
        raise StaleChanges(f"{what} was not applied: the matrix changed since you looked. {lines[0]}", changes=lines)


# --- many cells as one ------------------------------------------------------------------


def store_counts(matrix: Matrix, grid) -> None:
    """Store the finding counts of `grid` (the matrix fully checked) as the matrix's."""
    counts = grid.counts
    matrix.errors, matrix.warnings, matrix.infos = counts["error"], counts["warning"], counts["info"]
    matrix.acknowledged_count = len(grid.accepted)
    Matrix.objects.filter(pk=matrix.pk).update(
        errors=matrix.errors,
        warnings=matrix.warnings,
        infos=matrix.infos,
        acknowledged_count=matrix.acknowledged_count,
    )


def _recount(matrix: Matrix) -> None:
    store_counts(matrix, matrix_grid(matrix=matrix))


def _cells_write(matrix: Matrix, changes: Sequence[CellChange], actor) -> int:
    """Write the cells (already checked) and one "cell" event per cell that changes, in a
    fixed number of statements however many cells change (a paste or its undo may be the
    whole matrix); a cell named twice takes its last value, both changes recorded."""
    pairs = {(c.activity_id, c.role_id) for c in changes}
    activities = dict(Activity.objects.filter(matrix=matrix, pk__in={a for a, _ in pairs}).values_list("pk", "name"))
    roles = dict(
        Column.objects.filter(matrix=matrix, role_id__in={r for _, r in pairs}).values_list("role_id", "role__code")
    )
    existing = {
        (c.activity_id, c.role_id): c for c in Cell.objects.filter(activity_id__in=activities, role_id__in=roles)
    }
    created: dict[tuple[int, int], Cell] = {}
    updated: dict[tuple[int, int], Cell] = {}
    events = []
    for change in changes:
        if change.activity_id not in activities or change.role_id not in roles:
            raise NotFound("That activity or role is no longer in the matrix.")
        if change.value not in VALUES and change.value != "":
            raise InvalidInput(f"“{change.value}” is not a RACI value.", "value")
        key = (change.activity_id, change.role_id)
        cell = existing.get(key)
        before = cell.value if cell else ""
        if before == change.value:
            continue
        if cell is None:
            cell = existing[key] = created[key] = Cell(
                activity_id=change.activity_id, role_id=change.role_id, value=change.value, version=1
            )
        else:
            cell.value, cell.version = change.value, cell.version + 1
            if key not in created:
                updated[key] = cell
        events.append(
            ChangeEvent(
                matrix=matrix,
                actor=actor,
                kind="cell",
                activity_id_ref=change.activity_id,
                role_id_ref=change.role_id,
                target=f"{activities[change.activity_id]} × {roles[change.role_id]}"[:500],
                before=DISPLAY[before],
                after=DISPLAY[change.value],
                via=_via.get(),
            )
        )
    if not events:
        return 0
    first = lock(matrix=matrix, bump=len(events)) - len(events) + 1
    for seq, event in enumerate(events, start=first):
        event.seq = seq
        event.group, event.group_label = group_fields(matrix_id=matrix.pk, seq=seq)
    Cell.objects.bulk_create(created.values(), batch_size=500)
    _cells_update(list(updated.values()))
    ChangeEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def _cells_update(cells: list[Cell]) -> None:
    """Store the cells' values and versions: on PostgreSQL one joined UPDATE per chunk (an
    undo of a big paste updates tens of thousands; Django's bulk_update compares each row
    with every case of its batch)."""
    if connection.vendor != "postgresql":
        Cell.objects.bulk_update(cells, ["value", "version"], batch_size=500)
        return
    table = connection.ops.quote_name(Cell._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(cells), 2_000):
            chunk = cells[start : start + 2_000]
            rows = ", ".join(["(%s::integer, %s::varchar, %s::integer)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS c SET value = v.value, version = v.version "
                f"FROM (VALUES {rows}) AS v (id, value, version) WHERE c.id = v.id",
                [p for cell in chunk for p in (cell.pk, cell.value, cell.version)],
            )


@transaction.atomic
def cells_set(
    *,
    matrix: Matrix,
    changes: Sequence[CellChange],
    actor,
    label: str,
    since: int | None = None,
    scope_activities: Iterable[int] = (),
    scope_roles: Iterable[int] = (),
) -> GroupResult:
    """Set many cells as one group named `label`.

    With `since` (the matrix's sequence number when the person saw what they are changing)
    the write is refused with `StaleChanges` if any of the cells, or anything in
    `scope_activities` / `scope_roles`, changed after it. Returns the group and how many
    cells changed; a write that changes nothing records nothing.
    """
    with changes_group(matrix=matrix, label=label) as group:
        lock(matrix=matrix, bump=False)
        if since is not None:
            _refuse(
                changes_since(
                    matrix=matrix,
                    since=since,
                    activity_ids=scope_activities,
                    role_ids=scope_roles,
                    cells=[(c.activity_id, c.role_id) for c in changes],
                ),
                label,
            )
        changed = _cells_write(matrix, changes, actor)
        if changed:
            _recount(matrix)
        return GroupResult(group.id, group.label, changed)


# --- undo -----------------------------------------------------------------------------------


def unit_key(event) -> int:
    """The id a change is undone by: its group's, or for a change made alone its own number
    (a group's id is the number of its first event, so the two never collide)."""
    return event.group if event.group is not None else event.seq


def group_events(*, matrix: Matrix, group: int) -> list[ChangeEvent]:
    """The events of the group `group`, or the one change made alone numbered `group`."""
    return list(
        ChangeEvent.objects.filter(Q(group=group) | Q(seq=group, group__isnull=True), matrix_id=matrix.pk)
        .select_related("actor")
        .order_by("seq")
    )


def unit_label(event: ChangeEvent) -> str:
    """What a group or a change made alone is called in messages: the group's label, or
    "Pricing × PM set to C"."""
    if event.group_label:
        return event.group_label
    if event.kind == "cell":
        return f"{event.target} set to {event.after or 'empty'}"
    text = f"{KIND_LABELS.get(event.kind, event.kind)} {event.target}".strip()
    return text[:1].upper() + text[1:]


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
        key = unit_key(event)
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
    found: dict[int, ChangeEvent] = {}
    events = (
        ChangeEvent.objects.filter(matrix_id=matrix.pk, actor=actor)
        .exclude(group__in=undo_groups)
        .order_by("-seq")
        .only("seq", "group", "group_label", "kind", "target", "after")
    )
    for event in events.iterator(chunk_size=200):
        key = unit_key(event)
        if key in undone:
            continue
        if key not in found and len(found) == limit:
            break
        if key not in found or event.seq < found[key].seq:
            found[key] = event
    return list(found.values())


@transaction.atomic
def group_undo(*, matrix: Matrix, group: int, actor) -> GroupResult:
    """Revert every change of `group`, newest first, as one new group "Undo: <label>".

    Refused (`StaleChanges`, nothing saved) when anything the group touched changed after
    it: a cell it set, an activity it made or split, a column it added or removed. Refused
    (`InvalidInput`) when the group was undone already or holds a change that cannot be
    undone; `NotFound` when there is no such group.
    """
    lock(matrix=matrix, bump=False)
    events = group_events(matrix=matrix, group=group)
    if not events:
        raise NotFound("There is no such change in this matrix's history.")
    label = unit_label(events[0])
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
    later = changes_since(matrix=matrix, since=events[-1].seq, activity_ids=made | split, role_ids=columns, cells=cells)
    # A later cell edit elsewhere in a split row does not block: the row stays.
    later = [
        e
        for e in later
        if e.activity_id_ref not in split
        or e.kind != "cell"
        or (e.activity_id_ref, e.role_id_ref) in cells
        or e.activity_id_ref in made
    ]
    if later:
        cancelled = _cancelled(matrix=matrix, after=events[-1].seq)
        later = [e for e in later if unit_key(e) not in cancelled]
    _refuse(later, f"Undo of “{label}”")
    # Undoing an undo is a redo, and undoing a redo an undo again, of the same change.
    undo_label = (
        f"Redo: {label[6:]}"
        if label.startswith("Undo: ")
        else f"Undo: {label[6:]}"
        if label.startswith("Redo: ")
        else f"Undo: {label}"
    )[:GROUP_LABEL_MAX]
    what = f"{undo_label.split(':', 1)[0]} of “{label}”"
    with changes_group(matrix=matrix, label=undo_label) as undo:
        record(matrix=matrix, actor=actor, kind="undo", target=label, after={"group": group})
        cells: list[CellChange] = []  # consecutive cell changes are reverted in one write
        for event in reversed(events):
            if event.kind == "cell":
                cells.append(
                    CellChange(
                        event.activity_id_ref,
                        event.role_id_ref,
                        "AR" if event.before == "A/R" else (event.before or ""),
                    )
                )
                continue
            if cells:
                _cells_write(matrix, cells, actor)
                cells = []
            _revert(matrix, event, actor, what)
        if cells:
            _cells_write(matrix, cells, actor)
        _recount(matrix)
        return GroupResult(undo.id, undo.label, len(events))


def activity_snapshot(activity: Activity) -> dict:
    """What a removed activity's record keeps, so that a restore or a redo brings it back."""
    return {
        "name": activity.name,
        "phase": activity.phase,
        "description": activity.description,
        "order": activity.order,
        "template_key": activity.template_key,
        "letters": {
            str(role_id): value for role_id, value in activity.cells.exclude(value="").values_list("role_id", "value")
        },
    }


def _delete_activity(matrix: Matrix, activity: Activity, actor, what: str) -> None:
    dependents.refuse_if_dependents(matrix=matrix, what=what, activity_ids=[activity.pk])
    record(
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
    elif event.kind == "cell":
        value = "AR" if event.before == "A/R" else (event.before or "")
        _cells_write(matrix, [CellChange(activity_id, event.role_id_ref, value)], actor)
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
        record(
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
        record(
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
            record(
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
    record(
        matrix=matrix,
        actor=actor,
        kind="activity.update",
        activity_id=activity.pk,
        target=activity.name,
        before=before,
        after=fields,
    )
