from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import dashboard, selectors, services
from ..bounds import query_int
from ..access import membership_for
from ..forms import AccessForm, MemberAddForm, NameForm, RoleForm, WorkspaceSettingsForm
from ..models import Access, Role


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = selectors.workspaces_of(user=request.user)
    return render(request, "raci/home.html", {"memberships": memberships, "form": NameForm()})


@login_required
@require_POST
def workspace_create(request):
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            workspace = services.workspace_create(name=form.cleaned_data["name"], owner=request.user)
        except services.InvalidInput as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, f"Created {workspace.name}. Start a matrix from the default PM/PMM template.")
            return redirect("raci:workspace", workspace.slug)
    memberships = selectors.workspaces_of(user=request.user)
    return render(request, "raci/home.html", {"memberships": memberships, "form": form}, status=422)


@login_required
@require_GET
def workspace_home(request, ws):
    membership = membership_for(request, ws)
    dash = dashboard.workspace_dashboard(workspace=membership.workspace, today=membership.workspace.today())
    return render(request, "raci/workspace.html", {
        "membership": membership, "workspace": membership.workspace, "dash": dash, "matrices": dash.matrices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN if request.method == "POST" else Access.VIEWER)
    workspace = membership.workspace
    form = WorkspaceSettingsForm(request.POST or None,
                                 initial={"name": workspace.name, "time_zone": workspace.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(workspace=workspace, **form.cleaned_data)
        except services.InvalidInput as error:
            form.add_error("time_zone" if error.field == "time_zone" else "name", error.message)
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("raci:workspace_settings", ws)
    return render(request, "raci/workspace_settings.html",
                  {"membership": membership, "workspace": membership.workspace, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_GET
def members(request, ws):
    membership = membership_for(request, ws)
    return render(request, "raci/members.html", {
        "membership": membership, "workspace": membership.workspace, "form": MemberAddForm(),
        "members": selectors.members_of(workspace=membership.workspace), "access_choices": Access.choices,
    })


@login_required
@require_POST
def member_add(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            added = services.member_add(workspace=membership.workspace, username_or_email=form.cleaned_data["user"],
                                        access=form.cleaned_data["access"])
        except services.InvalidInput as error:
            form.add_error("user" if error.field == "user" else None, error.message)
        else:
            messages.success(request, f"Added {added.display_name} as {added.get_access_display().lower()}.")
            return redirect("raci:members", ws)
    return render(request, "raci/members.html", {
        "membership": membership, "workspace": membership.workspace, "form": form,
        "members": selectors.members_of(workspace=membership.workspace), "access_choices": Access.choices,
    }, status=422)


@login_required
@require_POST
def member_update(request, ws, member_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = AccessForm(request.POST)
    try:
        if not form.is_valid():
            raise services.InvalidInput("Pick an access level: viewer, editor or admin.")
        services.member_update(workspace=membership.workspace, membership_id=member_id, access=form.cleaned_data["access"])
    except services.NotFound:
        raise_404()
    except services.InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Access changed.")
    return redirect("raci:members", ws)


@login_required
@require_POST
def member_remove(request, ws, member_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    try:
        services.member_remove(workspace=membership.workspace, membership_id=member_id)
    except services.NotFound:
        raise_404()
    except services.InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Member removed.")
    return redirect("raci:members", ws)


@login_required
@require_GET
def roles(request, ws):
    membership = membership_for(request, ws)
    return render(request, "raci/roles.html", {
        "membership": membership, "workspace": membership.workspace, "form": RoleForm(),
        "roles": selectors.roles_of(workspace=membership.workspace),
    })


@login_required
@require_POST
def role_add(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            data.pop("version", None)
            role = services.role_create(workspace=membership.workspace, **data)
        except services.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Added the role {role.code}.")
            return redirect("raci:roles", ws)
    return render(request, "raci/roles.html", {
        "membership": membership, "workspace": membership.workspace, "form": form,
        "roles": selectors.roles_of(workspace=membership.workspace),
    }, status=422)


def _role(membership, role_id) -> Role:
    role = Role.objects.filter(workspace=membership.workspace, pk=role_id).first()
    if role is None:
        raise_404()
    return role


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request, ws, role_id):
    membership = membership_for(request, ws, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    role = _role(membership, role_id)
    form = RoleForm(request.POST or None, initial={"name": role.name, "code": role.code, "description": role.description,
                                                   "version": role.version})
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.role_update(workspace=membership.workspace, role_id=role.pk, actor=request.user,
                                 expected_version=data.pop("version"), **data)
            services.role_holders_set(workspace=membership.workspace, role_id=role.pk,
                                      membership_ids=[i for x in request.POST.getlist("holders")
                                                      if (i := query_int(x)) is not None])
        except (services.InvalidInput, services.Conflict) as error:
            form.add_error(getattr(error, "field", None) if getattr(error, "field", None) in form.fields else None,
                           error.message)
        else:
            messages.success(request, f"Saved {form.cleaned_data['code'].upper()}.")
            return redirect("raci:roles", ws)
    holder_ids = set(role.holders.values_list("membership_id", flat=True))
    return render(request, "raci/role_edit.html", {
        "membership": membership, "workspace": membership.workspace, "role": role, "form": form,
        "members": selectors.members_of(workspace=membership.workspace), "holder_ids": holder_ids,
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def role_delete(request, ws, role_id):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    role = _role(membership, role_id)
    try:
        services.role_delete(workspace=membership.workspace, role_id=role.pk)
    except services.InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Deleted the role {role.code}.")
    return redirect("raci:roles", ws)


def raise_404():
    from django.http import Http404

    raise Http404("Not found")


@login_required
@require_GET
def people(request, ws):
    membership = membership_for(request, ws)
    return render(request, "raci/people.html", {
        "membership": membership, "workspace": membership.workspace,
        "loads": selectors.workload(workspace=membership.workspace), "letters": "RACI",
    })
