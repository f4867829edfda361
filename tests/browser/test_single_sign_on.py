"""Single sign-on in a browser, through a real OpenID provider on loopback: "Sign in with …"
on the sign-in page, the provider's own page, and back in the workspace with the access the
person's groups map to, at every sign-in again."""

from urllib.parse import quote

import oidc_provider_mock
import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.factories import MembershipFactory, UserFactory
from workspaces import sign_in
from workspaces.models import Access, ClaimedDomain, Membership


@pytest.fixture
def idp(settings):
    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "sso",
                        "name": "Acme ID",
                        "client_id": "lockstep",
                        "secret": "not-a-secret",
                        "settings": {"server_url": url},
                    }
                ],
            }
        }
        yield url


def person(idp: str, sub: str, **claims) -> None:
    assert requests.put(f"{idp}/users/{quote(sub)}", json=claims, timeout=5).status_code == 204


def sign_in_with_sso(browser, server: str, workspace_slug: str, sub: str, *, shots: str = ""):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/accounts/login/?next=/w/{workspace_slug}/")
    if shots:
        shoot(page, f"{shots}-sign-in")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    if shots:
        shoot(page, f"{shots}-continue")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    return context, page


def test_the_groups_decide_the_access_at_every_sign_in(browser, server, idp):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@acme.com"))
    workspace = admin.workspace
    ClaimedDomain.objects.create(workspace=workspace, domain="acme.com", claimed_by=admin.user)
    sign_in.group_mapping_add(workspace=workspace, group="Product", access=Access.EDITOR, role_ids=[])
    sign_in.group_mapping_add(workspace=workspace, group="Everyone", access=Access.VIEWER, role_ids=[])

    person(idp, "sam", email="sam@acme.com", email_verified=True, name="Sam Lee", groups=["Product"])
    context, page = sign_in_with_sso(browser, server, workspace.slug, "sam", shots="sso")
    expect(page).to_have_url(f"{server}/w/{workspace.slug}/")
    expect(page.get_by_text(f"You joined {workspace.name} as an editor.")).to_be_visible()
    shoot(page, "sso-landed")
    member = Membership.objects.get(workspace=workspace, user__email="sam@acme.com")
    assert member.access == Access.EDITOR
    context.close()

    person(idp, "sam", email="sam@acme.com", email_verified=True, name="Sam Lee", groups=["Everyone"])
    context, page = sign_in_with_sso(browser, server, workspace.slug, "sam")
    expect(page.get_by_text(f"Your access to {workspace.name} follows your groups: viewer.")).to_be_visible()
    member.refresh_from_db()
    assert member.access == Access.VIEWER
    context.close()

    person(idp, "sam", email="sam@acme.com", email_verified=True, name="Sam Lee", groups=["Sales"])
    context, page = sign_in_with_sso(browser, server, workspace.slug, "sam")
    expect(page.get_by_text("is suspended").first).to_be_visible()
    member.refresh_from_db()
    assert member.suspended_at is not None
    shoot(page, "sso-suspended")
    context.close()

    person(idp, "sam", email="sam@acme.com", email_verified=True, name="Sam Lee")  # no groups claim
    context, page = sign_in_with_sso(browser, server, workspace.slug, "sam")
    expect(page.get_by_text("is suspended").first).to_be_visible()
    member.refresh_from_db()
    assert member.suspended_at is not None and member.access == Access.VIEWER
    context.close()
