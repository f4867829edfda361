"""The sign-in section of the workspace settings page (admins): rules, domains, groups.

Each form posts here; a refusal renders the settings page again with the message beside
the field (`settings_page`'s section errors), a success redirects to the section.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import errors as core_errors
from workspaces import providers, sign_in
from workspaces.access import membership_for
from workspaces.forms import DomainForm, GroupMappingForm, SignInRulesForm
from workspaces.models import Access, Role
from workspaces.sessions import sso_signed_in_at
from workspaces.views import settings_page

KEY = "sign_in"


def section_context(membership, errors) -> dict:
    """What the settings page's sign-in section shows; admins only."""
    if not membership.is_admin:
        return {"hidden": True}
    workspace = membership.workspace
    errors = errors or {}
    roles = list(Role.objects.filter(workspace=workspace))
    return {
        "rules": errors.get("rules_form")
        or SignInRulesForm(
            initial={
                "require_sso": workspace.require_sso,
                "require_two_factor": workspace.require_two_factor,
                "domain_access": workspace.domain_access,
            },
            auto_id="sign-in-%s",
        ),
        "domain_form": errors.get("domain_form") or DomainForm(auto_id="domain-%s"),
        "mapping_form": errors.get("mapping_form") or GroupMappingForm(roles=roles, auto_id="mapping-%s"),
        "domains": sign_in.domains_of(workspace=workspace),
        "mappings": sign_in.mappings_of(workspace=workspace),
        "providers": providers.configured(),
        "suspended": sign_in.suspended_count(workspace=workspace),
    }


def _again(request, membership, **forms):
    return settings_page(request, membership, section_errors={KEY: forms}, status=422)


def _done(request, ws, text: str):
    messages.success(request, text)
    return redirect(reverse("workspaces:workspace_settings", args=[ws]) + "#sign-in")


@login_required
@require_POST
def sign_in_rules(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = SignInRulesForm(request.POST, auto_id="sign-in-%s")
    if form.is_valid():
        try:
            sign_in.sign_in_rules_set(
                workspace=membership.workspace,
                actor=request.user,
                via_sso=sso_signed_in_at(request) is not None,
                **form.cleaned_data,
            )
        except core_errors.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _done(request, ws, "Sign-in rules saved.")
    return _again(request, membership, rules_form=form)


@login_required
@require_POST
def domain_claim(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = DomainForm(request.POST, auto_id="domain-%s")
    if form.is_valid():
        try:
            claimed = sign_in.domain_claim(
                workspace=membership.workspace, domain=form.cleaned_data["domain"], actor=request.user
            )
        except core_errors.InvalidInput as error:
            form.add_error("domain", error.message)
        else:
            return _done(request, ws, f"Claimed {claimed.domain}.")
    return _again(request, membership, domain_form=form)


@login_required
@require_POST
def domain_release(request, ws, domain_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    domain = sign_in.domain_release(workspace=membership.workspace, domain_id=domain_id)
    return _done(request, ws, f"{domain} is no longer claimed: its people's groups count here no more.")


@login_required
@require_POST
def group_mapping_add(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = GroupMappingForm(
        request.POST, roles=list(Role.objects.filter(workspace=membership.workspace)), auto_id="mapping-%s"
    )
    if form.is_valid():
        try:
            mapping = sign_in.group_mapping_add(
                workspace=membership.workspace,
                group=form.cleaned_data["group"],
                access=form.cleaned_data["access"],
                role_ids=form.cleaned_data.get("roles", []),
            )
        except (core_errors.InvalidInput, core_errors.Conflict) as error:
            form.add_error(
                getattr(error, "field", None) if getattr(error, "field", None) in form.fields else None, error.message
            )
        else:
            return _done(
                request, ws, f"Mapped the group “{mapping.group}”: it counts from each member's next SSO sign-in."
            )
    return _again(request, membership, mapping_form=form)


@login_required
@require_POST
def group_mapping_remove(request, ws, mapping_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    group = sign_in.group_mapping_remove(workspace=membership.workspace, mapping_id=mapping_id)
    return _done(request, ws, f"“{group}” is no longer mapped.")
