from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import accounts
from ..forms import SignUpForm, ThrottledAuthenticationForm, ThrottledPasswordResetForm
from ..services import InvalidInput


class SignInView(LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["password_reset_url"] = reverse("password_reset")
        except NoReverseMatch:  # a deployment without password reset pages
            context["password_reset_url"] = ""
        return context


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, with our mail (absolute links from SITE_URL, not the request's host)
    and the per-address allowance; it answers the same whether or not the account exists."""

    form_class = ThrottledPasswordResetForm
    email_template_name = "registration/email/password_reset.txt"
    subject_template_name = "registration/email/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL.rstrip("/")}


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.signup_start(username=form.cleaned_data["username"], first_name=form.cleaned_data["first_name"],
                                  email=form.cleaned_data["email"], password=form.cleaned_data["password1"])
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
def signup_sent(request):
    return render(request, "registration/check_mail.html", {"days": settings.SIGNUP_CONFIRM_DAYS})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token):
    if request.method == "POST":
        user = accounts.signup_confirm(token=token)
        if user is not None:
            login(request, user)
            messages.success(request, "Welcome to Lockstep. Create a workspace for your team to start.")
            return redirect("home")
    elif accounts.signup_pending(token) is not None:
        return render(request, "registration/signup_confirm.html")
    return render(request, "registration/link_problem.html", {
        "problem": "This confirmation link has expired or was used already. Sign in, or sign up again."}, status=410)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """An invitation's link: join with the signed-in account, or make one for the address."""
    invitation = accounts.invitation_from_token(token)
    if invitation is None:
        return render(request, "registration/link_problem.html", {
            "problem": "This invitation link is not valid: it may have been replaced by a newer one. "
                       "Use the latest mail, or ask the workspace's admin to send it again."}, status=404)
    if invitation.state in accounts.UNUSABLE:
        return render(request, "registration/link_problem.html",
                      {"problem": accounts.UNUSABLE[invitation.state]}, status=410)
    context = {"invitation": invitation, "workspace_name": invitation.workspace.name}
    if request.user.is_authenticated:
        if (request.user.email or "").lower() != invitation.email:
            # Neither the invited address nor whether it has an account is shown to someone else.
            return render(request, "registration/invitation.html", context | {"wrong_account": True}, status=403)
        if request.method == "POST":
            try:
                accounts.invitation_accept(invitation=invitation, user=request.user)
            except InvalidInput as error:
                return render(request, "registration/link_problem.html", {"problem": error.message}, status=410)
            messages.success(request, f"You joined {invitation.workspace.name}.")
            return redirect("raci:workspace", invitation.workspace.slug)
        return render(request, "registration/invitation.html", context)
    form = SignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.invitation_signup(invitation=invitation, username=form.cleaned_data["username"],
                                              first_name=form.cleaned_data["first_name"],
                                              password=form.cleaned_data["password1"])
        except accounts.AddressTaken:
            accounts.mail_already_registered(email=invitation.email, invitation=invitation)
            return redirect("signup_sent")
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user)
            messages.success(request, f"Welcome to Lockstep. You joined {invitation.workspace.name}.")
            return redirect("raci:workspace", invitation.workspace.slug)
    return render(request, "registration/invitation.html", context | {"form": form},
                  status=422 if form.errors else 200)


