"""The identity provider from the environment (config/settings/base.py: sso_oidc_app)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import sso_oidc_app

FOUR = {
    "SSO_OIDC_NAME": "Acme ID",
    "SSO_OIDC_ISSUER": "https://login.acme.example/",
    "SSO_OIDC_CLIENT_ID": "lockstep",
    "SSO_OIDC_CLIENT_SECRET": "s3cret",
}


def test_none_of_the_four_is_no_provider(monkeypatch):
    for name in FOUR:
        monkeypatch.delenv(name, raising=False)
    assert sso_oidc_app() is None


def test_the_four_make_one_provider_with_pkce_and_discovery(monkeypatch):
    for name, value in FOUR.items():
        monkeypatch.setenv(name, value)
    app = sso_oidc_app()
    assert app["provider_id"] == "sso" and app["name"] == "Acme ID"
    assert app["settings"]["server_url"] == "https://login.acme.example"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["scope"] == ["openid", "profile", "email"]


def test_a_missing_one_stops_start_up_naming_it(monkeypatch):
    for name, value in FOUR.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SSO_OIDC_CLIENT_SECRET", "")
    with pytest.raises(ImproperlyConfigured, match="SSO_OIDC_CLIENT_SECRET"):
        sso_oidc_app()


def test_a_plain_http_issuer_is_refused(monkeypatch):
    for name, value in FOUR.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SSO_OIDC_ISSUER", "http://login.acme.example")
    with pytest.raises(ImproperlyConfigured, match="SSO_OIDC_ISSUER"):
        sso_oidc_app()


def test_domains_whose_addresses_the_provider_vouches_for(monkeypatch):
    for name, value in FOUR.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SSO_OIDC_VERIFIED_DOMAINS", "Acme.com, acme.de")
    assert sso_oidc_app()["settings"]["verified_email"] == ["acme.com", "acme.de"]
