"""The invitee's side of an invitation: join with the signed-in account or sign up."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services as accounts_services
from accounts.forms import InvitationSignUpForm
from core.errors import InvalidInput
from workspaces import invitations


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """An invitation's link: join with the signed-in account, or make one for the address."""
    invitation = invitations.invitation_from_token(token)
    if invitation is None:
        return render(
            request,
            "registration/link_problem.html",
            {
                "problem": "This invitation link is not valid: it may have been replaced by a newer one. "
                "Use the latest mail, or ask the workspace's admin to send it again."
            },
            status=404,
        )
    if invitation.state in invitations.UNUSABLE:
        return render(
            request, "registration/link_problem.html", {"problem": invitations.UNUSABLE[invitation.state]}, status=410
        )
    context = {"invitation": invitation, "workspace_name": invitation.workspace.name}
    if request.user.is_authenticated:
        if (request.user.email or "").lower() != invitation.email:
            # Neither the invited address nor whether it has an account is shown to someone else.
            return render(request, "registration/invitation.html", context | {"wrong_account": True}, status=403)
        if request.method == "POST":
            try:
                invitations.invitation_accept(invitation=invitation, user=request.user)
            except InvalidInput as error:
                return render(request, "registration/link_problem.html", {"problem": error.message}, status=410)
            messages.success(request, f"You joined {invitation.workspace.name}.")
            return redirect("dashboard:workspace", invitation.workspace.slug)
        return render(request, "registration/invitation.html", context)
    form = InvitationSignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_signup(
                invitation=invitation,
                username=form.cleaned_data["username"],
                first_name=form.cleaned_data["first_name"],
                password=form.cleaned_data["password1"],
            )
        except accounts_services.AddressTaken:
            accounts_services.mail_already_registered(
                email=invitation.email, invitation_link=invitations.invitation_link(invitation)
            )
            return redirect("account_email_verification_sent")
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user)
            accounts_services.record_session(request)
            messages.success(request, f"Welcome to Lockstep. You joined {invitation.workspace.name}.")
            return redirect("dashboard:workspace", invitation.workspace.slug)
    return render(request, "registration/invitation.html", context | {"form": form}, status=422 if form.errors else 200)
