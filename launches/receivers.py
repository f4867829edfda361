"""launches' answers to what happens to roles in the workspace below it."""

from django.dispatch import receiver

from launches import services
from workspaces import signals


@receiver(signals.holders_changed)
def items_go_to_a_role_s_new_holder(sender, *, role_ids, **kwargs):
    """Open items of a role nobody held go to its holder as soon as someone holds it."""
    services.holders_named(role_ids=list(role_ids), actor=kwargs.get("actor"))
