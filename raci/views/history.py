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
    people = list(
        Membership.objects.filter(workspace=matrix.workspace).select_related("user").order_by("user__username")
    )
    _for_people(page, phase_list(workspace_id=matrix.workspace_id), {m.user_id: m.display_name for m in people})
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
            "people": people,
            "activities": Activity.objects.filter(matrix=matrix).order_by("name").only("id", "name"),
            "columns": Column.objects.filter(matrix=matrix).select_related("role").order_by("order"),
            "filters": {"person": actor_id, "activity": activity_id, "role": role_id},
        },
    )


def _for_people(events, phases, names: dict[int, str]) -> None:
    """What an event's before and after say, in words: phases by their name now (events keep
    the stable key), the owner by name, no internal ids, keys as words."""
    for event in events:
        event.before, event.after = (_in_words(side, phases, names) for side in (event.before, event.after))


def _in_words(side, phases, names: dict[int, str]):
    if not isinstance(side, dict):
        return side
    shown = {}
    for key, value in side.items():
        if key == "id" or key.endswith("_id"):
            continue
        if key == "phase" and isinstance(value, str):
            value = phases.label(value)
        elif key == "owner":
            value = names.get(value, "a former member") if value is not None else None
        elif key == "restored_from":
            key, value = "restored from change", f"#{value}"
        shown[key.replace("_", " ")] = value
    return shown


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
