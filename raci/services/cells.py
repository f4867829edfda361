"""Cell writes, every one of them: one cell (`cell_set`, the hot path, one guarded statement
on PostgreSQL) and many as one group (`cells_set`, `cells_write`), each keeping the matrix's
finding counts by what the cells' rows and columns had and have."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from core.errors import InvalidInput, NotFound, StaleEdit
from raci import changelog, findings, live_feed, rules
from raci.findings import neighbourhood_checked
from raci.grid import COLUMN_LETTERS, CellsAround, Grid
from raci.letters import VALID_VALUES_TEXT, letters_parse
from raci.models import (
    Activity,
    Cell,
    ChangeEvent,
    Column,
    Matrix,
)
from raci.rules import DISPLAY
from raci.selectors import cell_neighbourhood, cells_around, matrix_grid


@dataclass(slots=True)
class CellResult:
    activity_id: int
    role_id: int
    value: str
    version: int
    changed: bool
    row_findings: list[rules.Finding]
    column_findings: list[rules.Finding] | None  # None: the edit cannot have changed them
    counts: dict[str, int]
    # The matrix's size as the edit read it (the live feed cuts pages by it).
    n_activities: int = 0
    n_columns: int = 0
    # Whether the row's or the column's findings differ from before the edit (open pages
    # are sent the findings panel only then).
    findings_moved: bool = True


def parse_value(text: str) -> str:
    """A cell value as typed or posted, read as the CSV contract spells it (`raci.letters`)."""
    value = letters_parse(text)
    if value is None:
        raise InvalidInput(f"“{text}” is not a RACI value: use {VALID_VALUES_TEXT}.", "value")
    return value


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# A change event's columns, in the order the plain-SQL writes below give their values.
EVENT_COLUMNS = (
    "matrix_id",
    "seq",
    "actor_id",
    "at",
    "kind",
    "activity_id_ref",
    "role_id_ref",
    "target",
    "before",
    "after",
    "group",
    "group_label",
    "via",
)


def _write_cell_change(
    matrix: Matrix,
    *,
    actor,
    activity_id: int,
    role_id: int,
    value: str,
    create: bool,
    delta: dict[str, int],
    target: str,
    before: str,
) -> None:
    """The cell, the matrix's counts and the change event, written in plain SQL (the hot
    path: see prepared.py). On PostgreSQL the three writes go as one statement: each
    round trip costs more than the writes themselves."""
    ops = connection.ops
    columns = ", ".join(ops.quote_name(c) for c in EVENT_COLUMNS)
    event_sql = f"INSERT INTO {_EVENT} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    event_params = [
        matrix.pk,
        matrix.last_seq,
        actor.pk if actor else None,
        ops.adapt_datetimefield_value(timezone.now()),
        "cell",
        activity_id,
        role_id,
        target[:500],
        ops.adapt_json_value(before, None),
        ops.adapt_json_value(DISPLAY[value], None),
        *changelog.group_fields(matrix_id=matrix.pk, seq=matrix.last_seq),
        changelog.current_via(),
    ]
    cell_sql = f"UPDATE {_CELL} SET value = %s, version = version + 1 WHERE activity_id = %s AND role_id = %s"
    cell_params = [value, activity_id, role_id]
    # A count stored before a rule existed (a matrix not checked whole since) may be behind:
    # it stops at zero rather than fail the edit, and the next full check sets it right.
    most = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    counts_sql = (
        f"UPDATE {_MATRIX} SET errors = {most}(errors + %s, 0), warnings = {most}(warnings + %s, 0), "
        f"infos = {most}(infos + %s, 0), acknowledged_count = {most}(acknowledged_count + %s, 0) WHERE id = %s"
    )
    counts_params = [delta["error"], delta["warning"], delta["info"], delta["acknowledged"], matrix.pk]
    if create:
        Cell.objects.create(activity_id=activity_id, role_id=role_id, value=value, version=1)
    if connection.vendor == "postgresql":
        ctes = [] if create else [(cell_sql, cell_params)]
        if any(delta.values()):
            ctes.append((counts_sql, counts_params))
        with_sql = ", ".join(f"w{i} AS ({sql} RETURNING 1)" for i, (sql, _) in enumerate(ctes))
        _execute(
            (f"WITH {with_sql} " if ctes else "") + event_sql, [p for _, params in ctes for p in params] + event_params
        )
        return
    if not create:
        _execute(cell_sql, cell_params)
    if any(delta.values()):
        _execute(counts_sql, counts_params)
    _execute(event_sql, event_params)


_EVENT = connection.ops.quote_name(ChangeEvent._meta.db_table)


_CELL = connection.ops.quote_name(Cell._meta.db_table)


_MATRIX = connection.ops.quote_name(Matrix._meta.db_table)


def cell_set(*, matrix: Matrix, activity_id: int, role_id: int, value: str, expected_version: int, actor) -> CellResult:
    """Set one cell, refusing the write if the cell moved on since `expected_version`.

    Only the cell's row and column are read: they are all an edit can change, and the
    matrix's finding counts move by the difference. `matrix.last_seq` is the sequence the
    caller read the matrix at.

    On PostgreSQL the write is one statement that bumps the sequence only if it is still
    `matrix.last_seq`, writes the cell, moves the counts and records the change: a
    statement is a transaction of its own, so an edit costs two round trips (read, write)
    instead of five. When another write landed since the matrix was read, it takes the
    matrix's lock and does it all again under it.
    """
    value = parse_value(value)
    # The one-statement path records a lone change; inside a group (a fix, a paste) the
    # event takes the group's fields, which the locked path writes.
    result = None
    if connection.vendor == "postgresql" and not changelog.group_open(matrix_id=matrix.pk):
        result = _cell_set_if_unchanged(
            matrix=matrix,
            activity_id=activity_id,
            role_id=role_id,
            value=value,
            expected_version=expected_version,
            actor=actor,
        )
    if result is None:
        result = _cell_set_locked(
            matrix=matrix,
            activity_id=activity_id,
            role_id=role_id,
            value=value,
            expected_version=expected_version,
            actor=actor,
        )
    if result.changed:
        _wait_for_disk()
        live_feed.changed(matrix=matrix)
    return result


def _commits_early() -> bool:
    """Whether this edit is its own transaction on PostgreSQL, so that its commit may return
    before its WAL is on disk (the matrix's lock is held until the commit returns: waiting
    for the disk there would make every other edit of the matrix wait too). A caller's own
    transaction commits as it chooses."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _wait_for_disk() -> None:
    """Return once the edit just committed early is on disk, unless
    `CELL_EDIT_SYNCHRONOUS_COMMIT` is off (a database crash may then lose it).

    A transaction that writes WAL commits synchronously and so waits until the WAL is on
    disk up to its own commit record, which comes after the edit's: the edit is durable
    when it returns. It writes a logical-decoding message (nothing in a table) and holds
    no lock, so concurrent edits wait for the disk together, not one after the other.
    """
    if _commits_early() and settings.CELL_EDIT_SYNCHRONOUS_COMMIT:
        _execute("SELECT pg_logical_emit_message(true, 'lockstep', '')", [])


@dataclass(slots=True)
class _Planned:
    """A cell edit worked out from the cell's row and column, before anything is written."""

    before: str
    version: int
    result: CellResult | None  # the answer when nothing is to be written
    delta: dict[str, int]
    target: str


def _plan(matrix: Matrix, *, activity_id: int, role_id: int, value: str, expected_version: int) -> _Planned:
    # An edit between letters that the column's rules do not count (C, I, empty) reads no
    # column: on a big matrix that column is most of what an edit reads. Unless a finding
    # of the column is accepted on purpose: any change to its letters ends that.
    acknowledged = matrix.acknowledged if matrix.acknowledgments else {}
    column = value in COLUMN_LETTERS or any(key[2] == role_id for key in acknowledged)
    hood = cell_neighbourhood(matrix=matrix, activity_id=activity_id, role_id=role_id, column=column)
    if hood.activity is None or hood.column is None:
        raise NotFound("That activity or role is no longer in the matrix.")
    before, version = hood.row[role_id]
    if version != expected_version:
        raise StaleEdit(value=before, version=version)
    settings = matrix.rule_settings
    old = neighbourhood_checked(hood, settings, role_id, acknowledged=acknowledged)
    old_row, old_column = old.row, old.column
    if before == value:
        return _Planned(
            before,
            version,
            CellResult(
                activity_id,
                role_id,
                value,
                version,
                False,
                old_row,
                old_column,
                matrix.counts,
                hood.n_activities,
                len(hood.columns),
            ),
            {},
            "",
        )
    new = neighbourhood_checked(hood, settings, role_id, value, acknowledged=acknowledged)
    new_row, new_column = new.row, new.column
    old_counts = rules.count_by_severity(old_row + (old_column or []))
    new_counts = rules.count_by_severity(new_row + (new_column or []))
    delta = {severity: new_counts[severity] - old_counts[severity] for severity in new_counts}
    delta["acknowledged"] = new.accepted - old.accepted
    planned = _Planned(before, version, None, delta, f"{hood.activity.name} × {hood.column.code}")
    planned.result = CellResult(
        activity_id,
        role_id,
        value,
        version + 1,
        True,
        new_row,
        new_column,
        {},
        hood.n_activities,
        len(hood.columns),
        new_row != old_row or new_column != old_column,
    )
    return planned


def _applied(matrix: Matrix, planned: _Planned) -> CellResult:
    # As the statement stores them: never below zero (`_write_cell_change`).
    matrix.errors = max(matrix.errors + planned.delta["error"], 0)
    matrix.warnings = max(matrix.warnings + planned.delta["warning"], 0)
    matrix.infos = max(matrix.infos + planned.delta["info"], 0)
    matrix.acknowledged_count = max(matrix.acknowledged_count + planned.delta["acknowledged"], 0)
    planned.result.counts = matrix.counts
    return planned.result


def _cell_set_if_unchanged(
    *, matrix: Matrix, activity_id: int, role_id: int, value: str, expected_version: int, actor
) -> CellResult | None:
    """The edit in one statement if no write landed since `matrix` was read, else None."""
    planned = _plan(matrix, activity_id=activity_id, role_id=role_id, value=value, expected_version=expected_version)
    if not planned.result.changed:
        return planned.result
    ops = connection.ops
    cell_sql = _guarded_cell_sql(create=planned.version == 0, early=_commits_early())
    params = [
        planned.delta["error"],
        planned.delta["warning"],
        planned.delta["info"],
        planned.delta["acknowledged"],
        matrix.pk,
        matrix.last_seq,
        activity_id,
        role_id,
        value,
        matrix.pk,
        actor.pk if actor else None,
        ops.adapt_datetimefield_value(timezone.now()),
        "cell",
        activity_id,
        role_id,
        planned.target[:500],
        ops.adapt_json_value(DISPLAY[planned.before], None),
        ops.adapt_json_value(DISPLAY[value], None),
        changelog.current_via(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(cell_sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    matrix.last_seq = row[0]
    return _applied(matrix, planned)


@transaction.atomic
def _cell_set_locked(
    *, matrix: Matrix, activity_id: int, role_id: int, value: str, expected_version: int, actor
) -> CellResult:
    # (Only when this is the whole transaction: a caller's own transaction commits as it chooses.)
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        # As the one-statement path: this commit returns before the disk has the edit, so
        # the matrix's lock is not held across the wait; `cell_set` waits after it.
        _execute("SET LOCAL synchronous_commit = off", [])
    changelog.lock(matrix=matrix)
    planned = _plan(matrix, activity_id=activity_id, role_id=role_id, value=value, expected_version=expected_version)
    if not planned.result.changed:
        transaction.set_rollback(True)
        matrix.last_seq -= 1
        return planned.result
    _write_cell_change(
        matrix,
        actor=actor,
        activity_id=activity_id,
        role_id=role_id,
        value=value,
        create=planned.version == 0,
        delta=planned.delta,
        target=planned.target,
        before=DISPLAY[planned.before],
    )
    return _applied(matrix, planned)


@functools.cache
def _guarded_cell_sql(*, create: bool, early: bool) -> str:
    """One statement: bump the sequence and move the counts if the sequence is still the
    one the edit was worked out at (after waiting for any writer holding the matrix's row,
    PostgreSQL checks the condition again on the row it committed), write the cell and
    record the change; no row comes back when the sequence had moved on."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in EVENT_COLUMNS)
    if create:
        cell = (
            f"INSERT INTO {_CELL} (activity_id, role_id, value, version) SELECT %s, %s, %s, 1 FROM bumped RETURNING 1"
        )
    else:
        cell = (
            f"UPDATE {_CELL} SET value = v.value, version = {_CELL}.version + 1 FROM bumped, "
            f"(SELECT %s::integer AS activity_id, %s::integer AS role_id, %s::varchar AS value) v "
            f"WHERE {_CELL}.activity_id = v.activity_id AND {_CELL}.role_id = v.role_id RETURNING 1"
        )
    # The statement's own transaction commits without waiting for its WAL to reach the disk
    # (PostgreSQL's synchronous_commit, for this transaction only), so the matrix's row lock
    # is released at once; `cell_set` then waits for the disk without holding it.
    wait = " AND set_config('synchronous_commit', 'off', true) IS NOT NULL" if early else ""
    return (
        f"WITH bumped AS (UPDATE {_MATRIX} SET last_seq = last_seq + 1, errors = GREATEST(errors + %s, 0), "
        f"warnings = GREATEST(warnings + %s, 0), infos = GREATEST(infos + %s, 0), "
        f"acknowledged_count = GREATEST(acknowledged_count + %s, 0) "
        f"WHERE id = %s AND last_seq = %s{wait} "
        f"RETURNING last_seq), "
        f"written AS ({cell}) "
        f"INSERT INTO {_EVENT} ({columns}) SELECT %s, bumped.last_seq, %s, %s, %s, %s, %s, %s, %s, %s, NULL, '', %s "
        f"FROM bumped, (SELECT count(*) AS n FROM written) w WHERE w.n = 1 RETURNING seq"
    )


# --- many cells as one: pastes, fixes, resets, settlements, undos --------------------------


@dataclass(frozen=True, slots=True)
class CellChange:
    """Set the cell (activity, role) to `value` ("R", "A", "AR", "C", "I" or "")."""

    activity_id: int
    role_id: int
    value: str


# Up to this many cells, a write moves the matrix's finding counts by what the cells' rows and
# columns had and now have (a cell's findings are its row's and its column's); beyond it, it
# checks the matrix whole, which then costs less than reading that many rows and columns.
COUNT_AROUND_MAX = 200


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
    count: bool = True,
) -> changelog.GroupResult:
    """Set many cells as one group named `label`: the door every write of several cells goes
    through (a paste, a fix, a template reset, a workshop's settlement, the API).

    Values are read as the CSV contract spells them (`parse_value`). With `since` (the
    matrix's sequence number when the person saw what they are changing) the write is
    refused with `StaleChanges` if any of the cells, or anything in `scope_activities` /
    `scope_roles`, changed after it. Returns the group and how many cells changed; a write
    that changes nothing records nothing. `count=False` leaves the finding counts to the
    caller, which made other changes in the same group (a row made by a split) and checks
    the matrix whole after them.
    """
    with changelog.changes_group(matrix=matrix, label=label) as group:
        changelog.lock(matrix=matrix, bump=False)
        if since is not None:
            changelog.refuse_if_changed(
                matrix=matrix,
                since=since,
                what=label,
                activity_ids=scope_activities,
                role_ids=scope_roles,
                cells=[(c.activity_id, c.role_id) for c in changes],
            )
        changed = cells_write(matrix=matrix, changes=changes, actor=actor, count=count)
        return changelog.GroupResult(group.id, group.label, changed)


def cells_write(*, matrix: Matrix, changes: Sequence[CellChange], actor, count: bool = True) -> int:
    """Write the cells and record one "cell" event per cell that changes, under the lock and
    in the group the caller holds, and keep the matrix's finding counts: by the changed
    cells' rows and columns when they are few (`COUNT_AROUND_MAX`), else by checking the
    matrix whole; not at all when `count` is false (the caller recounts the whole matrix
    after changes of other kinds). Returns how many cells changed."""
    if not changes:
        return 0
    changes = [CellChange(c.activity_id, c.role_id, parse_value(c.value)) for c in changes]
    keys = list(dict.fromkeys((c.activity_id, c.role_id) for c in changes))
    around = None
    if count and len(keys) <= COUNT_AROUND_MAX:
        around = cells_around(matrix=matrix, keys=keys)
        before = findings.around_counts(around, matrix.rule_settings, matrix.acknowledged)
    changed = _cells_saved(matrix, changes, actor, around)
    if not changed or not count:
        return changed
    if around is None:
        matrix_recount(matrix)
        return changed
    around.apply({(c.activity_id, c.role_id): c.value for c in changes})
    after = findings.around_counts(around, matrix.rule_settings, matrix.acknowledged)
    _counts_move(matrix, {key: after[key] - before[key] for key in after})
    return changed


def _counts_move(matrix: Matrix, delta: dict[str, int]) -> None:
    """Move the matrix's stored counts by `delta` (by severity, and "acknowledged")."""
    if not any(delta.values()):
        return
    # Never below zero: a count stored before a rule existed may be behind (`_write_cell_change`).
    matrix.errors = max(matrix.errors + delta["error"], 0)
    matrix.warnings = max(matrix.warnings + delta["warning"], 0)
    matrix.infos = max(matrix.infos + delta["info"], 0)
    matrix.acknowledged_count = max(matrix.acknowledged_count + delta["acknowledged"], 0)
    Matrix.objects.filter(pk=matrix.pk).update(
        errors=Greatest(F("errors") + delta["error"], 0),
        warnings=Greatest(F("warnings") + delta["warning"], 0),
        infos=Greatest(F("infos") + delta["info"], 0),
        acknowledged_count=Greatest(F("acknowledged_count") + delta["acknowledged"], 0),
    )


def _cells_saved(matrix: Matrix, changes: Sequence[CellChange], actor, around: CellsAround | None) -> int:
    """Write the cells (their values read already) and one "cell" event per cell that changes, in a
    fixed number of statements however many cells change (a paste or its undo may be the
    whole matrix); a cell named twice takes its last value, both changes recorded. The rows'
    names and the columns' codes come from `around` when the counts read it already."""
    pairs = {(c.activity_id, c.role_id) for c in changes}
    if around is not None:
        activities = {pk: row.name for pk, row in around.activities.items()}
        roles = {c.role_id: c.code for c in around.columns if c.role_id in {r for _, r in pairs}}
    else:
        activities = dict(
            Activity.objects.filter(matrix=matrix, pk__in={a for a, _ in pairs}).values_list("pk", "name")
        )
        roles = dict(
            Column.objects.filter(matrix=matrix, role_id__in={r for _, r in pairs}).values_list("role_id", "role__code")
        )
    # (activity, role) -> [id, value, version]: plain rows, no model per cell (a paste or its
    # undo may be 20,000 cells).
    existing: dict[tuple[int, int], list] = {
        (a, r): [pk, value, version]
        for pk, a, r, value, version in Cell.objects.filter(activity_id__in=activities, role_id__in=roles).values_list(
            "id", "activity_id", "role_id", "value", "version"
        )
    }
    created: dict[tuple[int, int], list] = {}  # -> [None, value, version]
    updated: dict[tuple[int, int], list] = {}
    events: list[tuple[int, int, str, str, str]] = []  # activity, role, target, before, after
    for change in changes:
        if change.activity_id not in activities or change.role_id not in roles:
            raise NotFound("That activity or role is no longer in the matrix.")
        key = (change.activity_id, change.role_id)
        cell = existing.get(key)
        before = cell[1] if cell else ""
        if before == change.value:
            continue
        if cell is None:
            existing[key] = created[key] = [None, change.value, 1]
        else:
            cell[1], cell[2] = change.value, cell[2] + 1
            if key not in created:
                updated[key] = cell
        target = f"{activities[change.activity_id]} × {roles[change.role_id]}"[:500]
        events.append((change.activity_id, change.role_id, target, DISPLAY[before], DISPLAY[change.value]))
    if not events:
        return 0
    first = changelog.lock(matrix=matrix, bump=len(events)) - len(events) + 1
    # Every event of one write belongs to the same group (or to none).
    group, label = changelog.group_fields(matrix_id=matrix.pk, seq=first)
    if connection.vendor == "postgresql":
        _cells_saved_postgresql(matrix, actor, created, updated, events, first, group, label)
        return len(events)
    Cell.objects.bulk_create(
        (
            Cell(activity_id=a, role_id=r, value=value, version=version)
            for (a, r), (_, value, version) in created.items()
        ),
        batch_size=500,
    )
    Cell.objects.bulk_update(
        [Cell(pk=pk, value=value, version=version) for pk, value, version in updated.values()],
        ["value", "version"],
        batch_size=500,
    )
    via = changelog.current_via()
    ChangeEvent.objects.bulk_create(
        (
            ChangeEvent(
                matrix=matrix,
                seq=seq,
                actor=actor,
                kind="cell",
                activity_id_ref=a,
                role_id_ref=r,
                target=target,
                before=before,
                after=after,
                group=group,
                group_label=label,
                via=via,
            )
            for seq, (a, r, target, before, after) in enumerate(events, start=first)
        ),
        batch_size=500,
    )
    return len(events)


# Rows per statement of a big write on PostgreSQL. Each column goes as one array parameter
# (`unnest`), so a statement has a handful of parameters however many rows it writes.
ROWS_PER_STATEMENT = 5_000


def _cells_saved_postgresql(matrix: Matrix, actor, created, updated, events, first: int, group, label) -> None:
    """The cells and their events in a few statements a chunk: each column an array."""
    ops = connection.ops
    at = ops.adapt_datetimefield_value(timezone.now())
    via = changelog.current_via()
    columns = ", ".join(ops.quote_name(c) for c in EVENT_COLUMNS)
    made = list(created.items())
    changed = list(updated.values())
    step = ROWS_PER_STATEMENT
    with connection.cursor() as cursor:
        for start in range(0, len(made), step):
            chunk = made[start : start + step]
            cursor.execute(
                f"INSERT INTO {_CELL} (activity_id, role_id, value, version) "
                f"SELECT * FROM unnest(%s::integer[], %s::integer[], %s::varchar[], %s::integer[])",
                [[a for (a, _), _ in chunk], [r for (_, r), _ in chunk], [v[1] for _, v in chunk], [1] * len(chunk)],
            )
        for start in range(0, len(changed), step):
            rows = changed[start : start + step]
            cursor.execute(
                f"UPDATE {_CELL} AS c SET value = v.value, version = v.version "
                f"FROM unnest(%s::integer[], %s::varchar[], %s::integer[]) AS v (id, value, version) "
                f"WHERE c.id = v.id",
                [[row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]],
            )
        for start in range(0, len(events), step):
            chunk = events[start : start + step]
            cursor.execute(
                f"INSERT INTO {_EVENT} ({columns}) "
                f"SELECT %s::integer, u.seq, %s::integer, %s::timestamptz, 'cell', u.a, u.r, u.target, to_jsonb(u.before), "
                f"to_jsonb(u.after), %s::bigint, %s::varchar, %s::varchar "
                f"FROM unnest(%s::integer[], %s::integer[], %s::integer[], %s::varchar[], %s::text[], "
                f"%s::text[]) AS u (seq, a, r, target, before, after)",
                [
                    matrix.pk,
                    actor.pk if actor else None,
                    at,
                    group,
                    label,
                    via,
                    list(range(first + start, first + start + len(chunk))),
                    [e[0] for e in chunk],
                    [e[1] for e in chunk],
                    [e[2] for e in chunk],
                    [e[3] for e in chunk],
                    [e[4] for e in chunk],
                ],
            )


def store_counts(matrix: Matrix, grid: Grid) -> None:
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


def matrix_recount(matrix: Matrix) -> None:
    """Store the matrix's finding counts after a change that may move any of them."""
    store_counts(matrix, matrix_grid(matrix=matrix))
