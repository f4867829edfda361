from typing import NoReturn

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as accounts_selectors
from core import errors as core_errors
from core.bounds import query_int
from core.responses import is_htmx, refusal_redirects_to, render_varied, show_on_form
from workspaces import (
    handover,
    invitations,
    selectors,
    services,
    settings_sections,
    team_phases,
)
from workspaces.access import membership_for
from workspaces.forms import (
    AccessForm,
    HandoverForm,
    InvitationForm,
    NameForm,
    RoleForm,
    WorkspaceSettingsForm,
)
from workspaces.models import Access, Role
from workspaces.phases import PHASE_NAME_MAX, PHASES_MAX, RELAY_SOURCES


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "workspaces/home.html", {"form": NameForm()})


@login_required
@require_POST
def workspace_create(request):
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            workspace = services.workspace_create(name=form.cleaned_data["name"], owner=request.user)
        except core_errors.InvalidInput as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, f"Created {workspace.name}. Start a matrix from the default PM/PMM template.")
            return redirect("dashboard:workspace", workspace.slug)
    return render(request, "workspaces/home.html", {"form": form}, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN if request.method == "POST" else Access.VIEWER)
    workspace = membership.workspace
    form = WorkspaceSettingsForm(
        request.POST or None, initial={"name": workspace.name, "time_zone": workspace.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(workspace=workspace, **form.cleaned_data)
        except core_errors.InvalidInput as error:
            form.add_error("time_zone" if error.field == "time_zone" else "name", error.message)
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("workspaces:workspace_settings", ws)
    return settings_page(request, membership, form=form, status=422 if form.errors else 200)


def settings_page(request, membership, *, form=None, phase_errors=None, typed=None, section_errors=None, status=200):
    """The settings page; `phase_errors` maps a phase key (or "add") to the refusal shown
    beside it, `typed` keeps what was typed there; the apps' sections (`settings_sections`)
    render their own part."""
    workspace = membership.workspace
    form = form or WorkspaceSettingsForm(initial={"name": workspace.name, "time_zone": workspace.time_zone})
    phases = team_phases.phases_of(workspace=workspace)
    phase_errors, typed = phase_errors or {}, typed or {}
    rows = [{"phase": p, "error": phase_errors.get(p.key, ""), "value": typed.get(p.key, p.name)} for p in phases]
    return render(
        request,
        "workspaces/workspace_settings.html",
        {
            "membership": membership,
            "workspace": workspace,
            "form": form,
            "phases": rows,
            "add_error": phase_errors.get("add", ""),
            "add_value": typed.get("add", ""),
            "phase_name_max": PHASE_NAME_MAX,
            "phases_max": PHASES_MAX,
            "phases_full": len(phases) >= PHASES_MAX,
            "relay_roles": list(Role.objects.filter(workspace=workspace).values_list("code", flat=True)),
            "relay_sources": RELAY_SOURCES,
            "sections": settings_sections.sections_for(membership, section_errors),
            "secrets": handover.secrets_of(workspace=workspace) if membership.is_admin else [],
        },
        status=status,
    )


def _phase_write(request, ws, where: str, write, done: str):
    """An admin's change to the phase list: back to the phases on the settings page, or
    the page again with the refusal beside the phase (or the add form) it concerns."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    try:
        write(membership.workspace)
    except (core_errors.InvalidInput, core_errors.Conflict) as error:
        typed = {where: request.POST.get("name", "")[: PHASE_NAME_MAX + 40]}
        return settings_page(request, membership, phase_errors={where: error.message}, typed=typed, status=error.status)
    messages.success(request, done)
    return redirect(reverse("workspaces:workspace_settings", args=[ws]) + "#phases")


@login_required
@require_POST
def secret_rotate(request, ws, action):
    """Replace one of the workspace's secrets (the calendar feed's link, the webhook's secret)."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    secret = handover.secret_rotate(workspace=membership.workspace, key=action, actor=request.user) or raise_404()
    messages.success(request, f"{secret.label} is replaced. {secret.effect}")
    return redirect(reverse("workspaces:workspace_settings", args=[ws]) + "#secrets")


@login_required
@require_POST
def phase_add(request, ws):
    name = request.POST.get("name", "")
    return _phase_write(
        request,
        ws,
        "add",
        lambda w: team_phases.phase_add(
            workspace=w, name=name, driver=request.POST.get("driver", ""), navigator=request.POST.get("navigator", "")
        ),
        f"Added the phase “{' '.join(name.split())[:PHASE_NAME_MAX]}”.",
    )


@login_required
@require_POST
def phase_rename(request, ws, key):
    # A rename without the name the page showed is treated as stale: it never overwrites.
    name, seen = request.POST.get("name", ""), request.POST.get("was", "")
    return _phase_write(
        request,
        ws,
        key,
        lambda w: team_phases.phase_rename(
            workspace=w, phase_key=key, name=name, actor=request.user, expected_name=seen
        ),
        "Phase renamed; every matrix's history records it.",
    )


@login_required
@require_POST
def phase_relay(request, ws, key):
    # Like a rename, a change without what the page showed is treated as stale.
    post = request.POST
    seen = (post.get("was_driver", "")[:20], post.get("was_navigator", "")[:20])
    return _phase_write(
        request,
        ws,
        key,
        lambda w: team_phases.phase_relay_set(
            workspace=w,
            phase_key=key,
            driver=post.get("driver", ""),
            navigator=post.get("navigator", ""),
            expected=seen,
            actor=request.user,
        ),
        "Saved who drives the phase and who navigates.",
    )


@login_required
@require_POST
def phase_move(request, ws, key):
    direction = request.POST.get("direction", "")
    return _phase_write(
        request,
        ws,
        key,
        lambda w: team_phases.phase_move(workspace=w, phase_key=key, direction=direction),
        "Phase moved.",
    )


@login_required
@require_POST
def phase_remove(request, ws, key):
    return _phase_write(
        request, ws, key, lambda w: team_phases.phase_remove(workspace=w, phase_key=key), "Phase removed."
    )


def _members_page(request, membership, *, form=None, toast=None, status=200):
    """The members page, or for an htmx POST its invitations card (with the outcome as a toast)."""
    workspace = membership.workspace
    context = {
        "membership": membership,
        "workspace": workspace,
        "access_choices": Access.choices,
        "members": selectors.members_of(workspace=workspace),
    }
    if membership.is_admin:
        bound = handover.access_bound_of(workspace=workspace)
        two_factor = accounts_selectors.two_factor_on(user_ids=[m.user_id for m in context["members"]])
        for m in context["members"]:
            m.access_bound = bound.get(m.pk, [])
            m.two_factor = m.user_id in two_factor
        pending = invitations.invitations_open(workspace=workspace)
        for invitation in pending:
            invitation.link = invitations.invitation_link(invitation)
        context |= {
            "form": form or InvitationForm(),
            "invitations": pending,
            "invitation_days": settings.INVITATION_DAYS,
        }
    if is_htmx(request) and request.method == "POST":
        return render_varied(request, "workspaces/members.html#invitations", context | {"toast": toast}, status=status)
    if toast:
        (messages.error if toast[0] == "error" else messages.success)(request, toast[1])
    if request.method == "POST" and form is None:  # post/redirect/get, unless a form has errors to show
        return redirect("workspaces:members", workspace.slug)
    return render_varied(request, "workspaces/members.html", context, status=status)


def _sent(result: invitations.InvitationSent, verb: str) -> tuple[str, str]:
    if result.mailed:
        return "success", f"Invitation {verb} to {result.invitation.email}."
    return "error", (
        f"The mail to {result.invitation.email} could not be sent. Copy the invitation's link from "
        "the pending invitations and pass it on yourself."
    )


@login_required
@require_GET
def members(request, ws):
    return _members_page(request, membership_for(request, ws))


@login_required
@require_POST
def invitation_create(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            result = invitations.invitation_create(
                workspace=membership.workspace, invited_by=request.user, **form.cleaned_data
            )
        except core_errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            return _members_page(request, membership, toast=_sent(result, "sent"))
    return _members_page(request, membership, form=form, status=422)


@login_required
@require_POST
def invitation_resend(request, ws, invitation_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    try:
        result = invitations.invitation_resend(
            workspace=membership.workspace, invitation_id=invitation_id, actor=request.user
        )
    except core_errors.InvalidInput as error:
        return _members_page(request, membership, toast=("error", error.message), status=422)
    return _members_page(request, membership, toast=_sent(result, "sent again"))


@login_required
@require_POST
def invitation_revoke(request, ws, invitation_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    try:
        invitation = invitations.invitation_revoke(workspace=membership.workspace, invitation_id=invitation_id)
    except core_errors.InvalidInput as error:
        return _members_page(request, membership, toast=("error", error.message), status=422)
    return _members_page(
        request, membership, toast=("success", f"Invitation to {invitation.email} withdrawn; its link no longer works.")
    )


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, **_: reverse("workspaces:members", args=[ws]))
def member_update(request, ws, member_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = AccessForm(request.POST)
    if not form.is_valid():
        raise core_errors.InvalidInput("Pick an access level: viewer, editor or admin.")
    access = form.cleaned_data["access"]
    changed = services.member_update(workspace=membership.workspace, membership_id=member_id, access=access)
    level = changed.get_access_display().lower()
    messages.success(request, f"{changed.display_name} is now {'an' if level[0] in 'aeiou' else 'a'} {level}.")
    bound = handover.access_bound_of(workspace=membership.workspace).get(changed.pk)
    if bound and access != Access.ADMIN:
        # Their tokens keep working with the new access: say so where the admin made the change.
        messages.warning(
            request,
            f"{'; '.join(bound)} now act{'s' if len(bound) == 1 else ''} with {changed.display_name}'s "
            f"{level} access. Revoke on the API tokens page what should stop.",
        )
    return redirect("workspaces:members", ws)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, ws, member_id):
    """What the member holds and to whom each thing goes (GET); hand it all over and remove them (POST)."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    leaving = selectors.member_get(workspace=membership.workspace, member_id=member_id) or raise_404()
    others = [m for m in selectors.members_of(workspace=membership.workspace) if m.pk != leaving.pk]
    form = HandoverForm(
        request.POST if request.method == "POST" else None,
        holdings=handover.holdings_of(membership=leaving),
        members=others,
        # An admin could read the workspace's secrets: replacing them is offered in the same step.
        secrets=handover.secrets_of(workspace=membership.workspace) if leaving.is_admin else (),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_remove(
                membership=leaving,
                handover=form.handover,
                actor=request.user,
                rotate=form.cleaned_data.get("rotate", ()),
            )
        except services.HandoverRefused as error:
            for key, message in error.errors.items():
                form.add_error(form.field_name(key) if form.field_name(key) in form.fields else None, message)
        except core_errors.InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Removed {leaving.display_name}; what they held is handed over.")
            return redirect("workspaces:members", ws) if leaving.pk != membership.pk else redirect("home")
    return render(
        request,
        "raci/member_remove.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "leaving": leaving,
            "form": form,
            "notes": handover.notes_of(membership=leaving),
            "last_admin": leaving.is_admin and not any(m.is_admin for m in others),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def roles(request, ws):
    membership = membership_for(request, ws)
    return render(
        request,
        "workspaces/roles.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "form": RoleForm(),
            "roles": selectors.roles_of(workspace=membership.workspace),
        },
    )


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
        except core_errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Added the role {role.code}.")
            return redirect("workspaces:roles", ws)
    return render(
        request,
        "workspaces/roles.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "form": form,
            "roles": selectors.roles_of(workspace=membership.workspace),
        },
        status=422,
    )


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
    form = RoleForm(
        request.POST or None,
        initial={"name": role.name, "code": role.code, "description": role.description, "version": role.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            services.role_update(
                workspace=membership.workspace,
                role_id=role.pk,
                actor=request.user,
                expected_version=data.pop("version"),
                **data,
            )
        except (core_errors.InvalidInput, core_errors.Conflict) as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Saved {form.cleaned_data['code'].upper()}.")
            return redirect("workspaces:roles", ws)
    holder_ids = set(role.holders.values_list("membership_id", flat=True))
    members = selectors.members_of(workspace=membership.workspace)
    return render(
        request,
        "workspaces/role_edit.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "role": role,
            "form": form,
            "members": members,
            "holder_ids": holder_ids,
            "holders": [m for m in members if m.pk in holder_ids],
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def role_holders(request, ws, role_id):
    """Who holds the role: admins only (DESIGN, Launches), so nobody gives themselves a hat."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    role = _role(membership, role_id)
    services.role_holders_set(
        workspace=membership.workspace,
        role_id=role.pk,
        membership_ids=[i for x in request.POST.getlist("holders") if (i := query_int(x)) is not None],
        actor=request.user,
    )
    messages.success(request, f"Saved who holds {role.code}.")
    return redirect("workspaces:role_edit", ws, role.pk)


def _next_or(request, fallback: str) -> str:
    """The page the form came from (`next`, a path of this site), else `fallback`."""
    wanted = request.POST.get("next", "")
    printable = len(wanted) <= 500 and all(" " < c < "\x7f" for c in wanted)
    if printable and wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return fallback


@login_required
@require_POST
@refusal_redirects_to(
    lambda request, ws, role_id: _next_or(request, reverse("workspaces:role_edit", args=[ws, role_id]))
)
def role_holder_add(request, ws, role_id):
    """ "Who holds this?" answered where the role shows as held by nobody: admins only."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    role = _role(membership, role_id)
    member = services.role_holder_add(
        workspace=membership.workspace,
        role_id=role.pk,
        membership_id=query_int(request.POST.get("holder", "")) or 0,
        actor=request.user,
    )
    messages.success(request, f"{member.display_name} holds {role.code} now.")
    return redirect(_next_or(request, reverse("workspaces:role_edit", args=[ws, role.pk])))


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, **_: reverse("workspaces:roles", args=[ws]))
def role_delete(request, ws, role_id):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    role = _role(membership, role_id)
    services.role_delete(workspace=membership.workspace, role_id=role.pk)
    messages.success(request, f"Deleted the role {role.code}.")
    return redirect("workspaces:roles", ws)


def raise_404() -> NoReturn:
    raise Http404("Not found")
