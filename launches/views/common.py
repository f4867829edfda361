"""Helpers every launches view uses: the workspace, cycle and launch from the URL with
the membership checked first, and the contexts the board and the launch page share."""

from django.http import Http404

from core import push
from core.errors import NotFound
from launches import relay_selectors, selectors, tiering
from launches.forms import (
    CandidatesUploadForm,
    DependencyForm,
    GoForm,
    LaunchForm,
    OutcomeForm,
    ScoreForm,
    StatusForm,
)
from launches.models import ReadinessItem
from workshops.views import LIVE_EVERY_MS
from workspaces.access import membership_for
from workspaces.models import Access


def cycle_for(request, ws, cycle_slug, needs=Access.VIEWER):
    membership = membership_for(request, ws, needs=needs)
    cycle = selectors.cycle_get(workspace=membership.workspace, slug=cycle_slug)
    if cycle is None:
        raise Http404("No such launch cycle")
    return membership, cycle


def launch_for(request, ws, cycle_slug, launch_id, needs=Access.VIEWER):
    membership = membership_for(request, ws, needs=needs)
    launch = selectors.launch_of(workspace=membership.workspace, cycle_slug=cycle_slug, launch_id=launch_id)
    if launch is None:
        raise Http404("No such launch")
    return membership, launch


def launch_form(workspace, data=None):
    return LaunchForm(
        data,
        members=selectors.members_for_choice(workspace=workspace),
        matrices=selectors.matrices_for_choice(workspace=workspace),
    )


def live_context() -> dict:
    """What a page's live element needs (launches.views.live): it polls as often as the
    workshop page's, and names its cycle's stream when changes are pushed."""
    return {"live_every": LIVE_EVERY_MS, "pushed": push.enabled()}


def board_context(membership, cycle, **extra):
    """The board's context. `cycle.version` must have been read before the board is (it is
    when the cycle comes from `cycle_for`): a page drawn newer than its number fetches once
    more, one drawn older than its number would miss a change."""
    rubric = selectors.rubric_of(workspace_id=cycle.workspace_id)
    board = selectors.board_of(cycle=cycle, rubric=rubric, today=membership.workspace.today())
    relay_selectors.mark_relay(launches=[c.launch for column in board.columns for c in column.cards])
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "cycle": cycle,
        "editable": membership.can_edit,
        "board": board,
        "upload_form": extra.pop("upload_form", None) or CandidatesUploadForm(),
        **live_context(),
        **extra,
    }


def with_owner(item, owners):
    """The item as the checklist shows it: what the matrix says of its owner, and its label."""
    item.ownership = selectors.item_ownership(item, owners)
    item.owner_label = selectors.item_owner_label(item)
    return item


def item_context(membership, launch, item_id: int, **extra):
    """What one checklist item's answer shows (the item, the readiness line and what go
    waits for), read for that item alone: its owners come from its own row of the matrix,
    whatever the size of the checklist or the matrix."""
    items = selectors.checklist_of(launch=launch)
    item = next((i for i in items if i.pk == item_id), None)
    if item is None:
        raise NotFound("That checklist item no longer exists.")
    owners = selectors.item_owners_of(launch=launch, item=item)
    today = membership.workspace.today()
    return {
        "workspace": membership.workspace,
        "cycle": launch.cycle,
        "launch": launch,
        "item": with_owner(item, owners),
        "owners": owners,
        "today": today,
        "editable": membership.can_edit,
        "readiness": selectors.readiness_of(launch=launch, items=items, today=today),
        "statuses": ReadinessItem.Status.choices,
        "members": selectors.members_for_choice(workspace=membership.workspace) if membership.can_edit else [],
        **extra,
    }


def launch_context(membership, launch, **extra):
    rubric = selectors.rubric_of(workspace_id=launch.cycle.workspace_id)
    today = membership.workspace.today()
    items = selectors.checklist_of(launch=launch)
    suggested = tiering.suggest_tier(rubric, launch.scores)
    owners = selectors.launch_owners_of(launch=launch)
    raci = selectors.launch_raci_of(owners=owners, launch=launch)
    unheld = {o.role_id: (o.role_id, o.code, o.name) for o in (raci.unheld if raci else [])}
    for item in items:
        with_owner(item, owners)
        if item.owner_role_id and not item.owner_id and item.is_open:
            unheld.setdefault(item.owner_role_id, (item.owner_role_id, item.owner_role.code, item.owner_role.name))
    others = selectors.launches_for_choice(launch=launch) if membership.can_edit else []
    return {
        "raci": raci,
        "owners": owners,
        # Roles that own work on this launch and that nobody holds: "who holds this?".
        "unheld_roles": list(unheld.values()),
        "owners_changed": any(item.ownership.state == "changed" for item in items),
        "status_updates": selectors.status_updates_of(launch=launch),
        "dependencies": selectors.dependencies_of(launch=launch),
        "status_form": extra.pop("status_form", None) or StatusForm(initial={"status": launch.status}),
        "outcome_form": extra.pop("outcome_form", None) or OutcomeForm(initial=selectors.readout_of(launch)),
        "dependency_form": extra.pop("dependency_form", None) or (DependencyForm(launches=others) if others else None),
        "membership": membership,
        "workspace": membership.workspace,
        "cycle": launch.cycle,
        "launch": launch,
        "rubric": rubric,
        "items": items,
        "today": today,
        "editable": membership.can_edit,
        "readiness": selectors.readiness_of(launch=launch, items=items, today=today),
        "plan_warnings": selectors.plan_warnings_of(cycle=launch.cycle, rubric=rubric, today=today).get(launch.pk, []),
        "suggested": suggested,
        "suggested_name": rubric.tier_name(suggested) if suggested else "",
        "total": tiering.score_total(rubric, launch.scores) if suggested else None,
        "tier_name": rubric.tier_name(launch.tier),
        "tier_choices": [(t, rubric.tier_name(t)) for t in rubric.tiers],
        "needs_confirmation": tiering.needs_confirmation(launch.tier),
        "lead_codes": selectors.leads_to_confirm_of(membership=membership, launch=launch),
        "lead_days": tiering.lead_days(launch.tier, rubric),
        "relay": relay_selectors.relay_panel(launch=launch, membership=membership),
        "decisions": selectors.go_decisions_of(launch=launch),
        "statuses": ReadinessItem.Status.choices,
        "members": selectors.members_for_choice(workspace=membership.workspace) if membership.can_edit else [],
        # The Slack and Teams channels the launch can pick as its own.
        "channels": selectors.channels_for_choice(workspace=membership.workspace) if membership.can_edit else [],
        "score_form": extra.pop("score_form", None) or ScoreForm(rubric=rubric, initial_scores=launch.scores),
        "go_form": extra.pop("go_form", None) or GoForm(),
        **extra,
    }
