"""What a leaving member holds in the team's rituals, and handing it over (workspaces.handover)."""

from __future__ import annotations

from rituals.models import Ritual
from workspaces.handover import Holding
from workspaces.models import Membership, Workspace


def ritual_holdings(membership: Membership) -> list[Holding]:
    """The rituals the member attends by name (those their roles run go with the roles)."""
    return [
        Holding(
            key=f"ritual:{ritual.pk}",
            group="Rituals attended",
            label=ritual.name,
            detail=ritual.cadence_label + (" · paused" if ritual.paused else ""),
        )
        for ritual in Ritual.objects.filter(workspace_id=membership.workspace_id, attendee_members=membership).order_by(
            "name", "id"
        )
    ]


def ritual_role_uses(workspace: Workspace, role_ids: set[int]) -> dict[int, list[str]]:
    """A role that runs a ritual needs a holder: its holders are the ones reminded to run it."""
    uses: dict[int, list[str]] = {}
    for role_id, name in (
        Ritual.objects.filter(workspace=workspace, owner_role_id__in=role_ids, paused=False)
        .order_by("name")
        .values_list("owner_role_id", "name")
    ):
        uses.setdefault(role_id, []).append(f"runs the ritual {name}")
    return uses


def hand_over_rituals(*, membership: Membership, to: dict[str, Membership | None], actor) -> None:
    """Their seat at each ritual goes to the person picked."""
    for ritual in Ritual.objects.filter(workspace_id=membership.workspace_id, attendee_members=membership):
        ritual.attendee_members.remove(membership)
        seat = to[f"ritual:{ritual.pk}"]
        if seat is not None:  # a seat never goes to nobody: the handover refuses that first
            ritual.attendee_members.add(seat)
