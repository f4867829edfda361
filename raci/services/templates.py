"""Template versions and drift: snapshot, reset a row, take an update, dismiss updates."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidInput, NotFound
from raci import changelog, selectors
from raci.models import (
    Column,
    Matrix,
    Template,
    TemplateVersion,
)
from raci.selectors import matrix_grid
from raci.services.structure import _activity, activity_add, activity_delete
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
            phases_ensure(workspace=matrix.workspace, keys=[update.after.phase])
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
    seq = changelog.lock(matrix=matrix)
    before = matrix.template_version
    _template_version_seen(matrix, template)
    changelog.record(matrix=matrix, actor=actor, kind="matrix.update", seq=seq, target="template version",
            before={"template_version": before}, after={"template_version": template.version})
