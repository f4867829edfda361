"""The identity providers people sign in through, as the settings page and the refusals
name them. They are configured for the whole site (the environment's one, more in the
admin)."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.socialaccount.adapter import get_adapter
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
