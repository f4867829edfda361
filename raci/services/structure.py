"""Rows and columns: add, rename, move, split, delete and restore activities and roles."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max

from core.errors import Conflict, InvalidInput, NotFound
from core.text import NAME_MAX, clean_name
from raci import changelog, dependents, fixes, limits
from raci.models import (
    Activity,
    Cell,
    ChangeEvent,
    Column,
    Matrix,
)
from raci.services.cells import CellChange, cells_set, matrix_recount
from workspaces.models import Role
from workspaces.services import role_create
from workspaces.team_phases import phase_list


def activity_of(matrix: Matrix, activity_id: int, *, lock: bool = False) -> Activity:
    try:
        return Activity.objects.get(matrix=matrix, pk=activity_id)
    except Activity.DoesNotExist:
        raise NotFound("That activity is no longer in the matrix.") from None


def _check_unique_activity(matrix: Matrix, name: str, phase: str, exclude: int | None = None) -> None:
    clash = Activity.objects.filter(matrix=matrix, phase=phase, name__iexact=name)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        label = phase_list(workspace_id=matrix.workspace_id).label(phase)
        raise InvalidInput(f"“{name}” is already an activity in {label}.", "name")


def _clean_phase(matrix: Matrix, phase: str, current: str | None = None) -> str:
    """One of the workspace's phases (or unphased); an activity may keep the phase it has
    even when the workspace has since removed it from its list."""
    if phase and phase != current and phase not in phase_list(workspace_id=matrix.workspace_id):
        raise InvalidInput("That phase is not one of the workspace's phases; pick one from the list.", "phase")
    return phase


def _check_room(matrix: Matrix, *, activity: bool = False, role: bool = False, field: str = "name") -> None:
    """Refuse an activity or a role column that would take the matrix past its limits
    (raci.limits, the same as for imports). Called under the matrix's write lock, so two
    adds at once cannot both take the last place."""
    activities = Activity.objects.filter(matrix=matrix).count()
    roles = Column.objects.filter(matrix=matrix).count()
    problem = (
        limits.activity_add_problem(activities=activities, roles=roles)
        if activity
        else limits.role_add_problem(activities=activities, roles=roles)
        if role
        else None
    )
    if problem:
        raise InvalidInput(problem, field)


@transaction.atomic
def activity_add(*, matrix: Matrix, name: str, phase: str = "", description: str = "", actor) -> Activity:
    seq = changelog.lock(matrix=matrix)
    _check_room(matrix, activity=True)
    name, phase = clean_name(name, "activity"), _clean_phase(matrix, phase)
    _check_unique_activity(matrix, name, phase)
    top = Activity.objects.filter(matrix=matrix).aggregate(top=Max("order"))["top"]
    activity = Activity.objects.create(
        matrix=matrix, name=name, phase=phase, description=description.strip()[:2000], order=(top or 0) + 1
    )
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.add",
        seq=seq,
        activity_id=activity.pk,
        target=name,
        after={"name": name, "phase": phase, "description": activity.description},
    )
    matrix_recount(matrix)
    return activity


@transaction.atomic
def activity_update(
    *,
    matrix: Matrix,
    activity_id: int,
    name: str,
    phase: str,
    description: str,
    actor,
    expected_version: int | None = None,
) -> Activity:
    seq = changelog.lock(matrix=matrix)
    activity = activity_of(matrix, activity_id)
    if expected_version is not None and expected_version != activity.version:
        raise Conflict(
            f"Someone changed this activity while you were editing it: it is now “{activity.name}”. "
            "Your change was not saved; edit it again."
        )
    name, phase = clean_name(name, "activity"), _clean_phase(matrix, phase, current=activity.phase)
    _check_unique_activity(matrix, name, phase, exclude=activity.pk)
    before = {"name": activity.name, "phase": activity.phase, "description": activity.description}
    activity.name, activity.phase, activity.description = name, phase, description.strip()[:2000]
    after = {"name": name, "phase": phase, "description": activity.description}
    if before == after:
        transaction.set_rollback(True)
        return activity
    activity.version += 1
    activity.save(update_fields=["name", "phase", "description", "version"])
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.update",
        seq=seq,
        activity_id=activity.pk,
        target=name,
        before=before,
        after=after,
    )
    return activity


@transaction.atomic
def activity_move(*, matrix: Matrix, activity_id: int, direction: str, actor) -> None:
    """Swap an activity with its neighbour above or below, within its phase."""
    seq = changelog.lock(matrix=matrix)
    activity = activity_of(matrix, activity_id)
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
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.move",
        seq=seq,
        activity_id=activity.pk,
        target=activity.name,
        before={"position": index},
        after={"position": other},
    )


@transaction.atomic
def activity_delete(*, matrix: Matrix, activity_id: int, actor) -> None:
    seq = changelog.lock(matrix=matrix)
    activity = activity_of(matrix, activity_id)
    dependents.refuse_if_dependents(
        matrix=matrix, what=f"Removing the activity “{activity.name}”", activity_ids=[activity.pk]
    )
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.delete",
        seq=seq,
        activity_id=activity.pk,
        target=activity.name,
        before=activity_snapshot(activity),
    )
    activity.delete()
    matrix_recount(matrix)


@transaction.atomic
def activity_split(
    *, matrix: Matrix, activity_id: int, input_role_id: int, outcome_role_id: int, actor, since: int | None = None
) -> tuple[Activity, Activity]:
    """The boundary script of "The GTM Framework" (docs/sources.md): one activity becomes "<name>: input", owned (A/R) by
    `input_role_id` with the other consulted, and "<name>: outcome", the reverse. Everyone
    else keeps their letters, but nobody else stays accountable (fixes.split_letters), so
    a split never adds an error. Recorded as one group; refused if the row changed after
    `since`."""
    seq = changelog.lock(matrix=matrix)
    activity = activity_of(matrix, activity_id)
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
    row = dict(activity.cells.filter(role_id__in=columns).exclude(value="").values_list("role_id", "value"))
    input_row, outcome_row = fixes.split_letters(row, input_role_id, outcome_role_id)
    with changelog.changes_group(matrix=matrix, label=label):
        Activity.objects.filter(matrix=matrix, order__gt=activity.order).update(order=F("order") + 1)
        outcome = Activity.objects.create(
            matrix=matrix,
            name=names[1],
            phase=activity.phase,
            description=activity.description,
            order=activity.order + 1,
        )
        activity.name, activity.version = names[0], activity.version + 1
        activity.save(update_fields=["name", "version"])
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind="activity.split",
            seq=seq,
            activity_id=activity.pk,
            target=original,
            before={"name": original},
            after={"input": names[0], "outcome": names[1], "outcome_id": outcome.pk},
        )
        changes = [CellChange(activity.pk, r, input_row.get(r, "")) for r in columns]
        changes += [CellChange(outcome.pk, r, v) for r, v in outcome_row.items()]
        # The outcome row is new and not counted yet: the whole matrix is checked after.
        cells_set(matrix=matrix, changes=changes, actor=actor, label=label, count=False)
    matrix_recount(matrix)
    return activity, outcome


@transaction.atomic
def activity_restore(*, matrix: Matrix, seq: int, actor) -> Activity:
    """Bring back an activity removed at change `seq`, with its letters for the roles
    that are still columns."""
    event = ChangeEvent.objects.filter(matrix=matrix, seq=seq, kind="activity.delete").first()
    if event is None:
        raise NotFound("There is no removed activity at that point of the history.")
    new_seq = changelog.lock(matrix=matrix)
    _check_room(matrix, activity=True)
    before = event.before
    name, phase = before["name"], before["phase"]
    _check_unique_activity(matrix, name, phase)
    columns = set(Column.objects.filter(matrix=matrix).values_list("role_id", flat=True))
    activity = Activity.objects.create(
        matrix=matrix,
        name=name,
        phase=phase,
        description=before["description"],
        order=before["order"],
        template_key=before.get("template_key", ""),
    )
    Cell.objects.bulk_create(
        [
            Cell(activity=activity, role_id=int(r), value=v, version=1)
            for r, v in before["letters"].items()
            if int(r) in columns
        ]
    )
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="activity.restore",
        seq=new_seq,
        activity_id=activity.pk,
        target=name,
        after={"restored_from": seq, "name": name, "phase": phase},
    )
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


def recount_matrices_with_roles(role_ids) -> None:
    """Who holds which role moves the shared-hats findings of every matrix with the role."""
    ids = Column.objects.filter(role_id__in=role_ids).values("matrix_id")
    for matrix in Matrix.objects.filter(pk__in=ids).select_for_update():
        matrix_recount(matrix)


@transaction.atomic
def column_add(*, matrix: Matrix, role_id: int | None = None, name: str = "", code: str = "", actor) -> Role:
    """Add a role's column to the matrix: an existing role, or a new one by name and code."""
    seq = changelog.lock(matrix=matrix)
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
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="column.add",
        seq=seq,
        role_id=role.pk,
        target=role.code,
        after={"code": role.code, "name": role.name},
    )
    matrix_recount(matrix)
    return role


@transaction.atomic
def column_move(*, matrix: Matrix, role_id: int, direction: str, actor) -> None:
    seq = changelog.lock(matrix=matrix)
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
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="column.move",
        seq=seq,
        role_id=role_id,
        target=columns[other].role.code,
        before={"position": index},
        after={"position": other},
    )


@transaction.atomic
def column_remove(*, matrix: Matrix, role_id: int, actor) -> None:
    """Remove a role's column; its letters stay stored for history and come back if the
    column is added again."""
    seq = changelog.lock(matrix=matrix)
    column = Column.objects.filter(matrix=matrix, role_id=role_id).select_related("role").first()
    if column is None:
        raise NotFound("That role is no longer a column of the matrix.")
    dependents.refuse_if_dependents(
        matrix=matrix, what=f"Removing the column {column.role.code}", role_ids=[column.role_id]
    )
    letters = {
        str(a): v
        for a, v in Cell.objects.filter(activity__matrix=matrix, role_id=role_id)
        .exclude(value="")
        .values_list("activity_id", "value")
    }
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="column.remove",
        seq=seq,
        role_id=role_id,
        target=column.role.code,
        before={"code": column.role.code, "order": column.order, "letters": letters},
    )
    column.delete()
    matrix_recount(matrix)


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
