"""An admin sets who gets in on the settings page; a password session meets the refusal."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import shoot
from tests.factories import MembershipFactory, UserFactory
from workspaces.models import Access, GroupMapping


def test_an_admin_claims_a_domain_and_maps_a_group(page: Page, server, sign_in):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@acme.com", username="ada"))
    sign_in(page, "ada")
    page.goto(f"{server}/w/{admin.workspace.slug}/settings/#sign-in")
    section = page.locator("#sign-in")
    expect(section).to_contain_text("Google sends no groups claim")
    section.get_by_label("Claim a domain").fill("globex.com")
    section.get_by_role("button", name="Claim").click()
    expect(page.locator("#sign-in")).to_contain_text("confirmed address of your own")
    page.locator("#sign-in").get_by_label("Claim a domain").fill("acme.com")
    page.locator("#sign-in").get_by_role("button", name="Claim").click()
    expect(page.locator("#sign-in")).to_contain_text("acme.com")
    section = page.locator("#sign-in")
    section.get_by_label("Group").fill("Product managers")
    section.get_by_label("Access", exact=True).select_option("editor")
    section.get_by_role("button", name="Map the group").click()
    expect(page.locator("#sign-in table")).to_contain_text("Product managers")
    assert GroupMapping.objects.get(workspace=admin.workspace).access == Access.EDITOR
    shoot(page, "sign-in-settings", part="#sign-in")


def test_a_password_session_is_sent_to_single_sign_on(page: Page, server, sign_in):
    editor = MembershipFactory(access=Access.EDITOR, user=UserFactory(username="sam"))
    editor.workspace.require_sso = True
    editor.workspace.save()
    sign_in(page, "sam")
    page.goto(f"{server}/w/{editor.workspace.slug}/")
    expect(page.get_by_role("heading", name="Sign in again")).to_be_visible()
    expect(page.get_by_text("requires single sign-on")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in with single sign-on")).to_be_visible()
    shoot(page, "sso-required")
