"""The sign-in page: ours, working without JavaScript, ready for single sign-on."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

COMPANY = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "company",
                "name": "Company",
                "client_id": "lockstep",
                "secret": "not-a-secret",
                "settings": {"server_url": "https://id.example.com"},
            }
        ],
    }
}


def test_the_sign_in_page_is_a_plain_form_without_scripts_of_its_own(client):
    html = client.get(reverse("login")).content.decode()
    assert re.search(r'<form method="post"', html) and 'name="login"' in html and 'name="password"' in html
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html
    assert "Sign in with" not in html  # no identity provider configured


def test_an_identity_provider_shows_sign_in_with_its_name(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = COMPANY
    html = client.get(reverse("login")).content.decode()
    assert "Sign in with Company" in html
    assert 'href="/accounts/oidc/company/login/?process=login"' in html


def test_too_many_requests_answer_in_our_look(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    client.post(reverse("account_reset_password"), {"email": "lee@example.com"})
    response = client.post(reverse("account_reset_password"), {"email": "lee@example.com"})
    assert response.status_code == 429 and "Wait a minute" in response.content.decode()
    assert 'href="/static/css/app.css"' in response.content.decode()
