"""Matrices as a whole: create (from a template), settings, owner, review, delete, save as template."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from core.errors import InvalidInput
from core.text import clean_name, unique_slug
from raci import changelog, dependents, limits
from raci.builtin_templates import CREATOR
from raci.models import (
    Activity,
    Cell,
    Column,
    Matrix,
    Template,
    TemplateActivity,
    TemplateRole,
)
from raci.rules import VALUES
from raci.selectors import matrix_grid
from raci.services.acknowledgments import acknowledgments_from_template
from raci.services.cells import matrix_recount
from raci.services.structure import recount_matrices_with_roles
from raci.services.templates import template_snapshot
from raci.tabular import ActivitySpec
from workspaces.models import Access, Membership, Role, RoleHolder, Workspace
from workspaces.services import role_ensure
from workspaces.team_phases import phases_ensure

# Words the URLs use where a slug goes: /w/new/ and /w/<ws>/matrices/new/ are pages, so a
# workspace or matrix named "New" is /w/new-2/. A test checks these against the URL patterns.
RESERVED_MATRIX_SLUGS = frozenset({"new"})


@transaction.atomic
def matrix_create(
    *, workspace: Workspace, name: str, actor, template: Template | None = None, description: str = ""
) -> Matrix:
    """A new matrix, empty or copied from a template: the template's roles are matched to
    the workspace's roles by code, and created where the workspace lacks them."""
    name = clean_name(name, "matrix")
    # Serialises matrix creation in the workspace, so that only the first becomes the default.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
    if Matrix.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise InvalidInput(f"The workspace already has a matrix named “{name}”.", "name")
    if template is not None:
        problem = limits.size_problem(activities=template.activities.count(), roles=template.roles.count())
        if problem:
            raise InvalidInput(f"The template “{template.name}” is too big to copy: {problem}", "template")
    matrix = Matrix.objects.create(
        workspace=workspace,
        name=name,
        owner=actor,
        description=description.strip()[:2000],
        slug=unique_slug(Matrix.objects.filter(workspace=workspace), name, RESERVED_MATRIX_SLUGS),
        last_reviewed_on=workspace.today(),
        is_default=not Matrix.objects.filter(workspace=workspace, is_default=True).exists(),
    )
    if template is not None:
        _copy_template_into(matrix, template, actor)
        matrix.template, matrix.template_version = template, template_snapshot(template=template).number
        matrix.save(update_fields=["template", "template_version"])
        acknowledgments_from_template(matrix=matrix, template=template, actor=actor)
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="matrix.create",
        target=name,
        after={"template": template.slug if template else None},
    )
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
            role = roles[spec.code.upper()] = role_ensure(
                workspace=workspace, code=spec.code, name=spec.name, description=spec.description
            )
        if spec.held_by_creator and creator is not None:
            if RoleHolder.objects.get_or_create(role=role, membership=creator)[1]:
                newly_held.append(role.pk)
        columns.append(Column(matrix=matrix, role=role, order=position))
    Column.objects.bulk_create(columns)
    phases_ensure(workspace=workspace, keys=[a.phase for a in template.activities.all()])
    activities = Activity.objects.bulk_create(
        [
            Activity(
                matrix=matrix,
                name=a.name,
                phase=a.phase,
                description=a.description,
                order=position,
                template_key=a.key,
                source=a.source[:4000],
            )
            for position, a in enumerate(template.activities.all())
        ]
    )
    cells = []
    for activity, template_activity in zip(activities, template.activities.all()):
        for code, value in template_activity.letters.items():
            if code.upper() in roles and value in VALUES:
                cells.append(Cell(activity=activity, role=roles[code.upper()], value=value, version=1))
    Cell.objects.bulk_create(cells)
    if newly_held:
        recount_matrices_with_roles(newly_held)


CELL_BATCH = 5000


def _shape(matrix: Matrix) -> dict:
    return {
        "activities": Activity.objects.filter(matrix=matrix).count(),
        "roles": list(Column.objects.filter(matrix=matrix).order_by("order").values_list("role__code", flat=True)),
        "counts": matrix.counts,
    }


@transaction.atomic
def matrix_contents_replace(
    *,
    matrix: Matrix,
    roles: Sequence[Role],
    activities: Sequence[ActivitySpec],
    actor,
    source: str,
    fresh: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Matrix:
    """Replace the matrix's rows and columns with `activities` and `roles` (a spreadsheet's:
    `ActivitySpec.letters` maps an index into `roles` to a value), recorded as one "import"
    change from `source` with the shape before (none when the matrix is `fresh`) and after.
    `progress` hears the percentage done (10 to 95) as the cells are written."""
    report = progress or (lambda percent: None)
    seq = changelog.lock(matrix=matrix)
    before = None if fresh else _shape(matrix)
    if not fresh:
        dependents.refuse_if_dependents(
            matrix=matrix,
            what=f"Replacing the contents of “{matrix.name}”",
            activity_ids=Activity.objects.filter(matrix=matrix).values_list("pk", flat=True),
            role_ids=Column.objects.filter(matrix=matrix).values_list("role_id", flat=True),
        )
    Activity.objects.filter(matrix=matrix).delete()
    Column.objects.filter(matrix=matrix).delete()
    Column.objects.bulk_create([Column(matrix=matrix, role=r, order=i) for i, r in enumerate(roles)])
    rows = Activity.objects.bulk_create(
        [
            Activity(matrix=matrix, name=a.name, phase=a.phase, description=a.description, order=i)
            for i, a in enumerate(activities)
        ]
    )
    report(10)
    cells = [
        Cell(activity=row, role=roles[index], value=value, version=1)
        for row, spec in zip(rows, activities)
        for index, value in spec.letters.items()
    ]
    for start in range(0, len(cells), CELL_BATCH):
        Cell.objects.bulk_create(cells[start : start + CELL_BATCH])
        report(10 + int(85 * min(1, (start + CELL_BATCH) / max(1, len(cells)))))
    matrix_recount(matrix)
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="import",
        seq=seq,
        target=source,
        before=before,
        after=dict(_shape(matrix), file=source),
    )
    return matrix


@transaction.atomic
def matrix_update(
    *,
    matrix: Matrix,
    name: str,
    description: str,
    max_responsible: int,
    max_consulted: int,
    overload_min_activities: int,
    review_cadence_days: int | None,
    actor,
    overload_percent: int = 75,
) -> Matrix:
    seq = changelog.lock(matrix=matrix)
    name = clean_name(name, "matrix")
    if Matrix.objects.filter(workspace_id=matrix.workspace_id, name__iexact=name).exclude(pk=matrix.pk).exists():
        raise InvalidInput(f"The workspace already has a matrix named “{name}”.", "name")
    fields = [
        "name",
        "description",
        "max_responsible",
        "max_consulted",
        "overload_min_activities",
        "overload_percent",
        "review_cadence_days",
    ]
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
    changelog.record(matrix=matrix, actor=actor, kind="matrix.update", seq=seq, target=name, before=before, after=after)
    matrix_recount(matrix)
    return matrix


@transaction.atomic
def matrix_set_owner(*, matrix: Matrix, owner_id: int | None, actor) -> Matrix:
    if (
        owner_id is not None
        and not Membership.objects.filter(workspace_id=matrix.workspace_id, user_id=owner_id).exists()
    ):
        raise InvalidInput("The owner must be a member of the workspace.", "owner")
    if matrix.owner_id == owner_id:
        return matrix
    seq = changelog.lock(matrix=matrix)
    before = matrix.owner_id
    Matrix.objects.filter(pk=matrix.pk).update(owner_id=owner_id)
    matrix.owner_id = owner_id
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="matrix.update",
        seq=seq,
        target="owner",
        before={"owner": before},
        after={"owner": owner_id},
    )
    return matrix


@transaction.atomic
def matrix_mark_reviewed(*, matrix: Matrix, actor) -> Matrix:
    """The owner went through the matrix: the next review is one cadence from today."""
    seq = changelog.lock(matrix=matrix)
    before = matrix.last_reviewed_on
    matrix.last_reviewed_on = matrix.workspace.today()
    Matrix.objects.filter(pk=matrix.pk).update(last_reviewed_on=matrix.last_reviewed_on)
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind="matrix.review",
        seq=seq,
        target=matrix.name,
        before={"last_reviewed_on": before.isoformat() if before else None},
        after={"last_reviewed_on": matrix.last_reviewed_on.isoformat()},
    )
    return matrix


@transaction.atomic
def matrix_set_default(*, workspace: Workspace, matrix_id: int | None) -> Matrix | None:
    """Name the workspace's default matrix (None: none). Launches without a matrix of their
    own find the owners of their readiness items in it."""
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
    matrix = None
    if matrix_id is not None:
        matrix = Matrix.objects.filter(workspace=workspace, pk=matrix_id).first()
        if matrix is None:
            raise InvalidInput("Pick a matrix of this workspace.", "default_matrix")
    Matrix.objects.filter(workspace=workspace, is_default=True).exclude(pk=matrix_id).update(is_default=False)
    if matrix is not None and not matrix.is_default:
        Matrix.objects.filter(pk=matrix.pk).update(is_default=True)
        matrix.is_default = True
    return matrix


@transaction.atomic
def matrix_delete(*, matrix: Matrix) -> None:
    Matrix.objects.filter(pk=matrix.pk).delete()


@transaction.atomic
def template_from_matrix(*, matrix: Matrix, name: str, stage: str, description: str = "") -> Template:
    """Save a matrix's activities, roles and letters as a template of its workspace, with
    the findings it accepts on purpose."""
    name = clean_name(name, "template")
    if stage not in Template.Stage.values:
        raise InvalidInput("Pick a stage: startup, scale-up or enterprise.", "stage")
    workspace = matrix.workspace
    if Template.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise InvalidInput(f"The workspace already has a template named “{name}”.", "name")
    problem = limits.size_problem(
        activities=Activity.objects.filter(matrix=matrix).count(), roles=Column.objects.filter(matrix=matrix).count()
    )
    if problem:
        # A matrix from before the limits can be this big; a template of it could not be used.
        raise InvalidInput(f"This matrix is too big to save as a template: {problem}", "name")
    template = Template.objects.create(
        workspace=workspace,
        name=name,
        stage=stage,
        description=description.strip()[:2000],
        slug=unique_slug(Template.objects.filter(workspace=workspace), name),
    )
    grid = matrix_grid(matrix=matrix, check=bool(matrix.acknowledgments))
    codes = {c.role_id: c.code for c in grid.columns}
    names = {a.id: a.name for a in grid.activities}
    # The findings the matrix accepts on purpose, as a template names them (a person's
    # finding is the one who makes the matrix from it: `raci.builtin_templates.CREATOR`).
    template.acknowledgments = [
        {
            "rule": f.rule,
            "role": codes.get(f.role),
            "activity": names.get(f.activity),
            "person": CREATOR if f.person is not None else None,
            "reason": ack.reason,
        }
        for f, ack in grid.accepted
    ]
    if template.acknowledgments:
        template.save(update_fields=["acknowledgments"])
    TemplateRole.objects.bulk_create(
        [
            TemplateRole(template=template, code=c.code, name=c.name, description=c.description, order=i)
            for i, c in enumerate(grid.columns)
        ]
    )
    TemplateActivity.objects.bulk_create(
        [
            TemplateActivity(
                template=template,
                name=a.name,
                phase=a.phase,
                description=a.description,
                order=i,
                key=a.template_key,
                letters={codes[r]: v for (act, r), (v, _) in grid.cells.items() if act == a.id and v},
            )
            for i, a in enumerate(grid.activities)
        ]
    )
    template_snapshot(template=template)
    return template


def hand_over_raci(*, membership: Membership, to: dict[str, Membership | None], actor) -> None:
    """The roles the member holds go to their new holders (or to nobody); the matrices they
    own get the new owner, recorded in each matrix's history."""
    for role_id in membership.held_roles.values_list("role_id", flat=True):
        target = to[f"role:{role_id}"]
        if target is not None:
            RoleHolder.objects.get_or_create(role_id=role_id, membership=target)
    for matrix in Matrix.objects.filter(workspace_id=membership.workspace_id, owner_id=membership.user_id):
        matrix_set_owner(matrix=matrix, owner_id=to[f"matrix:{matrix.pk}"].user_id, actor=actor)
