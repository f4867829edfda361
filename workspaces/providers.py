"""The identity providers people sign in through, as the settings page and the refusals
name them. They are configured for the whole site (the environment's one, more in the
admin)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from django.conf import settings
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    login_url: str


def configured() -> list[Provider]:
    found = []
    for app in get_adapter().list_apps(None, provider="openid_connect"):
        provider_id = app.provider_id or app.provider
        try:
            url = reverse("openid_connect_login", kwargs={"provider_id": provider_id})
        except NoReverseMatch:
            continue
        found.append(Provider(provider_id, app.name or provider_id, url))
    return found


def sign_in_url() -> str:
    """The one provider's own start when there is exactly one, else the sign-in page."""
    found = configured()
    if len(found) == 1:
        return found[0].login_url + "?process=login"
    return reverse("login")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else ""


def provider_in_form_action(get_response):
    """The page that starts a sign-in through a provider posts to us and is redirected to
    the provider, and browsers hold that redirect to the page's CSP `form-action`: that page
    (and only it) lets the provider's origin, read from its issuer, in as well."""

    def middleware(request):
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "openid_connect_login":
            return response
        wanted = match.kwargs.get("provider_id", "")
        apps = [a for a in get_adapter().list_apps(request, provider="openid_connect") if a.provider_id == wanted]
        origins = [o for a in apps if (o := _origin(str((a.settings or {}).get("server_url", ""))))]
        if origins:
            config = dict(settings.SECURE_CSP)
            config["form-action"] = [*config.get("form-action", []), *origins]
            response._csp_config = config
        return response

    return middleware
