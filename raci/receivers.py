"""raci's answers to what happens to roles in the workspace below it."""

from django.dispatch import receiver

from core.errors import InvalidInput
from raci.models import Matrix
from raci import changelog
from raci.services.structure import _recount_matrices_with_roles
from workspaces import signals


@receiver(signals.role_updated)
def record_role_update_in_matrices(sender, *, role, before, after, actor, **kwargs):
    for matrix in Matrix.objects.filter(columns__role=role):
        changelog.record(matrix=matrix, actor=actor, kind="role.update", role_id=role.pk, target=role.code, before=before,
                after=after)


@receiver(signals.role_deleting)
def refuse_deleting_a_role_in_use(sender, *, role, **kwargs):
    in_use = list(Matrix.objects.filter(columns__role=role).values_list("name", flat=True))
    if in_use:
        raise InvalidInput(f"{role.code} is a column in {', '.join(in_use)}; remove it there first.")


@receiver(signals.holders_changed)
def recount_matrices_of_changed_holders(sender, *, role_ids, **kwargs):
    """Who holds which role moves the shared-hats findings of every matrix with the role."""
    _recount_matrices_with_roles(role_ids)
