"""Reads of a matrix's change log: its history, and what changed since a sequence number."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.prepared import Prepared
from raci.models import (
    ChangeEvent,
    Matrix,
)

KIND_LABELS = {
    "cell": "set",
    "activity.add": "added activity",
    "activity.update": "edited activity",
    "activity.move": "moved activity",
    "activity.delete": "removed activity",
    "activity.split": "split activity",
    "activity.restore": "restored activity",
    "column.add": "added column",
    "column.move": "moved column",
    "column.remove": "removed column",
    "role.update": "edited role",
    "role.holders": "changed who holds",
    "phase.update": "renamed phase",
    "phase.relay": "changed who drives",
    "matrix.create": "created the matrix",
    "matrix.update": "changed settings",
    "import": "imported",
    "undo": "undid",
    "template.take": "took from the template",
}


def matrix_history(
    *, matrix: Matrix, actor_id: int | None = None, activity_id: int | None = None, role_id: int | None = None
):
    """The matrix's change events, newest first, filtered by who, which activity, which role."""
    events = ChangeEvent.objects.filter(matrix=matrix).select_related("actor").order_by("-seq")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if activity_id:
        events = events.filter(activity_id_ref=activity_id)
    if role_id:
        events = events.filter(role_id_ref=role_id)
    return events


# --- staying live: what changed since a sequence number --------------------------------


@dataclass(slots=True)
class Change:
    """One recorded change, as "what changed since" tells it."""

    seq: int
    kind: str
    activity_id: int | None
    role_id: int | None
    actor_id: int | None
    actor_name: str  # "" when no one is recorded
    group: int | None = None
    target: str = ""
    after: Any = None
    at: datetime | None = None


def changes_since(
    *,
    matrix: Matrix,
    since: int,
    upto: int | None = None,
    limit: int | None = 100,
    activity_ids: Iterable[int] | None = None,
    role_ids: Iterable[int] | None = None,
    cells: Iterable[tuple[int, int]] | None = None,
) -> list[Change]:
    """The changes recorded after sequence number `since` (up to `upto`), oldest first.

    Given any of `activity_ids` (any change to those activities), `role_ids` (any change to
    their columns or cells) or `cells` ((activity id, role id) pairs), only the changes that
    concern them: what makes a write stale. At most `limit` + 1 (None: all of them), so a
    caller can tell that more happened than it wants to replay (the live poll).

    However many ids are named (a paste or its undo may name the whole matrix), no statement
    carries more than `IN_CHUNK` of them: the cells are looked up by their rows and columns,
    chunked, and the changes of other cells in those rows and columns left out here."""
    if activity_ids is None and role_ids is None and cells is None:
        if upto is not None and limit is not None and limit <= _POLL_LIMIT:
            rows = _CHANGES.rows(matrix_id=matrix.pk, since=since, upto=upto)[: limit + 1]
            return [_change(row, raw=True) for row in rows]
        events = ChangeEvent.objects.filter(matrix_id=matrix.pk, seq__gt=since)
        if upto is not None:
            events = events.filter(seq__lte=upto)
        listed = events.order_by("seq").values_list(*_FIELDS)
        return [_change(tuple(row)) for row in (listed if limit is None else listed[: limit + 1])]
    activity_ids, role_ids, cells = set(activity_ids or ()), set(role_ids or ()), set(cells or ())
    base = ChangeEvent.objects.filter(matrix_id=matrix.pk, seq__gt=since)
    if upto is not None:
        base = base.filter(seq__lte=upto)
    found: dict[int, Change] = {}

    def take(queryset, keep=lambda change: True) -> None:
        for row in queryset.values_list(*_FIELDS):
            change = _change(tuple(row))
            if keep(change):
                found[change.seq] = change

    for chunk in _chunks(activity_ids):
        take(base.filter(activity_id_ref__in=chunk))
    for chunk in _chunks(role_ids):
        take(base.filter(role_id_ref__in=chunk))
    if cells:
        cell_roles = sorted({r for _, r in cells})
        for chunk in _chunks({a for a, _ in cells}, IN_CHUNK - len(cell_roles)):
            take(
                base.filter(kind="cell", activity_id_ref__in=chunk, role_id_ref__in=cell_roles),
                lambda change: (change.activity_id, change.role_id) in cells,
            )
    ordered = [found[seq] for seq in sorted(found)]
    return ordered if limit is None else ordered[: limit + 1]


# The most ids one statement names (PostgreSQL's driver allows 65,535 parameters in all).
IN_CHUNK = 5_000


def _chunks(ids: Iterable[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), max(1, size)):
        yield ordered[start : start + max(1, size)]


_FIELDS = (
    "seq",
    "kind",
    "activity_id_ref",
    "role_id_ref",
    "actor_id",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
    "group",
    "target",
    "after",
    "at",
)


def _change(row: tuple, *, raw: bool = False) -> Change:
    """A change from a row of `_FIELDS`; a `raw` row (no ORM conversion) has its JSON as text
    and, on SQLite, its time as text."""
    seq, kind, activity_id, role_id, actor_id, username, first, last, group, target, after, at = row
    if raw:
        after = json.loads(after) if isinstance(after, str) else after
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
    name = f"{first or ''} {last or ''}".strip() or (username or "")
    return Change(seq, kind, activity_id, role_id, actor_id, name, group, target or "", after, at)


# Polled by every open page: compiled once. At most 101 rows (a caller replays up to 100).
_POLL_LIMIT = 100
_CHANGES = Prepared(
    lambda matrix_id, since, upto: (
        ChangeEvent.objects.filter(matrix_id=matrix_id, seq__gt=since, seq__lte=upto)
        .order_by("seq")
        .values_list(*_FIELDS)[: _POLL_LIMIT + 1]
    ),
    matrix_id=-2_000_000_041,
    since=2_000_000_042,
    upto=2_000_000_043,
)
