"""Writes. Every change to a matrix goes through here: it takes the matrix's write lock,
checks, saves, and records a ChangeEvent in the same transaction.

Views turn the domain errors into responses: `StaleEdit` is 409, `InvalidInput` 422,
`NotFound` 404.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from core.errors import Conflict, InvalidInput, NotFound, StaleEdit
from core.text import NAME_MAX, clean_name, unique_slug
from raci import changelog, fixes, limits, rules, selectors
from raci.models import (
    Activity,
    Cell,
    ChangeEvent,
    Column,
    Decision,
    Matrix,
    Template,
    TemplateActivity,
    TemplateRole,
    TemplateVersion,
)
from raci.phases import PHASE_LABELS
from raci.rules import DISPLAY, VALUES
from raci.selectors import cell_neighbourhood, matrix_grid, neighbourhood_findings
from workspaces.models import Access, Membership, Role, RoleHolder, Workspace
from workspaces.services import role_create


@dataclass(slots=True)
class CellResult:
    activity_id: int
    role_id: int
    value: str
    version: int
    changed: bool
    row_findings: list[rules.Finding]
    column_findings: list[rules.Finding]
    counts: dict[str, int]


# --- the write lock and the change log -------------------------------------------------

def _next_seq(matrix: Matrix) -> int:
    """Take the matrix's write lock and the next change number (see changelog.lock)."""
    return changelog.lock(matrix=matrix)


def _record(matrix: Matrix, *, actor, kind: str, target: str = "", activity_id=None, role_id=None,
            before=None, after=None, seq: int | None = None) -> ChangeEvent:
    return changelog.record(matrix=matrix, actor=actor, kind=kind, target=target, activity_id=activity_id,
                            role_id=role_id, before=before, after=after, seq=seq)


def parse_value(text: str) -> str:
    """A cell value as typed or posted: R, A, A/R (any spelling), C, I, or empty."""
    compact = "".join(ch for ch in (text or "").upper() if ch not in " /,+&-")
    if compact in ("RA",):
        compact = "AR"
    if compact == "" or compact in VALUES:
        return compact
    raise InvalidInput(f"“{text}” is not a RACI value: use R, A, A/R, C, I or leave it empty.", "value")


# --- cells -----------------------------------------------------------------------------

def _lock(matrix: Matrix) -> None:
    changelog.lock(matrix=matrix)


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _write_cell_change(matrix: Matrix, *, actor, activity_id: int, role_id: int, value: str, create: bool,
                       delta: dict[str, int], target: str, before: str) -> None:
    """The cell, the matrix's counts and the change event, written in plain SQL (the hot
    path: see prepared.py). On PostgreSQL the three writes go as one statement: each
    round trip costs more than the writes themselves."""
    ops = connection.ops
    columns = ", ".join(ops.quote_name(c) for c in (
        "matrix_id", "seq", "actor_id", "at", "kind", "activity_id_ref", "role_id_ref", "target", "before", "after",
        "group", "group_label"))
    event_sql = f"INSERT INTO {_EVENT} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    event_params = [matrix.pk, matrix.last_seq, actor.pk if actor else None, ops.adapt_datetimefield_value(timezone.now()),
                    "cell", activity_id, role_id, target[:500], ops.adapt_json_value(before, None),
                    ops.adapt_json_value(DISPLAY[value], None),
                    *changelog.group_fields(matrix_id=matrix.pk, seq=matrix.last_seq)]
    cell_sql = f"UPDATE {_CELL} SET value = %s, version = version + 1 WHERE activity_id = %s AND role_id = %s"
    cell_params = [value, activity_id, role_id]
    counts_sql = (f"UPDATE {_MATRIX} SET errors = errors + %s, warnings = warnings + %s, infos = infos + %s "
                  f"WHERE id = %s")
    counts_params = [delta["error"], delta["warning"], delta["info"], matrix.pk]
    if create:
        Cell.objects.create(activity_id=activity_id, role_id=role_id, value=value, version=1)
    if connection.vendor == "postgresql":
        ctes = [] if create else [(cell_sql, cell_params)]
        if any(delta.values()):
            ctes.append((counts_sql, counts_params))
        with_sql = ", ".join(f"w{i} AS ({sql} RETURNING 1)" for i, (sql, _) in enumerate(ctes))
        _execute((f"WITH {with_sql} " if ctes else "") + event_sql,
                 [p for _, params in ctes for p in params] + event_params)
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
    if connection.vendor == "postgresql" and not changelog.group_open(matrix_id=matrix.pk):
        result = _cell_set_if_unchanged(matrix=matrix, activity_id=activity_id, role_id=role_id, value=value,
                                        expected_version=expected_version, actor=actor)
        if result is not None:
            return result
    return _cell_set_locked(matrix=matrix, activity_id=activity_id, role_id=role_id, value=value,
                            expected_version=expected_version, actor=actor)


@dataclass(slots=True)
class _Planned:
    """A cell edit worked out from the cell's row and column, before anything is written."""

    before: str
    version: int
    result: CellResult | None  # the answer when nothing is to be written
    delta: dict[str, int]
    target: str


def _plan(matrix: Matrix, *, activity_id: int, role_id: int, value: str, expected_version: int) -> _Planned:
    hood = cell_neighbourhood(matrix=matrix, activity_id=activity_id, role_id=role_id)
    if hood.activity is None or hood.column is None:
        raise NotFound("That activity or role is no longer in the matrix.")
    before, version = hood.row[role_id]
    if version != expected_version:
        raise StaleEdit(value=before, version=version)
    settings = matrix.rule_settings
    old_row, old_column = neighbourhood_findings(hood, settings, role_id)
    if before == value:
        return _Planned(before, version, CellResult(activity_id, role_id, value, version, False, old_row, old_column,
                                                    matrix.counts), {}, "")
    new_row, new_column = neighbourhood_findings(hood, settings, role_id, value)
    old, new = rules.count_by_severity(old_row + old_column), rules.count_by_severity(new_row + new_column)
    delta = {severity: new[severity] - old[severity] for severity in new}
    planned = _Planned(before, version, None, delta, f"{hood.activity.name} × {hood.column.code}")
    planned.result = CellResult(activity_id, role_id, value, version + 1, True, new_row, new_column, {})
    return planned


def _applied(matrix: Matrix, planned: _Planned) -> CellResult:
    matrix.errors += planned.delta["error"]
    matrix.warnings += planned.delta["warning"]
    matrix.infos += planned.delta["info"]
    planned.result.counts = matrix.counts
    return planned.result


def _cell_set_if_unchanged(*, matrix: Matrix, activity_id: int, role_id: int, value: str, expected_version: int,
                           actor) -> CellResult | None:
    """The edit in one statement if no write landed since `matrix` was read, else None."""
    planned = _plan(matrix, activity_id=activity_id, role_id=role_id, value=value, expected_version=expected_version)
    if not planned.result.changed:
        return planned.result
    ops = connection.ops
    cell_sql = _guarded_cell_sql(create=planned.version == 0, durable=settings.CELL_EDIT_SYNCHRONOUS_COMMIT)
    params = [planned.delta["error"], planned.delta["warning"], planned.delta["info"], matrix.pk, matrix.last_seq,
              activity_id, role_id, value,
              matrix.pk, actor.pk if actor else None, ops.adapt_datetimefield_value(timezone.now()), "cell",
              activity_id, role_id, planned.target[:500], ops.adapt_json_value(DISPLAY[planned.before], None),
              ops.adapt_json_value(DISPLAY[value], None)]
    with connection.cursor() as cursor:
        cursor.execute(cell_sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    matrix.last_seq = row[0]
    return _applied(matrix, planned)


@transaction.atomic
def _cell_set_locked(*, matrix: Matrix, activity_id: int, role_id: int, value: str, expected_version: int,
                     actor) -> CellResult:
    _lock(matrix)
    planned = _plan(matrix, activity_id=activity_id, role_id=role_id, value=value, expected_version=expected_version)
    if not planned.result.changed:
        transaction.set_rollback(True)
        matrix.last_seq -= 1
        return planned.result
    _write_cell_change(matrix, actor=actor, activity_id=activity_id, role_id=role_id, value=value,
                       create=planned.version == 0, delta=planned.delta, target=planned.target,
                       before=DISPLAY[planned.before])
    return _applied(matrix, planned)


@functools.cache
def _guarded_cell_sql(*, create: bool, durable: bool) -> str:
    """One statement: bump the sequence and move the counts if the sequence is still the
    one the edit was worked out at (after waiting for any writer holding the matrix's row,
    PostgreSQL checks the condition again on the row it committed), write the cell and
    record the change; no row comes back when the sequence had moved on."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("matrix_id", "seq", "actor_id", "at", "kind", "activity_id_ref",
                                       "role_id_ref", "target", "before", "after", "group", "group_label"))
    if create:
        cell = (f"INSERT INTO {_CELL} (activity_id, role_id, value, version) "
                f"SELECT %s, %s, %s, 1 FROM bumped RETURNING 1")
    else:
        cell = (f"UPDATE {_CELL} SET value = v.value, version = {_CELL}.version + 1 FROM bumped, "
                f"(SELECT %s::integer AS activity_id, %s::integer AS role_id, %s::varchar AS value) v "
                f"WHERE {_CELL}.activity_id = v.activity_id AND {_CELL}.role_id = v.role_id RETURNING 1")
    # Unless settings say otherwise, the statement's own transaction commits without waiting
    # for its WAL to reach the disk (PostgreSQL's synchronous_commit, for this transaction
    # only): on a busy disk that wait is most of an edit. A database crash can then lose the
    # last moments of edits, never half of one, as SQLite's synchronous=NORMAL here does.
    wait = "" if durable else (
        " AND set_config('synchronous_commit', 'off', true) IS NOT NULL")
    return (f"WITH bumped AS (UPDATE {_MATRIX} SET last_seq = last_seq + 1, errors = errors + %s, "
            f"warnings = warnings + %s, infos = infos + %s WHERE id = %s AND last_seq = %s{wait} "
            f"RETURNING last_seq), "
            f"written AS ({cell}) "
            f"INSERT INTO {_EVENT} ({columns}) SELECT %s, bumped.last_seq, %s, %s, %s, %s, %s, %s, %s, %s, NULL, '' "
            f"FROM bumped, (SELECT count(*) AS n FROM written) w WHERE w.n = 1 RETURNING seq")


def matrix_recount(matrix: Matrix) -> None:
    """Store the matrix's finding counts after a change that may move any of them."""
    counts = matrix_grid(matrix=matrix).counts
    matrix.errors, matrix.warnings, matrix.infos = counts["error"], counts["warning"], counts["info"]
    Matrix.objects.filter(pk=matrix.pk).update(errors=matrix.errors, warnings=matrix.warnings, infos=matrix.infos)


# --- activities ------------------------------------------------------------------------

def _activity(matrix: Matrix, activity_id: int, *, lock: bool = False) -> Activity:
    try:
        return Activity.objects.get(matrix=matrix, pk=activity_id)
    except Activity.DoesNotExist:
        raise NotFound("That activity is no longer in the matrix.") from None


def _check_unique_activity(matrix: Matrix, name: str, phase: str, exclude: int | None = None) -> None:
    clash = Activity.objects.filter(matrix=matrix, phase=phase, name__iexact=name)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise InvalidInput(f"“{name}” is already an activity in {PHASE_LABELS[phase]}.", "name")


def _clean_phase(phase: str) -> str:
    if phase not in PHASE_LABELS:
        raise InvalidInput(f"“{phase}” is not a phase.", "phase")
    return phase


def _check_room(matrix: Matrix, *, activity: bool = False, role: bool = False, field: str = "name") -> None:
    """Refuse an activity or a role column that would take the matrix past its limits
    (raci.limits, the same as for imports). Called under the matrix's write lock, so two
    adds at once cannot both take the last place."""
    activities = Activity.objects.filter(matrix=matrix).count()
    roles = Column.objects.filter(matrix=matrix).count()
    problem = (limits.activity_add_problem(activities=activities, roles=roles) if activity
               else limits.role_add_problem(activities=activities, roles=roles) if role else None)
    if problem:
        raise InvalidInput(problem, field)


@transaction.atomic
def activity_add(*, matrix: Matrix, name: str, phase: str = "", description: str = "", actor) -> Activity:
    seq = _next_seq(matrix)
    _check_room(matrix, activity=True)
    name, phase = clean_name(name, "activity"), _clean_phase(phase)
    _check_unique_activity(matrix, name, phase)
    top = Activity.objects.filter(matrix=matrix).aggregate(top=Max("order"))["top"]
    activity = Activity.objects.create(matrix=matrix, name=name, phase=phase, description=description.strip()[:2000],
                                       order=(top or 0) + 1)
    _record(matrix, actor=actor, kind="activity.add", seq=seq, activity_id=activity.pk, target=name,
            after={"name": name, "phase": phase, "description": activity.description})
    matrix_recount(matrix)
    return activity


@transaction.atomic
def activity_update(*, matrix: Matrix, activity_id: int, name: str, phase: str, description: str, actor,
                    expected_version: int | None = None) -> Activity:
    seq = _next_seq(matrix)
    activity = _activity(matrix, activity_id)
    if expected_version is not None and expected_version != activity.version:
        raise Conflict(f"Someone changed this activity while you were editing it: it is now “{activity.name}”. "
                       "Your change was not saved; edit it again.")
    name, phase = clean_name(name, "activity"), _clean_phase(phase)
    _check_unique_activity(matrix, name, phase, exclude=activity.pk)
    before = {"name": activity.name, "phase": activity.phase, "description": activity.description}
    activity.name, activity.phase, activity.description = name, phase, description.strip()[:2000]
    after = {"name": name, "phase": phase, "description": activity.description}
    if before == after:
        transaction.set_rollback(True)
        return activity
    activity.version += 1
    activity.save(update_fields=["name", "phase", "description", "version"])
    _record(matrix, actor=actor, kind="activity.update", seq=seq, activity_id=activity.pk, target=name,
            before=before, after=after)
    return activity


@transaction.atomic
def activity_move(*, matrix: Matrix, activity_id: int, direction: str, actor) -> None:
    """Swap an activity with its neighbour above or below, within its phase."""
    seq = _next_seq(matrix)
    activity = _activity(matrix, activity_id)
    siblings = list(Activity.objects.filter(matrix=matrix, phase=activity.phase).order_by("order", "id"))
    index = next(i for i, a in enumerate(siblings) if a.pk == activity.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        transaction.set_rollback(True)
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.order = position
    Activity.objects.bulk_update(siblings, ["order"])
    _record(matrix, actor=actor, kind="activity.move", seq=seq, activity_id=activity.pk, target=activity.name,
            before={"position": index}, after={"position": other})


@transaction.atomic
def activity_delete(*, matrix: Matrix, activity_id: int, actor) -> None:
    seq = _next_seq(matrix)
    activity = _activity(matrix, activity_id)
    letters = {str(role_id): value for role_id, value in activity.cells.exclude(value="").values_list("role_id", "value")}
    _record(matrix, actor=actor, kind="activity.delete", seq=seq, activity_id=activity.pk, target=activity.name,
            before={"name": activity.name, "phase": activity.phase, "description": activity.description,
                    "order": activity.order, "letters": letters})
    activity.delete()
    matrix_recount(matrix)


@transaction.atomic
def activity_split(*, matrix: Matrix, activity_id: int, input_role_id: int, outcome_role_id: int, actor,
                   since: int | None = None) -> tuple[Activity, Activity]:
    """Seed 000's boundary script: one activity becomes "<name>: input", owned (A/R) by
    `input_role_id` with the other consulted, and "<name>: outcome", the reverse. Everyone
    else keeps their letters, but nobody else stays accountable (fixes.split_letters), so
    a split never adds an error. Recorded as one group; refused if the row changed after
    `since`."""
    seq = _next_seq(matrix)
    activity = _activity(matrix, activity_id)
    original = activity.name
    label = f"Split “{original}” into input and outcome"
    columns = set(Column.objects.filter(matrix=matrix).values_list("role_id", flat=True))
    if input_role_id not in columns or outcome_role_id not in columns:
        raise InvalidInput("Pick the owners among the matrix's roles.", "input_role")
    if input_role_id == outcome_role_id:
        raise InvalidInput("The input and the outcome need different owners: pick two roles.", "outcome_role")
    if since is not None:
        changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=[activity.pk])
    _check_room(matrix, activity=True)
    names = (f"{original}: input", f"{original}: outcome")
    for name in names:
        if len(name) > NAME_MAX:
            raise InvalidInput(f"The name is too long to split; shorten “{original}” first.", "name")
        _check_unique_activity(matrix, name, activity.phase)
    row = {r: v for r, v in activity.cells.filter(role_id__in=columns).exclude(value="").values_list("role_id", "value")}
    input_row, outcome_row = fixes.split_letters(row, input_role_id, outcome_role_id)
    with changelog.changes_group(matrix=matrix, label=label):
        Activity.objects.filter(matrix=matrix, order__gt=activity.order).update(order=F("order") + 1)
        outcome = Activity.objects.create(matrix=matrix, name=names[1], phase=activity.phase,
                                          description=activity.description, order=activity.order + 1)
        activity.name, activity.version = names[0], activity.version + 1
        activity.save(update_fields=["name", "version"])
        _record(matrix, actor=actor, kind="activity.split", seq=seq, activity_id=activity.pk, target=original,
                before={"name": original}, after={"input": names[0], "outcome": names[1], "outcome_id": outcome.pk})
        changes = [changelog.CellChange(activity.pk, r, input_row.get(r, "")) for r in columns]
        changes += [changelog.CellChange(outcome.pk, r, v) for r, v in outcome_row.items()]
        changelog.cells_set(matrix=matrix, changes=changes, actor=actor, label=label)
    matrix_recount(matrix)
    return activity, outcome


@transaction.atomic
def activity_restore(*, matrix: Matrix, seq: int, actor) -> Activity:
    """Bring back an activity removed at change `seq`, with its letters for the roles
    that are still columns."""
    event = ChangeEvent.objects.filter(matrix=matrix, seq=seq, kind="activity.delete").first()
    if event is None:
        raise NotFound("There is no removed activity at that point of the history.")
    new_seq = _next_seq(matrix)
    _check_room(matrix, activity=True)
    before = event.before
    name, phase = before["name"], before["phase"]
    _check_unique_activity(matrix, name, phase)
    columns = set(Column.objects.filter(matrix=matrix).values_list("role_id", flat=True))
    activity = Activity.objects.create(matrix=matrix, name=name, phase=phase, description=before["description"],
                                       order=before["order"])
    Cell.objects.bulk_create([Cell(activity=activity, role_id=int(r), value=v, version=1)
                              for r, v in before["letters"].items() if int(r) in columns])
    _record(matrix, actor=actor, kind="activity.restore", seq=new_seq, activity_id=activity.pk, target=name,
            after={"restored_from": seq, "name": name, "phase": phase})
    matrix_recount(matrix)
    return activity


@transaction.atomic
def column_restore(*, matrix: Matrix, seq: int, actor) -> Role:
    """Bring back a role's column removed at change `seq`; its letters were kept."""
    event = ChangeEvent.objects.filter(matrix=matrix, seq=seq, kind="column.remove").first()
    if event is None:
        raise NotFound("There is no removed column at that point of the history.")
    if not Role.objects.filter(workspace_id=matrix.workspace_id, pk=event.role_id_ref).exists():
        raise InvalidInput(f"The role {event.target} was deleted from the workspace; add it again first.")
    return column_add(matrix=matrix, role_id=event.role_id_ref, actor=actor)


# --- roles and columns -----------------------------------------------------------------


def _recount_matrices_with_roles(role_ids) -> None:
    """Who holds which role moves the shared-hats findings of every matrix with the role."""
    ids = Column.objects.filter(role_id__in=role_ids).values("matrix_id")
    for matrix in Matrix.objects.filter(pk__in=ids).select_for_update():
        matrix_recount(matrix)


@transaction.atomic
def column_add(*, matrix: Matrix, role_id: int | None = None, name: str = "", code: str = "", actor) -> Role:
    """Add a role's column to the matrix: an existing role, or a new one by name and code."""
    seq = _next_seq(matrix)
    _check_room(matrix, role=True, field="role")
    if role_id:
        role = Role.objects.filter(workspace_id=matrix.workspace_id, pk=role_id).first()
        if role is None:
            raise NotFound("That role no longer exists.")
    else:
        role = role_create(workspace=matrix.workspace, name=name, code=code)
    if Column.objects.filter(matrix=matrix, role=role).exists():
        raise InvalidInput(f"{role.code} is already a column of this matrix.", "role")
    top = Column.objects.filter(matrix=matrix).aggregate(top=Max("order"))["top"]
    Column.objects.create(matrix=matrix, role=role, order=(top or 0) + 1)
    _record(matrix, actor=actor, kind="column.add", seq=seq, role_id=role.pk, target=role.code,
            after={"code": role.code, "name": role.name})
    matrix_recount(matrix)
    return role


@transaction.atomic
def column_move(*, matrix: Matrix, role_id: int, direction: str, actor) -> None:
    seq = _next_seq(matrix)
    columns = list(Column.objects.filter(matrix=matrix).select_related("role").order_by("order", "id"))
    index = next((i for i, c in enumerate(columns) if c.role_id == role_id), None)
    if index is None:
        raise NotFound("That role is no longer a column of the matrix.")
    other = index - 1 if direction == "left" else index + 1
    if direction not in ("left", "right") or not 0 <= other < len(columns):
        transaction.set_rollback(True)
        return
    columns[index], columns[other] = columns[other], columns[index]
    for position, column in enumerate(columns):
        column.order = position
    Column.objects.bulk_update(columns, ["order"])
    _record(matrix, actor=actor, kind="column.move", seq=seq, role_id=role_id, target=columns[other].role.code,
            before={"position": index}, after={"position": other})


@transaction.atomic
def column_remove(*, matrix: Matrix, role_id: int, actor) -> None:
    """Remove a role's column; its letters stay stored for history and come back if the
    column is added again."""
    seq = _next_seq(matrix)
    column = Column.objects.filter(matrix=matrix, role_id=role_id).select_related("role").first()
    if column is None:
        raise NotFound("That role is no longer a column of the matrix.")
    letters = {str(a): v for a, v in Cell.objects.filter(activity__matrix=matrix, role_id=role_id)
               .exclude(value="").values_list("activity_id", "value")}
    _record(matrix, actor=actor, kind="column.remove", seq=seq, role_id=role_id, target=column.role.code,
            before={"code": column.role.code, "order": column.order, "letters": letters})
    column.delete()
    matrix_recount(matrix)


# --- matrices --------------------------------------------------------------------------

# Words the URLs use where a slug goes: /w/new/ and /w/<ws>/matrices/new/ are pages, so a
# workspace or matrix named "New" is /w/new-2/. A test checks these against the URL patterns.
RESERVED_MATRIX_SLUGS = frozenset({"new"})


@transaction.atomic
def matrix_create(*, workspace: Workspace, name: str, actor, template: Template | None = None,
                  description: str = "") -> Matrix:
    """A new matrix, empty or copied from a template: the template's roles are matched to
    the workspace's roles by code, and created where the workspace lacks them."""
    name = clean_name(name, "matrix")
    if Matrix.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise InvalidInput(f"The workspace already has a matrix named “{name}”.", "name")
    if template is not None:
        problem = limits.size_problem(activities=template.activities.count(), roles=template.roles.count())
        if problem:
            raise InvalidInput(f"The template “{template.name}” is too big to copy: {problem}", "template")
    matrix = Matrix.objects.create(workspace=workspace, name=name, owner=actor, description=description.strip()[:2000],
                                   slug=unique_slug(Matrix.objects.filter(workspace=workspace), name,
                                                     RESERVED_MATRIX_SLUGS),
                                   last_reviewed_on=timezone.localdate())
    if template is not None:
        _copy_template_into(matrix, template, actor)
        matrix.template, matrix.template_version = template, template_snapshot(template=template).number
        matrix.save(update_fields=["template", "template_version"])
    _record(matrix, actor=actor, kind="matrix.create", target=name,
            after={"template": template.slug if template else None})
    matrix_recount(matrix)
    return matrix


def _copy_template_into(matrix: Matrix, template: Template, actor) -> None:
    workspace = matrix.workspace
    roles = {r.code.upper(): r for r in Role.objects.filter(workspace=workspace)}
    # Role holders are set by workspace admins only: an editor's new matrix hands out no hats.
    creator = Membership.objects.filter(workspace=workspace, user=actor, access=Access.ADMIN).first()
    columns, newly_held = [], []
    for position, spec in enumerate(template.roles.all()):
        role = roles.get(spec.code.upper())
        if role is None:
            name = spec.name
            if Role.objects.filter(workspace=workspace, name__iexact=name).exists():
                name = f"{spec.name} ({spec.code})"
            role = roles[spec.code.upper()] = Role.objects.create(
                workspace=workspace, code=spec.code.upper(), name=name, description=spec.description)
        if spec.held_by_creator and creator is not None:
            if RoleHolder.objects.get_or_create(role=role, membership=creator)[1]:
                newly_held.append(role.pk)
        columns.append(Column(matrix=matrix, role=role, order=position))
    Column.objects.bulk_create(columns)
    activities = Activity.objects.bulk_create([
        Activity(matrix=matrix, name=a.name, phase=a.phase, description=a.description, order=position,
                 template_key=a.key, source=a.source[:4000])
        for position, a in enumerate(template.activities.all())
    ])
    cells = []
    for activity, spec in zip(activities, template.activities.all()):
        for code, value in spec.letters.items():
            if code.upper() in roles and value in VALUES:
                cells.append(Cell(activity=activity, role=roles[code.upper()], value=value, version=1))
    Cell.objects.bulk_create(cells)
    if newly_held:
        _recount_matrices_with_roles(newly_held)


@transaction.atomic
def matrix_update(*, matrix: Matrix, name: str, description: str, max_responsible: int, max_consulted: int,
                  overload_min_activities: int, review_cadence_days: int | None, actor,
                  overload_percent: int = 75) -> Matrix:
    seq = _next_seq(matrix)
    name = clean_name(name, "matrix")
    if Matrix.objects.filter(workspace_id=matrix.workspace_id, name__iexact=name).exclude(pk=matrix.pk).exists():
        raise InvalidInput(f"The workspace already has a matrix named “{name}”.", "name")
    fields = ["name", "description", "max_responsible", "max_consulted", "overload_min_activities", "overload_percent",
              "review_cadence_days"]
    before = {f: getattr(matrix, f) for f in fields}
    matrix.name, matrix.description = name, description.strip()[:2000]
    matrix.max_responsible, matrix.max_consulted = max_responsible, max_consulted
    matrix.overload_min_activities, matrix.review_cadence_days = overload_min_activities, review_cadence_days
    matrix.overload_percent = overload_percent
    after = {f: getattr(matrix, f) for f in fields}
    if before == after:
        transaction.set_rollback(True)
        return matrix
    matrix.save(update_fields=[*fields, "updated_at"])
    _record(matrix, actor=actor, kind="matrix.update", seq=seq, target=name, before=before, after=after)
    matrix_recount(matrix)
    return matrix


@transaction.atomic
def matrix_set_owner(*, matrix: Matrix, owner_id: int | None, actor) -> Matrix:
    if owner_id is not None and not Membership.objects.filter(workspace_id=matrix.workspace_id, user_id=owner_id).exists():
        raise InvalidInput("The owner must be a member of the workspace.", "owner")
    if matrix.owner_id == owner_id:
        return matrix
    seq = _next_seq(matrix)
    before = matrix.owner_id
    Matrix.objects.filter(pk=matrix.pk).update(owner_id=owner_id)
    matrix.owner_id = owner_id
    _record(matrix, actor=actor, kind="matrix.update", seq=seq, target="owner", before={"owner": before},
            after={"owner": owner_id})
    return matrix


@transaction.atomic
def matrix_mark_reviewed(*, matrix: Matrix, actor) -> Matrix:
    """The owner went through the matrix: the next review is one cadence from today."""
    seq = _next_seq(matrix)
    before = matrix.last_reviewed_on
    matrix.last_reviewed_on = timezone.localdate()
    Matrix.objects.filter(pk=matrix.pk).update(last_reviewed_on=matrix.last_reviewed_on)
    _record(matrix, actor=actor, kind="matrix.review", seq=seq, target=matrix.name,
            before={"last_reviewed_on": before.isoformat() if before else None},
            after={"last_reviewed_on": matrix.last_reviewed_on.isoformat()})
    return matrix


# --- decisions -------------------------------------------------------------------------

def _decision_fields(matrix: Matrix, *, what: str, why: str, activity_id: int | None, decided_by_id: int | None,
                     decided_on, review_on) -> dict:
    what = " ".join((what or "").split())
    if not what:
        raise InvalidInput("Say what was decided.", "what")
    if len(what) > 500:
        raise InvalidInput(f"Keep the decision under 500 characters (it has {len(what)}); put the detail in “why”.", "what")
    if activity_id is not None and not Activity.objects.filter(matrix=matrix, pk=activity_id).exists():
        raise InvalidInput("That activity is not in this matrix.", "activity")
    if decided_by_id is not None and not Membership.objects.filter(workspace_id=matrix.workspace_id,
                                                                   user_id=decided_by_id).exists():
        raise InvalidInput("The person who decided must be a member of the workspace.", "decided_by")
    if review_on is not None and review_on < decided_on:
        raise InvalidInput("The review date comes after the decision date.", "review_on")
    return {"what": what, "why": (why or "").strip()[:4000], "activity_id": activity_id,
            "decided_by_id": decided_by_id, "decided_on": decided_on, "review_on": review_on}


@transaction.atomic
def decision_add(*, matrix: Matrix, actor, **fields) -> Decision:
    return Decision.objects.create(matrix=matrix, created_by=actor, **_decision_fields(matrix, **fields))


@transaction.atomic
def decision_update(*, matrix: Matrix, decision_id: int, **fields) -> Decision:
    decision = Decision.objects.select_for_update().filter(matrix=matrix, pk=decision_id).first()
    if decision is None:
        raise NotFound("That decision no longer exists.")
    for key, value in _decision_fields(matrix, **fields).items():
        setattr(decision, key, value)
    decision.save()
    return decision


@transaction.atomic
def decision_delete(*, matrix: Matrix, decision_id: int) -> None:
    if not Decision.objects.filter(matrix=matrix, pk=decision_id).delete()[0]:
        raise NotFound("That decision no longer exists.")


@transaction.atomic
def matrix_delete(*, matrix: Matrix) -> None:
    Matrix.objects.filter(pk=matrix.pk).delete()


@transaction.atomic
def template_from_matrix(*, matrix: Matrix, name: str, stage: str, description: str = "") -> Template:
    """Save a matrix's activities, roles and letters as a template of its workspace."""
    name = clean_name(name, "template")
    if stage not in Template.Stage.values:
        raise InvalidInput("Pick a stage: startup, scale-up or enterprise.", "stage")
    workspace = matrix.workspace
    if Template.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise InvalidInput(f"The workspace already has a template named “{name}”.", "name")
    problem = limits.size_problem(activities=Activity.objects.filter(matrix=matrix).count(),
                                  roles=Column.objects.filter(matrix=matrix).count())
    if problem:
        # A matrix from before the limits can be this big; a template of it could not be used.
        raise InvalidInput(f"This matrix is too big to save as a template: {problem}", "name")
    template = Template.objects.create(workspace=workspace, name=name, stage=stage, description=description.strip()[:2000],
                                       slug=unique_slug(Template.objects.filter(workspace=workspace), name))
    grid = matrix_grid(matrix=matrix, check=False)
    codes = {c.role_id: c.code for c in grid.columns}
    TemplateRole.objects.bulk_create([
        TemplateRole(template=template, code=c.code, name=c.name, description=c.description, order=i)
        for i, c in enumerate(grid.columns)
    ])
    TemplateActivity.objects.bulk_create([
        TemplateActivity(template=template, name=a.name, phase=a.phase, description=a.description, order=i,
                         key=a.template_key, letters={codes[r]: v for (act, r), (v, _) in grid.cells.items() if act == a.id and v})
        for i, a in enumerate(grid.activities)
    ])
    template_snapshot(template=template)
    return template


# --- workspaces and members ------------------------------------------------------------


def hand_over_raci(*, membership: Membership, to: dict[str, Membership | None], actor) -> None:
    """The roles the member holds go to their new holders (or to nobody); the matrices they
    own get the new owner, recorded in each matrix's history."""
    for role_id in membership.held_roles.values_list("role_id", flat=True):
        target = to[f"role:{role_id}"]
        if target is not None:
            RoleHolder.objects.get_or_create(role_id=role_id, membership=target)
    for matrix in Matrix.objects.filter(workspace_id=membership.workspace_id, owner_id=membership.user_id):
        matrix_set_owner(matrix=matrix, owner_id=to[f"matrix:{matrix.pk}"].user_id, actor=actor)


# --- fixes ------------------------------------------------------------------------------

def _finding(grid, rule: str, activity_id: int | None, role_id: int | None):
    return next((f for f in grid.findings if f.rule == rule and f.activity == activity_id and f.role == role_id), None)


@transaction.atomic
def fix_apply(*, matrix: Matrix, rule: str, activity_id: int | None, role_id: int | None, code: str, since: int,
              actor) -> changelog.GroupResult:
    """Apply one of a finding's fixes (raci.fixes) as one group "Fix: <label>", undoable
    from the history. `since` is the matrix's sequence number when the person saw the
    preview: if the row (or the column, for a role's finding) changed after it, the fix is
    refused with what changed (`StaleChanges`), like a stale cell edit."""
    changelog.lock(matrix=matrix, bump=False)
    scope = {"activity_ids": [activity_id] if activity_id else [], "role_ids": [role_id] if role_id else []}
    grid = matrix_grid(matrix=matrix)
    finding = _finding(grid, rule, activity_id, role_id)
    if finding is None:
        changelog.refuse_if_changed(matrix=matrix, since=since, what="The fix", **scope)
        raise InvalidInput("That finding is gone already: there is nothing to fix.")
    fix = next((f for f in fixes.fixes_for(finding, grid.rule_input(), settings=matrix.rule_settings,
                                           template=selectors.template_letters(matrix=matrix)) if f.code == code), None)
    if fix is None or not fix.is_change:
        raise InvalidInput("That fix does not apply to this finding any more.")
    label = f"Fix: {fix.label}"
    changelog.refuse_if_changed(matrix=matrix, since=since, what=label, **scope)
    with changelog.changes_group(matrix=matrix, label=label) as group:
        changed = changelog.cells_set(matrix=matrix, actor=actor, label=label, changes=[
            changelog.CellChange(a, r, after) for a, r, _, after in fix.changes]).changed
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
    changelog.refuse_if_changed(matrix=matrix, since=since, what=label, role_ids=[role_id],
                                activity_ids=list(moves))
    roles = {c.role_id for c in grid.columns}
    changes = []
    for activity_id, to_role in moves.items():
        if grid.activity(activity_id) is None or to_role not in roles or to_role == role_id:
            raise InvalidInput("Hand each activity to another role of the matrix.", "moves")
        row = {r: v for (a, r), (v, _) in grid.cells.items() if a == activity_id and v}
        if row.get(role_id) not in ("A", "AR"):
            raise InvalidInput(f"{column.code} is not accountable for that activity any more.", "moves")
        after = fixes.handover_letters(row, from_role=role_id, to_role=to_role)
        changes += [changelog.CellChange(activity_id, r, after.get(r, "")) for r in {*row, *after}]
    return changelog.cells_set(matrix=matrix, changes=changes, actor=actor, label=label)


# --- templates: versions and drift -------------------------------------------------------

@transaction.atomic
def template_snapshot(*, template: Template) -> TemplateVersion:
    """Keep the template's content as its current version. If the content differs from the
    last kept version, the template's version goes up first: this is how an admin's change
    (seed_templates, the admin site) becomes "template updated" on the matrices made from it."""
    content = selectors.template_content(template=template)
    latest = TemplateVersion.objects.filter(template=template).order_by("-number").first()
    if latest is not None and latest.content == content:
        return latest
    number = max(template.version, latest.number + 1 if latest else 1)
    if number != template.version:
        Template.objects.filter(pk=template.pk).update(version=number)
        template.version = number
    return TemplateVersion.objects.update_or_create(template=template, number=number, defaults={"content": content})[0]


def _template_for(matrix: Matrix) -> Template:
    template = Template.objects.filter(pk=matrix.template_id).first() if matrix.template_id else None
    if template is None:
        raise NotFound("This matrix was not made from a template, or the template was deleted.")
    return template


@transaction.atomic
def row_reset_to_template(*, matrix: Matrix, activity_id: int, since: int, actor) -> changelog.GroupResult:
    """Set a row's letters to the template's (matched by activity name), for the matrix's
    roles; refused if the row changed after `since`."""
    changelog.lock(matrix=matrix, bump=False)
    template = _template_for(matrix)
    activity = _activity(matrix, activity_id)
    letters = next((a["letters"] for a in selectors.template_content(template=template)["activities"]
                    if a["name"].casefold() == activity.name.casefold()), None)
    if letters is None:
        raise InvalidInput(f"The template has no activity named “{activity.name}”.")
    label = f"Reset “{activity.name}” to the template"
    changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=[activity.pk])
    columns = Column.objects.filter(matrix=matrix).select_related("role")
    return changelog.cells_set(matrix=matrix, actor=actor, label=label, changes=[
        changelog.CellChange(activity.pk, c.role_id, letters.get(c.role.code.upper(), "")) for c in columns])


@transaction.atomic
def template_update_take(*, matrix: Matrix, key: str, since: int, actor) -> changelog.GroupResult:
    """Take one of the template's changes since the matrix's copy (`drift.Update.key`):
    add the row it added, remove the row it removed, or set the letters it changed. When
    nothing is left to take, the matrix is up to date with the template's version."""
    changelog.lock(matrix=matrix, bump=False)
    found = selectors.template_drift(matrix=matrix)
    update = next((u for u in (found.updates if found else []) if u.key == key), None)
    if update is None:
        raise InvalidInput("That template change is taken already, or the template changed again; look again.")
    label = f"From the template: {update.describe()}"[:changelog.GROUP_LABEL_MAX]
    grid = matrix_grid(matrix=matrix, check=False)
    mine = next((a for a in grid.activities if a.name.casefold() == update.name.casefold()), None)
    if mine is not None:
        changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=[mine.id])
    with changelog.changes_group(matrix=matrix, label=label) as group:
        if update.kind == "added":
            activity = activity_add(matrix=matrix, name=update.name, phase=update.after.phase,
                                    description=update.after.description, actor=actor)
            codes = {c.code.upper(): c.role_id for c in grid.columns}
            changelog.cells_set(matrix=matrix, actor=actor, label=label, changes=[
                changelog.CellChange(activity.pk, codes[c], v) for c, v in update.after.letters.items() if c in codes])
        elif update.kind == "removed":
            activity_delete(matrix=matrix, activity_id=mine.id, actor=actor)
        else:
            codes = {c.code.upper(): c.role_id for c in grid.columns}
            changed = {c for c in {*update.before.letters, *update.after.letters}
                       if update.before.letters.get(c, "") != update.after.letters.get(c, "") and c in codes}
            changelog.cells_set(matrix=matrix, actor=actor, label=label, changes=[
                changelog.CellChange(mine.id, codes[c], update.after.letters.get(c, "")) for c in sorted(changed)])
        left = selectors.template_drift(matrix=matrix)
        if left is not None and not left.updates:
            _template_version_seen(matrix, left.template)
        return changelog.GroupResult(group.id, group.label, 1)


def _template_version_seen(matrix: Matrix, template: Template) -> None:
    Matrix.objects.filter(pk=matrix.pk).update(template_version=template.version)
    matrix.template_version = template.version


@transaction.atomic
def template_updates_dismiss(*, matrix: Matrix, actor) -> None:
    """Keep the matrix as it is: the template's current version becomes its basis."""
    template = _template_for(matrix)
    seq = _next_seq(matrix)
    before = matrix.template_version
    _template_version_seen(matrix, template)
    _record(matrix, actor=actor, kind="matrix.update", seq=seq, target="template version",
            before={"template_version": before}, after={"template_version": template.version})
