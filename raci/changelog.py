"""The change log of a matrix, and only the log: the lock, one record per change, groups of
changes made as one, and how they read to a person. The writes themselves are
`raci.services`'s.

Every write to a matrix takes the matrix's write lock (`lock`), changes what it changes
and records it (`record`) in the same transaction; the lock hands out the gap-free,
increasing sequence numbers that "changes since N" (`raci.selectors.changes_since`) reads.

Changes that belong together (a fix, an undo, a paste, an import, a workshop's settlement)
are recorded as a **group**:

    with changes_group(matrix=matrix, label="Fix: make PMM the single A"):
        services.cells_set(matrix=matrix, changes=[...], actor=user)   # or any other service
        ...

Every event recorded inside the block, by any service and for that matrix, carries the
group's id (the sequence number of its first event) and its label. The history shows a
group as one change; `raci.services.group_undo` reverts it as one, and records the undo as
a group of its own ("Undo: ..."), which can itself be undone.

Refusals are like a stale cell edit: `refuse_if_changed` raises `StaleChanges` when what a
write concerns changed after sequence number N, listing what changed and who changed it;
nothing is saved.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from core.errors import NotFound, StaleChanges
from raci import live_feed
from raci.models import ChangeEvent, Matrix
from raci.selectors.history import KIND_LABELS, Change, changes_since

GROUP_LABEL_MAX = 200


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
    if bump:
        live_feed.changed(matrix=matrix)
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


def describe(event: Change) -> str:
    """One line for a person: "Ana set Pricing × PM to C at 10:42 UTC"."""
    who = event.actor_name or "Someone"
    when = f" at {event.at:%H:%M} UTC" if event.at else ""
    if event.kind == "cell":
        now = event.after or "empty"
        return f"{who} set {event.target} to {now}{when}."
    return f"{who} {KIND_LABELS.get(event.kind, event.kind)} {event.target}{when}.".replace("  ", " ")


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
    events = changes_since(
        matrix=matrix, since=since, limit=None, activity_ids=activity_ids, role_ids=role_ids, cells=cells
    )
    if others_than is not None:
        events = [e for e in events if e.actor_id != others_than.pk]
    refuse(events, what)


def refuse(events: list[Change], what: str) -> None:
    """Raise `StaleChanges` for `what`, naming the `events` (the changes it would overwrite), if any."""
    if events:
        lines = [describe(e) for e in events[:20]]
        more = len(events) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more.")
        raise StaleChanges(f"{what} was not applied: the matrix changed since you looked. {lines[0]}", changes=lines)


# --- change groups as one unit (undo, the history) ----------------------------------------


def unit_key(event) -> int:
    """The id a change is undone by: its group's, or for a change made alone its own number
    (a group's id is the number of its first event, so the two never collide)."""
    return event.group if event.group is not None else event.seq


def group_events(*, matrix: Matrix, group: int) -> list[ChangeEvent]:
    """The events of the group `group`, or the one change made alone numbered `group`."""
    # No actor: a group may hold 20,000 events of one person (a paste), and undo needs none.
    return list(
        ChangeEvent.objects.filter(Q(group=group) | Q(seq=group, group__isnull=True), matrix_id=matrix.pk).order_by(
            "seq"
        )
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
