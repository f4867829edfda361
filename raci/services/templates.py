"""Template versions and drift: snapshot, reset a row, take an update, dismiss updates."""

from __future__ import annotations

from django.db import transaction

from core.errors import Conflict, InvalidInput
from raci import changelog, selectors
from raci.models import (
    Activity,
    Column,
    Matrix,
    Template,
    TemplateVersion,
)
from raci.selectors import matrix_grid
from raci.services.cells import CellChange, cells_set
from raci.services.structure import activity_add, activity_delete, activity_of, column_add
from workspaces.models import Role
from workspaces.team_phases import phases_ensure


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
        # The matrix is there (a missing row or matrix is a 404): it has no template to compare
        # with, or lost it since the page showed one, which is a conflict to explain in place.
        raise Conflict("This matrix was not made from a template, or the template was deleted.")
    return template


@transaction.atomic
def row_reset_to_template(*, matrix: Matrix, activity_id: int, since: int, actor) -> changelog.GroupResult:
    """Set a row's letters to the template's (matched by activity name), for the matrix's
    roles; refused if the row changed after `since`."""
    changelog.lock(matrix=matrix, bump=False)
    activity = activity_of(matrix, activity_id)  # a row deleted meanwhile: 404 before anything else
    template = _template_for(matrix)
    letters = next(
        (
            a["letters"]
            for a in selectors.template_content(template=template)["activities"]
            if a["name"].casefold() == activity.name.casefold()
        ),
        None,
    )
    if letters is None:
        raise InvalidInput(f"The template has no activity named “{activity.name}”.")
    label = f"Reset “{activity.name}” to the template"
    changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=[activity.pk])
    columns = Column.objects.filter(matrix=matrix).select_related("role")
    return cells_set(
        matrix=matrix,
        actor=actor,
        label=label,
        changes=[CellChange(activity.pk, c.role_id, letters.get(c.role.code.upper(), "")) for c in columns],
    )


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
    label = f"From the template: {update.describe()}"[: changelog.GROUP_LABEL_MAX]
    grid = matrix_grid(matrix=matrix, check=False)
    mine = next((a for a in grid.activities if a.name.casefold() == update.name.casefold()), None)
    if mine is not None:
        changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=[mine.id])
    with changelog.changes_group(matrix=matrix, label=label) as group:
        if update.kind == "added":
            phases_ensure(workspace=matrix.workspace, keys=[update.after.phase])
            activity = activity_add(
                matrix=matrix,
                name=update.name,
                phase=update.after.phase,
                description=update.after.description,
                actor=actor,
            )
            codes = {c.code.upper(): c.role_id for c in grid.columns}
            cells_set(
                matrix=matrix,
                actor=actor,
                label=label,
                changes=[CellChange(activity.pk, codes[c], v) for c, v in update.after.letters.items() if c in codes],
            )
        elif update.kind == "removed":
            activity_delete(matrix=matrix, activity_id=mine.id, actor=actor)
        else:
            codes = {c.code.upper(): c.role_id for c in grid.columns}
            changed = {
                c
                for c in {*update.before.letters, *update.after.letters}
                if update.before.letters.get(c, "") != update.after.letters.get(c, "") and c in codes
            }
            cells_set(
                matrix=matrix,
                actor=actor,
                label=label,
                changes=[CellChange(mine.id, codes[c], update.after.letters.get(c, "")) for c in sorted(changed)],
            )
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
    seq = changelog.lock(matrix=matrix)
    before = matrix.template_version
    _template_version_seen(matrix, template)
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="matrix.update",
        seq=seq,
        target="template version",
        before={"template_version": before},
        after={"template_version": template.version},
    )


OWNING = ("R", "A", "AR")


def _role_for_column(matrix: Matrix, code: str, name: str, description: str) -> int:
    """The workspace's role with the code, else a new one with the template's name."""
    role = Role.objects.filter(workspace_id=matrix.workspace_id, code__iexact=code).first()
    if role is not None:
        return role.pk
    if Role.objects.filter(workspace_id=matrix.workspace_id, name__iexact=name).exists():
        name = f"{name} ({code})"
    role = Role.objects.create(workspace_id=matrix.workspace_id, code=code, name=name, description=description)
    return role.pk


@transaction.atomic
def activity_from_template(*, matrix: Matrix, key: str, actor, since: int | None = None) -> changelog.GroupResult:
    """Give the matrix the template's activity `key` (`TemplateActivity.key`) with an owner,
    as one recorded change: when the matrix lacks the row, add it with the template's
    letters; when the row is there but nobody is R or A on it, write the template's R and A
    letters (and its C and I where cells are empty). Roles the template makes R or A on it
    that the matrix lacks become columns. Refused with what changed if the row changed
    after `since`; refused if the row has an owner already."""
    changelog.lock(matrix=matrix, bump=False)
    row = selectors.template_activity_of(matrix=matrix, key=key)
    if row is None:
        raise InvalidInput("No template has that activity.")
    grid = matrix_grid(matrix=matrix, check=False)
    mine = selectors.activity_for_key(grid=grid, key=key, name=row.name)
    label = f"From the template: {row.name}"[: changelog.GROUP_LABEL_MAX]
    if mine is not None:
        if since is not None:
            changelog.refuse_if_changed(matrix=matrix, since=since, what=label, activity_ids=[mine.id])
        current = {
            role_id: value for (activity_id, role_id), (value, _) in grid.cells.items() if activity_id == mine.id
        }
        if any(value in OWNING for value in current.values()):
            raise InvalidInput(f"“{mine.name}” has an owner already: look at the matrix again.")
    with changelog.changes_group(matrix=matrix, label=label) as group:
        codes = {c.code.upper(): c.role_id for c in grid.columns}
        for code, value in row.letters.items():
            if value in OWNING and code not in codes:
                name, description = row.roles.get(code, (code, ""))
                codes[code] = _role_for_column(matrix, code, name, description)
                column_add(matrix=matrix, role_id=codes[code], actor=actor)
        if mine is None:
            activity = activity_add(
                matrix=matrix, name=row.name, phase=row.phase, description=row.description, actor=actor
            )
            Activity.objects.filter(pk=activity.pk).update(template_key=key, source=row.source[:4000])
            changes = [CellChange(activity.pk, codes[c], v) for c, v in row.letters.items() if c in codes]
        else:
            if mine.template_key != key:
                Activity.objects.filter(pk=mine.id).update(template_key=key)
            changes = [
                CellChange(mine.id, codes[c], v)
                for c, v in row.letters.items()
                if c in codes and (v in OWNING or not current.get(codes[c]))
            ]
        changed = cells_set(matrix=matrix, actor=actor, label=label, changes=changes).changed
        return changelog.GroupResult(group.id, group.label, changed)
