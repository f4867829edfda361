from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from raci.views import accounts, workspaces

urlpatterns = [
    path("", workspaces.home, name="home"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("raci.urls")),
]

handler404 = "raci.views.errors.not_found"
