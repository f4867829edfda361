"""A matrix as a whole: create, settings, delete, save as a template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.bounds import query_int
from core.errors import InvalidInput
from core.responses import refusal_redirects_to, show_on_form
from raci import selectors, services
from raci.forms import (
    MatrixCreateForm,
    MatrixSettingsForm,
    TemplateSaveForm,
)
from raci.limits import LIMITS
from raci.matrix_access import matrix_for
from raci.models import Template
from raci.views.page import first_error
from workspaces import services as workspace_services
from workspaces.access import can_edit, membership_for
from workspaces.models import Access, Membership
from workspaces.views import settings_page


@login_required
@require_http_methods(["GET", "POST"])
def matrix_new(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    templates = selectors.templates_for(workspace=membership.workspace)
    default = next((t for t in templates if t.is_default), None)
    form = MatrixCreateForm(
        request.POST or None,
        templates=_template_qs(membership.workspace),
        initial={"template": default.pk if default else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            matrix = services.matrix_create(workspace=membership.workspace, actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            show_on_form(form, error, default="name")
        else:
            if form.cleaned_data.get("template") and membership.is_admin:
                # Starting out: who holds each of the template's roles (skippable).
                return redirect("raci:matrix_holders", ws, matrix.slug)
            return redirect("raci:matrix", ws, matrix.slug)
    return render(
        request,
        "raci/matrix_new.html",
        {
            "workspace": membership.workspace,
            "membership": membership,
            "form": form,
            "templates": templates,
            "selected": str(form["template"].value() or ""),
            "limits": LIMITS,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def matrix_holders(request, ws, m):
    """Who holds each role of the matrix: offered to the admin who made it from a template;
    "Skip for now" leaves it to the roles' pages (and the column headers say who is missing)."""
    matrix = matrix_for(request, ws, m, needs=Access.ADMIN)
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    members = list(
        Membership.objects.filter(workspace_id=matrix.workspace_id).select_related("user").order_by("user__username")
    )
    if request.method == "POST":
        chosen = {c.role_id: query_int(request.POST.get(f"holder-{c.role_id}", "")) for c in grid.columns}
        named = workspace_services.role_holders_add(
            workspace=matrix.workspace, chosen={r: m for r, m in chosen.items() if m}, actor=request.user
        )
        messages.success(
            request, f"Named who holds {named} role{'s' if named != 1 else ''}." if named else "Nobody named."
        )
        return redirect("raci:matrix", ws, matrix.slug)
    names = {member.pk: member.display_name for member in members}
    return render(
        request,
        "raci/matrix_holders.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "members": members,
            "roles": [(c, [names[h] for h in c.holder_ids if h in names]) for c in grid.columns],
        },
    )


def _template_qs(workspace):
    return Template.objects.filter(Q(workspace__isnull=True) | Q(workspace=workspace))


@login_required
@require_http_methods(["GET", "POST"])
def matrix_settings(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    fields = [
        "name",
        "description",
        "max_responsible",
        "max_consulted",
        "overload_min_activities",
        "overload_percent",
        "review_cadence_days",
    ]
    members = Membership.objects.filter(workspace=matrix.workspace).select_related("user").order_by("user__username")
    form = MatrixSettingsForm(
        request.POST or None,
        members=members,
        initial={**{f: getattr(matrix, f) for f in fields}, "owner": matrix.owner_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.matrix_set_owner(matrix=matrix, owner_id=data.pop("owner"), actor=request.user)
            services.matrix_update(matrix=matrix, actor=request.user, **data)
        except InvalidInput as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, "Settings saved.")
            return redirect("raci:matrix", ws, m)
    return render(
        request,
        "raci/matrix_settings.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "form": form,
            "editable": can_edit(matrix.access),
            "template_form": TemplateSaveForm(
                initial={"name": f"{matrix.name} template", "stage": "scaleup"}, prefix="template"
            ),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def matrix_delete(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.ADMIN)
    services.matrix_delete(matrix=matrix)
    messages.success(request, f"Deleted {matrix.name}.")
    return redirect("dashboard:workspace", ws)


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, m, **_: reverse("raci:matrix_settings", args=[ws, m]))
def matrix_save_template(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    form = TemplateSaveForm(request.POST, prefix="template")
    if form.is_valid():
        template = services.template_from_matrix(matrix=matrix, **form.cleaned_data)
        messages.success(request, f"Saved “{template.name}” as a template of this workspace.")
    else:
        messages.error(request, first_error(form))
    return redirect("raci:matrix_settings", ws, m)


def default_matrix_section(membership, errors=None) -> dict:
    """The workspace settings' "Default matrix" section (workspaces.settings_sections)."""
    matrices = selectors.matrices_for_default(workspace_id=membership.workspace_id)
    return {"matrices": matrices, "default": next((m for m in matrices if m.is_default), None), "errors": errors or {}}


@login_required
@require_POST
def default_matrix(request, ws):
    """Name the workspace's default matrix: launches without a matrix take their checklist's owners from it."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    raw = request.POST.get("default_matrix", "")
    matrix_id = query_int(raw)

    def refused(message: str, status: int = 422):
        errors = {"default_matrix": {"default_matrix": message}}
        return settings_page(request, membership, status=status, section_errors=errors)

    if raw and matrix_id is None:
        return refused("Pick a matrix of this workspace.")
    try:
        matrix = services.matrix_set_default(workspace=membership.workspace, matrix_id=matrix_id)
    except InvalidInput as error:
        return refused(error.message, error.status)
    messages.success(
        request,
        f"{matrix.name} is the default matrix."
        if matrix
        else "No default matrix: launches without a matrix of their own have no owners for their checklist.",
    )
    return redirect("workspaces:workspace_settings", ws)
