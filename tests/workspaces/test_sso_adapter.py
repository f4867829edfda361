"""Single sign-on through a real OpenID provider on loopback (oidc-provider-mock): discovery,
signed ID tokens, the authorization-code flow with PKCE; the account made from the claims,
never linked by address alone; the claims applied to memberships at every sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import oidc_provider_mock
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, UserFactory
from workspaces import sign_in
from workspaces.models import Access, ClaimedDomain, Membership, SsoSignIn
from workspaces.sessions import sso_signed_in_at


@dataclass
class Provider:
    url: str

    def person(self, sub: str, **claims) -> None:
        answer = requests.put(f"{self.url}/users/{quote(sub)}", json=claims, timeout=5)
        assert answer.status_code == 204

    def authorize(self, location: str, sub: str) -> str:
        """Sign in as `sub` at the provider's authorize page; the callback URL it sends back."""
        answer = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert answer.status_code in (302, 303), answer.text[:500]
        return answer.headers["Location"]


@pytest.fixture(scope="module")
def provider_server() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def oidc_app(url: str, name: str = "Acme ID") -> dict:
    return {
        "provider_id": "sso",
        "name": name,
        "client_id": "lockstep",
        "secret": "not-a-secret",
        "settings": {"server_url": url, "scope": ["openid", "profile", "email"], "oauth_pkce_enabled": True},
    }


@pytest.fixture
def idp(provider_server, settings) -> Provider:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [oidc_app(provider_server)]}
    }
    return Provider(provider_server)


def start(client, next_path: str = "/") -> str:
    answer = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": "sso"}), {"process": "login", "next": next_path}
    )
    assert answer.status_code == 302, answer.content[:500]
    return answer["Location"]


def sign_in_through(client, idp: Provider, sub: str, next_path: str = "/"):
    callback = idp.authorize(start(client, next_path), sub)
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


@pytest.fixture
def acme(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@acme.com"))
    ClaimedDomain.objects.create(workspace=admin.workspace, domain="acme.com", claimed_by=admin.user)
    sign_in.group_mapping_add(workspace=admin.workspace, group="Viewers", access=Access.VIEWER, role_ids=[])
    sign_in.group_mapping_add(workspace=admin.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    return admin.workspace


def test_the_sign_in_asks_for_a_code_with_a_challenge(client, idp, db):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"][0].endswith("/accounts/oidc/sso/login/callback/")


def test_the_sign_in_page_offers_the_provider_by_name(client, idp, db):
    assert "Sign in with Acme ID" in client.get(reverse("login")).content.decode()


def test_the_first_sign_in_makes_the_account_from_the_claims(client, idp, acme):
    idp.person("u-1", email="sam@acme.com", email_verified=True, name="Sam Lee", groups=["Editors"])
    answer = sign_in_through(client, idp, "u-1", f"/w/{acme.slug}/")
    assert answer.status_code == 302 and answer["Location"] == f"/w/{acme.slug}/"
    user = get_user_model().objects.get(email="sam@acme.com")
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Sam", "Lee", False)
    assert Membership.objects.get(workspace=acme, user=user).access == Access.EDITOR
    assert SsoSignIn.objects.filter(user=user).exists()
    assert client.get(f"/w/{acme.slug}/").status_code == 200


def test_each_sign_in_reads_the_groups_again(client, idp, acme):
    idp.person("u-2", email="kim@acme.com", email_verified=True, name="Kim", groups=["Editors"])
    sign_in_through(client, idp, "u-2")
    member = Membership.objects.get(workspace=acme, user__email="kim@acme.com")
    assert member.access == Access.EDITOR
    client.logout()
    idp.person("u-2", email="kim@acme.com", email_verified=True, name="Kim", groups=["Viewers"])
    sign_in_through(client, idp, "u-2")
    member.refresh_from_db()
    assert member.access == Access.VIEWER
    client.logout()
    idp.person("u-2", email="kim@acme.com", email_verified=True, name="Kim", groups=["Sales"])
    sign_in_through(client, idp, "u-2")
    member.refresh_from_db()
    assert member.suspended_at is not None
    assert client.get(f"/w/{acme.slug}/").status_code == 403
    client.logout()
    idp.person("u-2", email="kim@acme.com", email_verified=True, name="Kim")  # no groups claim at all
    sign_in_through(client, idp, "u-2")
    member.refresh_from_db()
    assert member.suspended_at is not None and member.access == Access.VIEWER


def test_an_existing_account_is_not_linked_by_address_alone(client, idp, acme):
    owner = UserFactory(email="lee@acme.com", username="lee")
    idp.person("u-3", email="lee@acme.com", email_verified=True, name="Intruder", groups=["Editors"])
    answer = sign_in_through(client, idp, "u-3")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=owner).exists()
    assert get_user_model().objects.filter(email__iexact="lee@acme.com").count() == 1
    assert answer.status_code in (200, 302)


def test_the_owner_links_the_provider_after_proving_the_account_is_theirs(client, idp, acme):
    owner = UserFactory(email="lee@acme.com", username="lee")
    idp.person("u-4", email="lee@acme.com", email_verified=True, name="Lee", groups=["Editors"])
    client.post(reverse("login"), {"login": "lee", "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(owner.pk)
    answer = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}), {"process": "connect"})
    callback = urlsplit(idp.authorize(answer["Location"], "u-4"))
    client.get(f"{callback.path}?{callback.query}")
    assert SocialAccount.objects.filter(user=owner, uid="u-4").exists()
    client.logout()
    sign_in_through(client, idp, "u-4")
    assert client.session.get("_auth_user_id") == str(owner.pk)


def test_the_session_records_the_sso_sign_in(client, idp, acme, rf):
    idp.person("u-5", email="max@acme.com", email_verified=True, name="Max", groups=["Viewers"])
    sign_in_through(client, idp, "u-5")
    request = rf.get("/")
    request.session = client.session
    request.user = get_user_model().objects.get(email="max@acme.com")
    assert sso_signed_in_at(request) is not None


def test_an_unverified_address_joins_nothing(client, idp, acme):
    idp.person("u-6", email="eve@acme.com", email_verified=False, name="Eve", groups=["Editors"])
    sign_in_through(client, idp, "u-6")
    assert not Membership.objects.filter(workspace=acme, user__email="eve@acme.com").exists()


def test_the_page_that_starts_the_sign_in_may_send_its_form_to_the_provider(client, idp, db):
    answer = client.get(reverse("openid_connect_login", kwargs={"provider_id": "sso"}))
    policy = answer["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert idp.url in form_action and "'self'" in form_action
    assert idp.url not in client.get(reverse("login"))["Content-Security-Policy"]


def test_a_refused_password_session_is_sent_to_the_one_provider(client, idp, acme):
    acme.require_sso = True
    acme.save()
    member = MembershipFactory(workspace=acme, access=Access.EDITOR)
    client.force_login(member.user)
    page = client.get(f"/w/{acme.slug}/").content.decode()
    assert reverse("openid_connect_login", kwargs={"provider_id": "sso"}) in page
