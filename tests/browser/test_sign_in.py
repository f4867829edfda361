"""Signing in through the login form, as a person does (the other browser tests start signed
in through a session cookie: see the `sign_in` fixture)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_htmx_loaded
from tests.factories import PASSWORD, MembershipFactory


def test_signing_in_through_the_form_opens_the_page_asked_for(page: Page, server, watch):
    member = MembershipFactory(workspace__name="Acme", workspace__slug="acme")
    page.goto(f"{server}/w/acme/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/w/acme/"))
    page.get_by_label("Username").fill(member.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/w/acme/$"))
    expect(page.locator(".usernav summary")).to_be_visible()
    assert_htmx_loaded(page)
    watch.assert_clean()
