"""Rows and columns of a matrix: add, edit, move, remove."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.bounds import query_int
from raci import services
from raci.forms import (
    ActivityForm,
)
from raci.matrix_access import matrix_for
from raci.views.page import (
    PAGE,
    apply_change,
    first_error,
    matrix_url,
    row_url,
    structure_response,
    view_of,
    view_query,
)
from workspaces import services as workspaces_services
from workspaces.forms import RoleForm
from workspaces.models import Access, Role
from workspaces.team_phases import phase_list


@login_required
@require_POST
def activity_add(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    form = ActivityForm(request.POST, phases=phase_list(workspace_id=matrix.workspace_id))
    if not form.is_valid():
        return structure_response(
            request, matrix, status=422, error=first_error(form), field=next(iter(form.errors), "")
        )
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return apply_change(
        request,
        matrix,
        lambda: services.activity_add(matrix=matrix, actor=request.user, **data),
        anchor=lambda activity: f"row-{activity.pk}",
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def activity_edit(request, ws, m, activity_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    if request.method == "GET":
        activity = _get_activity(matrix, activity_id)
        form = ActivityForm(
            initial={
                "name": activity.name,
                "phase": activity.phase,
                "description": activity.description,
                "version": activity.version,
            },
            phases=phase_list(workspace_id=matrix.workspace_id),
            current_phase=activity.phase,
        )
        template = f"{PAGE}#activity-form" if request.htmx else "raci/activity_edit.html"
        return render(
            request,
            template,
            {
                "workspace": matrix.workspace,
                "matrix": matrix,
                "activity": activity,
                "form": form,
                "back_url": row_url(matrix, activity.pk),
            },
        )
    activity = _get_activity(matrix, activity_id)
    form = ActivityForm(request.POST, phases=phase_list(workspace_id=matrix.workspace_id), current_phase=activity.phase)
    if not form.is_valid():
        return structure_response(
            request, matrix, status=422, error=first_error(form), field=next(iter(form.errors), "")
        )
    data = dict(form.cleaned_data)
    return apply_change(
        request,
        matrix,
        lambda: services.activity_update(
            matrix=matrix, activity_id=activity_id, actor=request.user, expected_version=data.pop("version"), **data
        ),
        anchor=f"row-{activity_id}",
    )


@login_required
@require_POST
def activity_action(request, ws, m, activity_id, action):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    kwargs = {"matrix": matrix, "activity_id": activity_id, "actor": request.user}
    changes = {
        "up": lambda: services.activity_move(direction="up", **kwargs),
        "down": lambda: services.activity_move(direction="down", **kwargs),
        "delete": lambda: services.activity_delete(**kwargs),
    }
    if action not in changes:
        raise Http404("No such action")
    return apply_change(request, matrix, changes[action], anchor="" if action == "delete" else f"row-{activity_id}")


def _get_activity(matrix, activity_id):
    activity = matrix.activities.filter(pk=activity_id).first()
    if activity is None:
        raise Http404("No such activity")
    return activity


@login_required
@require_POST
def column_add(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    role_id = query_int(request.POST.get("role"))
    if role_id is not None:
        kwargs = {"role_id": role_id}
    else:
        kwargs = {"name": request.POST.get("name", ""), "code": request.POST.get("code", "")}
    return apply_change(
        request,
        matrix,
        lambda: services.column_add(matrix=matrix, actor=request.user, **kwargs),
        anchor=lambda role: f"col-{role.pk}",
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def column_edit(request, ws, m, role_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    role = Role.objects.filter(workspace=matrix.workspace, pk=role_id, columns__matrix=matrix).first()
    if role is None:
        raise Http404("No such column")
    if request.method == "GET":
        form = RoleForm(
            initial={"name": role.name, "code": role.code, "description": role.description, "version": role.version}
        )
        template = f"{PAGE}#column-form" if request.htmx else "raci/column_edit.html"
        page, only = view_of(request, from_current_url=True)
        back_url = f"{matrix_url(matrix)}?{view_query(page or 1, only)}#col-{role.pk}"
        return render(
            request,
            template,
            {"workspace": matrix.workspace, "matrix": matrix, "role": role, "form": form, "back_url": back_url},
        )
    form = RoleForm(request.POST)
    if not form.is_valid():
        return structure_response(
            request, matrix, status=422, error=first_error(form), field=next(iter(form.errors), "")
        )
    data = dict(form.cleaned_data)
    return apply_change(
        request,
        matrix,
        lambda: workspaces_services.role_update(
            workspace=matrix.workspace,
            role_id=role.pk,
            actor=request.user,
            expected_version=data.pop("version"),
            **data,
        ),
        anchor=f"col-{role.pk}",
    )


@login_required
@require_POST
def column_action(request, ws, m, role_id, action):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    kwargs = {"matrix": matrix, "role_id": role_id, "actor": request.user}
    changes = {
        "left": lambda: services.column_move(direction="left", **kwargs),
        "right": lambda: services.column_move(direction="right", **kwargs),
        "remove": lambda: services.column_remove(**kwargs),
    }
    if action not in changes:
        raise Http404("No such action")
    return apply_change(request, matrix, changes[action])
