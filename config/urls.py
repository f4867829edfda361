from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from api.v1 import api as api_v1
from workspaces import join as workspaces_join
from workspaces import views as workspaces

urlpatterns = [
    path("", workspaces.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    # Sign-in, sign-up, reset, addresses, two-factor, sessions, single sign-on: allauth's
    # pages in our look. "login" and "logout" name the same pages for the rest of the product.
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
    path("invitations/<str:token>/", workspaces_join.invitation, name="invitation"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("", include("api.urls")),
    # workspaces before dashboard: "w/new/" is not a workspace.
    path("", include("workspaces.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboard.urls")),
    path("", include("raci.urls")),
    path("", include("workshops.urls")),
    path("", include("launches.urls")),
    path("", include("rituals.urls")),
]

if settings.BENCH_FLOOR:

    def floor(request):
        return HttpResponse("ok", content_type="text/plain")

    urlpatterns.insert(0, path("bench/floor/", floor))

handler404 = "core.views.not_found"
