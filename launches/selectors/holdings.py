"""What a member holds here, for removing them (`workspaces.handover`), and the readiness items
hanging off a matrix's rows and roles."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from launches import tiering
from launches.models import (
    Launch,
    ReadinessItem,
)
from raci.dependents import Dependent
from raci.models import Activity, Matrix
from raci.selectors import (
    template_activity_name,
)
from workspaces.handover import Holding
from workspaces.models import Membership

# --- what a member holds here, for removing them (raci.handover) ---------------------------


def _day(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def launch_holdings(membership: Membership) -> list[Holding]:
    """The launches the member owns as PM or PMM and their open readiness items. Whoever takes a launch or an item must be an editor: a viewer
    could neither confirm the tier nor tick the item done."""
    ws = membership.workspace_id
    found = []
    launches = (
        Launch.objects.filter(cycle__workspace_id=ws)
        .filter(Q(pm_owner=membership) | Q(pmm_owner=membership))
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter", "launch_date", "name", "id")
    )
    for launch in launches:
        when = f", launches {_day(launch.launch_date)}" if launch.launch_date else ""
        for code, owner_id in (("PM", launch.pm_owner_id), ("PMM", launch.pmm_owner_id)):
            if owner_id == membership.pk:
                found.append(
                    Holding(
                        key=f"launch_{code.lower()}:{launch.pk}",
                        group="Launches owned",
                        label=f"{launch.name} · {code} owner",
                        detail=f"{launch.cycle.name}{when}",
                        editors_only=True,
                    )
                )
    items = (
        ReadinessItem.objects.filter(launch__cycle__workspace_id=ws, owner=membership, status__in=tiering.OPEN)
        .select_related("launch__cycle")
        .order_by("due_date", "launch__name", "order", "id")
    )
    for item in items:
        due = f", due {_day(item.due_date)}" if item.due_date else ""
        found.append(
            Holding(
                key=f"item:{item.pk}",
                group="Open readiness items",
                label=f"{item.title} · {item.launch.name}",
                detail=f"{item.get_status_display()}{due}{' · required for go' if item.required else ''}",
                editors_only=True,
            )
        )
    return found


def launch_removal_notes(membership: Membership) -> list[str]:
    confirmed = Launch.objects.filter(
        Q(pm_confirmed_by=membership)
        | Q(pmm_confirmed_by=membership)
        | Q(pm_owner=membership, pm_confirmed_by__isnull=False)
        | Q(pmm_owner=membership, pmm_confirmed_by__isnull=False),
        cycle__workspace_id=membership.workspace_id,
    ).count()
    if not confirmed:
        return []
    return [
        f"The tier confirmation{'s' if confirmed != 1 else ''} they gave, or that were given for the launches they own, "
        f"on {confirmed} launch{'es are' if confirmed != 1 else ' is'} withdrawn: the launch's new owner (or an admin) "
        "confirms again."
    ]


def readiness_through(matrix: Matrix, activity_ids: frozenset[int], role_ids: frozenset[int]) -> list[Dependent]:
    """Open readiness items whose owner comes through the matrix's rows `activity_ids` (the
    row of the item's template activity) or columns `role_ids` (the owning role), of the
    launches the matrix gives owners to (its own, and those without one when it is the
    workspace's default): deleting the row or the column would leave them without an owner.
    Two queries."""
    keys: set[str] = set()
    if activity_ids:
        names = {template_activity_name(key).casefold(): key for key in set(tiering.ACTIVITY_OF.values())}
        for template_key, name in Activity.objects.filter(matrix=matrix, pk__in=activity_ids).values_list(
            "template_key", "name"
        ):
            keys.add(template_key if template_key in tiering.ACTIVITY_OF.values() else names.get(name.casefold(), ""))
    item_keys = [item for item, activity in tiering.ACTIVITY_OF.items() if activity in keys]
    if not item_keys and not role_ids:
        return []
    uses = Q(launch__matrix=matrix)
    if matrix.is_default:
        uses |= Q(launch__matrix__isnull=True, launch__cycle__workspace_id=matrix.workspace_id)
    through = Q(key__in=item_keys) | Q(owner_role_id__in=role_ids) | Q(chosen_role_id__in=role_ids)
    count = ReadinessItem.objects.filter(uses, through, status__in=tiering.OPEN).count()
    return (
        [Dependent("Launches", "open readiness item" if count == 1 else "open readiness items", count)] if count else []
    )
