"""launches' answers to what happens around it: roles in the workspace below it, and the
writes that change what a cycle's board and quarter page show (`launches.live`)."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from launches import live, services
from launches.models import (
    AvoidDate,
    CheckpointAnswer,
    Dependency,
    GoDecision,
    Handover,
    Launch,
    LaunchCycle,
    ReadinessItem,
    StatusUpdate,
    TieringRubric,
)
from workspaces import signals
from workspaces.models import Workspace


@receiver(signals.holders_changed)
def items_go_to_a_role_s_new_holder(sender, *, role_ids, **kwargs):
    """Open items of a role nobody held go to its holder as soon as someone holds it."""
    services.holders_named(role_ids=list(role_ids), actor=kwargs.get("actor"))


# --- numbered changes of the board and the quarter page -------------------------------------

# What a launch's card and its quarter row read of it; a save of other fields (the relay's
# count, the checklist owners' matrix number) leaves the launches waiting on it as they were.
_READ_BY_DEPENDENTS = {"name", "tier", "launch_date", "cycle"}
# The rows each card shows through its launch.
_OF_A_LAUNCH = (ReadinessItem, GoDecision, StatusUpdate, Handover, CheckpointAnswer)


def _goes_with_its_cycle(origin) -> bool:
    """A row deleted because its cycle or workspace is: nothing is left to show it."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return issubclass(model, LaunchCycle | Workspace)


@receiver(post_save, sender=Launch)
@receiver(post_delete, sender=Launch)
def launch_changed(sender, instance, raw=False, update_fields=None, origin=None, **kwargs):
    if raw or (origin is not None and _goes_with_its_cycle(origin)):
        return
    reread = update_fields is None or bool(_READ_BY_DEPENDENTS & set(update_fields))
    live.cycles_changed(cycle_ids=[instance.cycle_id], waiting_on=instance.pk if reread else None)


def _row_of_a_launch_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or (origin is not None and _goes_with_its_cycle(origin)):
        return
    if sender.launch.is_cached(instance):  # mostly: the services read the launch first
        live.cycles_changed(cycle_ids=[instance.launch.cycle_id])
    else:
        live.cycles_changed(launch_ids=[instance.launch_id])


for _model in _OF_A_LAUNCH:
    post_save.connect(_row_of_a_launch_changed, sender=_model, dispatch_uid=f"live-{_model.__name__}-save")
    post_delete.connect(_row_of_a_launch_changed, sender=_model, dispatch_uid=f"live-{_model.__name__}-delete")


@receiver(post_save, sender=Dependency)
@receiver(post_delete, sender=Dependency)
def dependency_changed(sender, instance, raw=False, origin=None, **kwargs):
    """Both launches' plan warnings read it, and the two may be in different quarters."""
    if raw or (origin is not None and _goes_with_its_cycle(origin)):
        return
    live.cycles_changed(launch_ids=[instance.launch_id, instance.before_id])


@receiver(post_save, sender=AvoidDate)
@receiver(post_delete, sender=AvoidDate)
@receiver(post_save, sender=TieringRubric)
def workspace_plan_changed(sender, instance, raw=False, origin=None, **kwargs):
    """Dates to avoid and the rubric (tier names, suggestions, lead times, the relay's days)
    reach every cycle's cards and warnings."""
    if raw or (origin is not None and _goes_with_its_cycle(origin)):
        return
    live.cycles_changed(workspace_id=instance.workspace_id)
