"""A matrix's history: every change, who, when, before and after; restore what was removed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.bounds import query_int
from core.responses import refusal_redirects_to
from raci import selectors
from raci import services as raci_services
from raci.matrix_access import matrix_for
from raci.models import Activity, Column
from workspaces.access import can_edit
from workspaces.models import Access, Membership
from workspaces.team_phases import phase_list

PER_PAGE = 50


@login_required
@require_GET
def matrix_history(request, ws, m):
    matrix = matrix_for(request, ws, m)
    actor_id, activity_id, role_id = (query_int(request.GET.get(k)) for k in ("person", "activity", "role"))
    events = selectors.matrix_history(matrix=matrix, actor_id=actor_id, activity_id=activity_id, role_id=role_id)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    _name_phases(page, phase_list(workspace_id=matrix.workspace_id))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "raci/history.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "page": page,
            "query": query.urlencode(),
            "editable": can_edit(matrix.access),
            "labels": selectors.KIND_LABELS,
            "people": Membership.objects.filter(workspace=matrix.workspace)
            .select_related("user")
            .order_by("user__username"),
            "activities": Activity.objects.filter(matrix=matrix).order_by("name").only("id", "name"),
            "columns": Column.objects.filter(matrix=matrix).select_related("role").order_by("order"),
            "filters": {"person": actor_id, "activity": activity_id, "role": role_id},
        },
    )


def _name_phases(events, phases) -> None:
    """Events keep phase keys (stable across renames); people read the phase's name now."""
    for event in events:
        for side in (event.before, event.after):
            if isinstance(side, dict) and isinstance(side.get("phase"), str):
                side["phase"] = phases.label(side["phase"])


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, m, **_: reverse("raci:history", args=[ws, m]))
def history_restore(request, ws, m, seq):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    if request.POST.get("what") == "column":
        role = raci_services.column_restore(matrix=matrix, seq=seq, actor=request.user)
        messages.success(request, f"Restored the column {role.code} with its letters.")
    else:
        activity = raci_services.activity_restore(matrix=matrix, seq=seq, actor=request.user)
        messages.success(request, f"Restored “{activity.name}”.")
    return redirect("raci:matrix", ws, m)
