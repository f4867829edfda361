from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.forms import (
    SignUpForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordResetForm,
)
from core.errors import InvalidInput
from core.responses import show_on_form


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
            services.signup_start(
                username=form.cleaned_data["username"],
                first_name=form.cleaned_data["first_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
def signup_sent(request):
    return render(request, "registration/check_mail.html", {"days": settings.SIGNUP_CONFIRM_DAYS})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token):
    if request.method == "POST":
        user = services.signup_confirm(token=token)
        if user is not None:
            login(request, user)
            messages.success(request, "Welcome to Lockstep. Create a workspace for your team to start.")
            return redirect("home")
    elif services.signup_pending(token) is not None:
        return render(request, "registration/signup_confirm.html")
    return render(
        request,
        "registration/link_problem.html",
        {"problem": "This confirmation link has expired or was used already. Sign in, or sign up again."},
        status=410,
    )
