"""The project's URLs plus a password reset page, as the deployment with reset pages has."""

from django.contrib.auth import views as auth_views
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    *project_urlpatterns,
]
