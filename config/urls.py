from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from accounts import views as accounts
from accounts.forms import OurPasswordChangeForm, OurSetPasswordForm
from api.v1 import api as api_v1
from workspaces import join as workspaces_join
from workspaces import views as workspaces

urlpatterns = [
    path("", workspaces.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/sent/", accounts.signup_sent, name="signup_sent"),
    path("accounts/signup/confirm/<str:token>/", accounts.signup_confirm, name="signup_confirm"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=OurSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("invitations/<str:token>/", workspaces_join.invitation, name="invitation"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=OurPasswordChangeForm),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("", include("api.urls")),
    path("", include("chat.urls")),
    # workspaces before dashboard: "w/new/" is not a workspace.
    path("", include("workspaces.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboard.urls")),
    path("", include("raci.urls")),
    path("", include("workshops.urls")),
    path("", include("launches.urls")),
    path("", include("rituals.urls")),
    path("", include("sharing.urls")),
]

if settings.BENCH_FLOOR:

    def floor(request):
        return HttpResponse("ok", content_type="text/plain")

    urlpatterns.insert(0, path("bench/floor/", floor))

handler404 = "core.views.not_found"
