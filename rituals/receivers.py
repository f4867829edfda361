"""rituals' answers to what happens in the workspaces below it."""

from django.dispatch import receiver

from rituals.services import rituals_seed_defaults
from workspaces import signals


@receiver(signals.workspace_created)
def give_a_new_workspace_the_team_cadence(sender, *, workspace, **kwargs):
    """A new team starts with the default rituals (rituals.cadence.DEFAULT_RITUALS)."""
    rituals_seed_defaults(workspace=workspace)
