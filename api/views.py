"""A person's API tokens on their account page, and every token of a workspace for its admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api import tokens
from api.forms import TokenForm
from core.errors import InvalidInput
from workspaces.access import membership_for
from workspaces.models import Access, Membership


def _memberships(user):
    return list(Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name"))


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    memberships = _memberships(request.user)
    form = TokenForm(request.POST or None, memberships=memberships)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = next(m for m in memberships if m.workspace.slug == data["workspace"])
        try:
            created = tokens.token_create(
                user=request.user,
                workspace=membership.workspace,
                name=data["name"],
                scope=data["scope"],
                days=data["days"],
            )
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # Shown once, on this answer only: it is not stored and no redirect could show it again.
            form = TokenForm(memberships=memberships)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens.tokens_of(user=request.user), "created": created, "memberships": memberships},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, token_id):
    mine = next((t for t in tokens.tokens_of(user=request.user) if t.pk == token_id), None)
    if mine is None:
        raise Http404("No such token")
    tokens.token_revoke(token_id=token_id, workspace=mine.workspace, actor=request.user)
    messages.success(request, f"The token “{mine.name}” is revoked: it no longer works.")
    return redirect("api_tokens:tokens")


@login_required
@require_http_methods(["GET"])
def workspace_tokens(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    return render(
        request,
        "api/workspace_tokens.html",
        {
            "workspace": membership.workspace,
            "membership": membership,
            "tokens": tokens.workspace_tokens(workspace=membership.workspace),
        },
    )


@login_required
@require_POST
def workspace_token_revoke(request, ws, token_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    token = tokens.token_revoke(token_id=token_id, workspace=membership.workspace, actor=request.user)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api_tokens:workspace_tokens", ws)


def tokens_section(membership, errors=None) -> dict:
    """The workspace settings' "API tokens" section (workspaces.settings_sections)."""
    live = [t for t in tokens.workspace_tokens(workspace=membership.workspace) if t.revoked_at is None]
    return {"live": len(live)}
