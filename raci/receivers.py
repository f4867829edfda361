"""raci's answers to what happens to roles in the workspace below it."""

from django.dispatch import receiver

from core.errors import InvalidInput
from raci import changelog
from raci.models import Activity, Matrix, Template
from raci.services import matrix_recount
from raci.services.structure import recount_matrices_with_roles
from workspaces import signals
from workspaces.models import Role


@receiver(signals.role_updated)
def record_role_update_in_matrices(sender, *, role, before, after, actor, **kwargs):
    for matrix in Matrix.objects.filter(columns__role=role):
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind="role.update",
            role_id=role.pk,
            target=role.code,
            before=before,
            after=after,
        )


@receiver(signals.role_deleting)
def refuse_deleting_a_role_in_use(sender, *, role, **kwargs):
    in_use = list(Matrix.objects.filter(columns__role=role).values_list("name", flat=True))
    if in_use:
        raise InvalidInput(f"{role.code} is a column in {', '.join(in_use)}; remove it there first.")


@receiver(signals.holders_changed)
def recount_matrices_of_changed_holders(sender, *, role_ids, **kwargs):
    """Who holds which role moves the shared-hats findings of every matrix with the role.
    The change is recorded in each such matrix too, so its history says so and everyone
    with the matrix open sees the findings move at the next live refresh."""
    codes = ", ".join(Role.objects.filter(pk__in=role_ids).order_by("code").values_list("code", flat=True))
    for matrix in Matrix.objects.filter(columns__role_id__in=role_ids).distinct().order_by("pk"):
        changelog.record(
            matrix=matrix,
            actor=kwargs.get("actor"),
            kind="role.holders",
            target=codes,
            role_id=role_ids[0] if len(role_ids) == 1 else None,
        )
    recount_matrices_with_roles(role_ids)


def _matrices_in(phase):
    """The matrices of the phase's workspace with an activity in it."""
    return Matrix.objects.filter(workspace_id=phase.workspace_id, activities__phase=phase.key).distinct()


@receiver(signals.phase_renamed)
def record_phase_rename_in_matrices(sender, *, phase, before, after, actor, **kwargs):
    """Each matrix with activities in the phase shows the rename in its history."""
    for matrix in _matrices_in(phase):
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind="phase.update",
            target=f"“{before}” to “{after}”",
            before={"name": before},
            after={"name": after},
        )


@receiver(signals.phase_relay_changed)
def recount_matrices_of_a_phase_with_a_new_driver(sender, *, phase, before, after, actor, **kwargs):
    """Who drives a phase moves the `idle-driver` findings of every matrix with activities
    in it: each records the change (its history says so, live views refresh) and recounts."""
    for matrix in _matrices_in(phase):
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind="phase.relay",
            target=f"“{phase.name}”: {after}",
            before={"relay": before},
            after={"relay": after},
        )
        matrix_recount(matrix)


@receiver(signals.phase_deleting)
def refuse_removing_a_phase_in_use(sender, *, phase, **kwargs):
    used = Activity.objects.filter(matrix__workspace_id=phase.workspace_id, phase=phase.key)
    in_matrices = list(
        Matrix.objects.filter(workspace_id=phase.workspace_id, activities__phase=phase.key)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)[:4]
    )
    if in_matrices:
        n = used.count()
        where = ", ".join(f"“{name}”" for name in in_matrices[:3]) + (" and others" if len(in_matrices) > 3 else "")
        raise InvalidInput(
            f"“{phase.name}” still holds {n} {'activity' if n == 1 else 'activities'} (in {where}); "
            "move them to another phase first."
        )
    templates = list(
        Template.objects.filter(workspace_id=phase.workspace_id, activities__phase=phase.key)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)[:3]
    )
    if templates:
        raise InvalidInput(
            f"“{phase.name}” is used by the template {', '.join(f'“{t}”' for t in templates)}; "
            "delete the template or keep the phase."
        )
