from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from ..forms import SignUpForm, ThrottledAuthenticationForm


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


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        messages.success(request, "Welcome to Lockstep. Create a workspace for your team to start.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})
